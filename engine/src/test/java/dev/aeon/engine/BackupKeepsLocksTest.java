package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.ExclusiveFileLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of an open namespace leaves its log's and its arena's locks held against other processes. The copy
 * opened and closed every file of the namespace's folder, the lock files too, and on POSIX systems closing any
 * descriptor of a file drops every lock the process holds on it: another process could then take both.
 */
class BackupKeepsLocksTest {

  @TempDir Path dir;

  @Test
  void aBackupLeavesTheNamespacesLocksHeld() throws Exception {
    Path live = dir.resolve("live");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "kept").withoutVector());
      Path ns = live.resolve("ns").resolve("default");
      List<Path> locks = List.of(ns.resolve("wal").resolve("LOCK"), ns.resolve("blobs").resolve("blobs.lock"));
      assertEquals("locked locked", otherProcessTries(locks), "before the backup");
      aeon.backup("default", dir.resolve("copy"));
      assertEquals("locked locked", otherProcessTries(locks), "the backup released the namespace's locks");
      Path copied = dir.resolve("copy").resolve("ns").resolve("default");
      assertFalse(Files.exists(copied.resolve("wal").resolve("LOCK")), "a lock file was copied");
      assertFalse(Files.exists(copied.resolve("blobs").resolve("blobs.lock")), "a lock file was copied");
    }
    try (Aeon copy = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
      assertEquals("kept", copy.memory().history("s", 1).getFirst().text());
    }
  }

  /** Runs {@link Child} in another JVM: "locked" or "acquired" for each file, in order. */
  private static String otherProcessTries(List<Path> files) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xshare:auto", "-cp",
        System.getProperty("java.class.path"), Child.class.getName()));
    files.forEach(f -> command.add(f.toString()));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end");
    assertEquals(0, child.exitValue(), "the child failed: " + out);
    return out;
  }

  /** The other process: tries once to take the lock of each file named. */
  public static final class Child {
    public static void main(String[] args) throws IOException {
      StringBuilder out = new StringBuilder();
      for (String file : args) {
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(Path.of(file))) {
          out.append(out.isEmpty() ? "" : " ").append(lock == null ? "locked" : "acquired");
        }
      }
      System.out.println(out);
    }
  }
}
