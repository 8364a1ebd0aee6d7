package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aeon.common.testing.SmallDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL after a flush that named leaves waiting for a merge skipped for want of room (on a
 * real full device, as in {@link SkippedMergeTest}), while it flushes again and again: the reopened index has the
 * same leaves waiting, and a compaction merges them. Before, the leaves waiting were in memory only, and a crash
 * forgot them as a reopen did.
 */
class SkippedMergeCrashTest {

  @TempDir
  Path dir;

  @Test
  void theLeavesWaitingAtTheLastFlushWaitAfterAKill() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 80)) {
      Path report = dir.resolve("waiting");
      Process child = startJvm(Child.class, device.root().toString(), report.toString());
      try {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(report)) {
          if (!child.isAlive() || System.nanoTime() > deadline) {
            fail("the child " + (child.isAlive() ? "skipped no merge in time" : "exited with " + child.exitValue()));
          }
          Thread.sleep(20);
        }
        Thread.sleep(new Random().nextInt(300)); // the kill lands among its flushes
      } finally {
        child.destroyForcibly(); // SIGKILL
        child.waitFor();
      }
      int waiting = Integer.parseInt(Files.readString(report).strip());
      float[][] vs = SkippedMergeTest.vectors();
      try (AtlasIndex index = AtlasIndex.open(device.root().resolve("index"))) {
        assertEquals(waiting, index.mergesWaiting(), "the leaves waiting after the kill");
        index.compact();
        assertEquals(0, index.mergesWaiting(), "leaves still waiting for their merge");
        assertTrue(index.writer().merges() >= waiting / 2, index.writer().merges() + " merges for " + waiting);
        assertEquals(SkippedMergeTest.N / 4, index.size());
        for (int i = 0; i < SkippedMergeTest.N; i += 4) {
          assertEquals(i, index.search(vs[i], 1, SearchParams.nprobe(Integer.MAX_VALUE)).ids()[0]);
        }
      }
    }
  }

  /** A JVM running {@code main} with the test's classpath and the flags the index needs; its output dropped. */
  private static Process startJvm(Class<?> main, String... args) throws java.io.IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /**
   * The process the test kills: on the device mounted on {@code args[0]}, skips merges as {@link SkippedMergeTest}
   * does, flushes, writes how many leaves wait into the file {@code args[1]} (whole, by a rename), and flushes on
   * until it is killed.
   */
  static final class Child {

    public static void main(String[] args) throws Exception {
      SmallDevice device = SmallDevice.mountedAt(Path.of(args[0]));
      AtlasIndex index = AtlasIndex.create(device.root().resolve("index"), SkippedMergeTest.CONFIG);
      int waiting = SkippedMergeTest.skipMerges(index, SkippedMergeTest.vectors(), device);
      index.flush();
      Path report = Path.of(args[1]);
      Path part = report.resolveSibling(report.getFileName() + ".part");
      Files.writeString(part, waiting + "\n");
      Files.move(part, report, StandardCopyOption.ATOMIC_MOVE);
      while (true) {
        index.flush(); // each writes the manifest again: the kill may come in the middle of one
      }
    }
  }
}
