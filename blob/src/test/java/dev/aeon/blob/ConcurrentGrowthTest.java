package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.ebr.Epochs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers read while a writer appends into an arena that starts tiny, so the file grows and is remapped
 * again and again (in each of several fresh arenas); every old mapping is retired through EBR, which
 * reclaims after each retirement and on a background thread. A reader must never see a closed mapping (an {@code
 * IllegalStateException}) or wrong bytes, and {@link BlobArena#force()}, called meanwhile on another thread as a
 * checkpoint does, must never fail (it forces a mapping that growth may retire meanwhile).
 */
class ConcurrentGrowthTest {

  private static final int READERS = 3;
  private static final int BLOBS = 4_000;
  private static final int ROUNDS = 10;

  @TempDir
  Path dir;

  @Test
  void readersAndForcesAheadNeverFailWhileTheArenaGrows() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      growWhileReading(dir.resolve("round-" + round));
    }
  }

  private void growWhileReading(Path arenaDir) throws Exception {
    Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimBatch(1).withReclaimInterval(Duration.ofMillis(1)));
    AtomicLongArray refs = new AtomicLongArray(BLOBS);
    AtomicLong written = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    AtomicLong forces = new AtomicLong();
    try (BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults().withInitialCapacity(64 << 10), ebr)) {
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        long seed = r;
        readers.add(Thread.ofPlatform().start(() -> {
          Random random = new Random(seed);
          try {
            while (!stop.get()) {
              long n = written.get();
              if (n > 0) {
                int i = random.nextInt((int) n);
                assertArrayEquals(payload(i), arena.readBytes(refs.get(i)), "blob " + i);
                reads.incrementAndGet();
              }
            }
          } catch (Throwable t) {
            failures.add(t);
          }
        }));
      }
      readers.add(Repeat.untilStopped(arena::force, forces, stop, failures));
      for (int i = 0; i < BLOBS && failures.isEmpty(); i++) {
        refs.set(i, arena.append(payload(i)));
        written.set(i + 1);
      }
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
    } finally {
      ebr.close();
    }
    assertTrue(failures.isEmpty(), () -> "a reader or the forcing thread failed: " + failures.peek());
    assertTrue(reads.get() > 0, "the readers read nothing");
    assertTrue(forces.get() > 0, "nothing was forced");
  }

  /** Blob {@code i}: 200 to 2,200 bytes that depend on {@code i}, so the arena grows many times. */
  private static byte[] payload(int i) {
    byte[] b = new byte[200 + (i * 37) % 2_000];
    for (int j = 0; j < b.length; j++) {
      b[j] = (byte) (i * 31 + j);
    }
    return b;
  }
}
