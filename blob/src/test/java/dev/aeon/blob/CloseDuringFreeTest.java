package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code close} while another thread frees past the garbage threshold, round after round. A free that had
 * passed the check for a closing arena could start its collection after {@code close} had looked for one to
 * wait for: the collection then ran after {@code close} returned, on a closed arena whose directory lock was
 * released (creating and deleting a temp file there, logging a failure). Once {@code close} returns, no
 * collection thread of the arena may run and no file of it may be open or temporary. Before the fix a
 * collection thread still ran after close in 7 and 11 of 400 rounds (two runs).
 */
class CloseDuringFreeTest {

  private static final int ROUNDS = 300;
  private static final int BLOBS = 40;

  @TempDir
  Path dir;

  @Test
  void noCollectionRunsAfterClose() throws Exception {
    List<String> problems = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Path arenaDir = dir.resolve("round-" + round);
      BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults().withAutoGcMinBytes(0), null);
      for (int i = 0; i < BLOBS; i++) {
        arena.append(new byte[64]);
      }
      CountDownLatch atThreshold = new CountDownLatch(1);
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      Thread freer = Thread.ofPlatform().start(() -> {
        try {
          for (long ref = 1; ref <= BLOBS; ref++) {
            arena.free(ref);
            if (ref == BLOBS / 4 - 1) { // the next free passes the threshold and starts a collection
              atThreshold.countDown();
            }
          }
        } catch (IllegalStateException closed) {
          // the arena was closed under the loop: what this test wants
        } catch (Throwable t) {
          failures.add(t);
        } finally {
          atThreshold.countDown();
        }
      });
      atThreshold.await();
      arena.close();
      String left = leftBehind(arenaDir);
      if (!left.isEmpty()) {
        problems.add("round " + round + ": " + left);
      }
      freer.join();
      assertEquals(List.of(), List.copyOf(failures));
    }
    assertEquals(List.of(), problems, problems.size() + " of " + ROUNDS + " rounds");
  }

  /** What of the arena in {@code arenaDir} is still running or open; empty if nothing. */
  private static String leftBehind(Path arenaDir) throws IOException {
    StringBuilder s = new StringBuilder();
    String gcThread = "aeon-blob-gc " + arenaDir.getFileName();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(gcThread) && t.isAlive()) {
        s.append("a collection thread runs; ");
      }
    }
    try (Stream<Path> files = Files.list(arenaDir)) {
      files.filter(f -> f.getFileName().toString().endsWith(".tmp")).forEach(f -> s.append(f.getFileName())
          .append(" is there; "));
    }
    if (System.getProperty("os.name").startsWith("Linux")) {
      try (Stream<Path> files = Files.list(arenaDir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (!FailedOpenTest.descriptorsOf(f).isEmpty()) {
            s.append(f.getFileName()).append(" is open; ");
          }
        }
      }
    }
    return s.toString();
  }
}
