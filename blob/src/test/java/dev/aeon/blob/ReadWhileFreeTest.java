package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers reading a blob, checksum checked, at the moment it is freed: freeing rewrites the frame's state and
 * checksum, so a reader that saw it live may find the checksum changed under it. It must report the blob as
 * freed ({@link InvalidBlobRefException}), never as a damaged file.
 */
class ReadWhileFreeTest {

  @TempDir
  Path dir;

  @Test
  void aBlobFreedDuringAReadIsFreedNotCorrupt() throws Exception {
    int rounds = 20_000;
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong current = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    // small blobs: the reader checks the one blob again and again, so frees land between its loads
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      Thread reader = Repeat.untilStopped(() -> {
        long ref = current.get();
        if (ref == 0) {
          return;
        }
        try {
          assertEquals(ref, Blobs.check(arena.readBytes(ref)));
        } catch (InvalidBlobRefException freed) {
          // the expected outcome once the free has begun
        }
      }, reads, stop, failures);
      for (int i = 0; i < rounds && failures.isEmpty(); i++) {
        long ref = arena.nextRef();
        assertEquals(ref, arena.append(Blobs.content(ref, 8)));
        current.set(ref);
        Thread.onSpinWait();
        arena.free(ref);
        if (i % 2_000 == 1_999) {
          arena.force(); // the erasures wait for the reader's guard, not for this test to end
        }
      }
      stop.set(true);
      reader.join();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertTrue(failures.isEmpty(), "a read racing a free failed: " + failures.peek());
    System.out.println("ReadWhileFreeTest: " + reads.get() + " reads beside " + rounds + " frees");
  }
}
