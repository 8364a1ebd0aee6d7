package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aeon.common.ebr.Epochs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An arena closed while another thread's reclamation still erases the blobs its last force freed (several
 * owners share one {@link Epochs}, and any thread that retires something may reclaim): the erasure and the
 * unmapping retired by {@code close} run on different threads, and the unmapping must wait for the
 * erasure, never pull the mapping from under it. Nor may it overtake an erasure that the other thread has
 * taken but not started (the erasure then found the mapping closed and zeroed nothing): once the epochs
 * have reclaimed, no freed text may be left in the file.
 */
class CloseWhileErasingTest {

  @TempDir
  Path dir;

  @Test
  void closingNeverUnmapsAnErasureInProgress() throws Exception {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Epochs.Config config = Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1)
        .withOnCloseFailure(failures::add);
    AtomicBoolean stop = new AtomicBoolean();
    try (Epochs shared = new Epochs(config)) {
      Thread otherOwner = Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          shared.reclaim();
        }
      });
      try {
        for (int round = 0; round < 40 && failures.isEmpty(); round++) {
          Path arenaDir = dir.resolve("arena-" + round);
          BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults(), shared);
          long[] refs = new long[2_000];
          for (int i = 0; i < refs.length; i++) {
            refs[i] = arena.append("a text to forget, number " + i + ", long enough to take a moment to erase");
          }
          arena.force();
          for (long ref : refs) {
            arena.free(ref);
          }
          arena.close(); // retires the erasure of the frees, then the unmapping
          shared.awaitReclaimed(Duration.ofSeconds(10));
          assertFalse(BlobArenaTest.filesContain(arenaDir, "a text to forget".getBytes(StandardCharsets.UTF_8)),
              "round " + round + ": a freed text is still in the file after close");
        }
      } finally {
        stop.set(true);
        otherOwner.join();
      }
    }
    assertEquals(List.of(), List.copyOf(failures));
  }
}
