package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers read random blobs (copies and zero-copy slices held across a yield) while one writer appends,
 * frees, forces, grows the file and collects with a random live set. A reader may only see the right bytes or,
 * for a blob the writer had started to free or drop, {@link InvalidBlobRefException}; anything else fails.
 * At the end the arena, and the arena reopened, must match the model. Seeded: rerun with
 * {@code -Daeon.test.seed=N}.
 */
class ConcurrentGcTest {

  /** Its arenas close after their readers stopped: a read never meets the close. */
  private static final AtomicBoolean NOT_CLOSING = new AtomicBoolean();

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());
  private static final int MAX_BLOBS = 200_000;

  @TempDir
  Path dir;

  @Test
  void readersNeverFailAndAlwaysReadTheRightBytesWhileTheWriterCollects() throws Exception {
    System.out.println("ConcurrentGcTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
    Random random = new Random(SEED);
    AtomicLongArray refs = new AtomicLongArray(MAX_BLOBS); // key -> ref
    AtomicLongArray dead = new AtomicLongArray(MAX_BLOBS); // key -> 1 once the writer starts freeing it
    AtomicInteger published = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    int gcs = 0;
    BlobArenaOptions options = BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY)
        .withInitialCapacity(64 << 10);
    try (BlobArena arena = BlobArena.open(dir, options, null)) {
      List<Thread> readers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        readers.add(Thread.ofPlatform().start(
            () -> StressReader.readUntilStopped(arena, refs, dead, published, NOT_CLOSING, stop, failures, reads,
                new AtomicLong())));
      }
      long deadline = System.nanoTime() + Long.getLong("aeon.test.gcStressMillis", 2500) * 1_000_000;
      int key = 0;
      while (System.nanoTime() < deadline && failures.isEmpty() && key < MAX_BLOBS - 100) {
        int op = random.nextInt(100);
        if (op < 70) {
          long ref = arena.append(Blobs.content(key, Blobs.lengthFor(key)));
          refs.set(key, ref);
          published.set(++key);
        } else if (op < 90 && key > 0) {
          int victim = random.nextInt(key);
          if (dead.getAndSet(victim, 1) == 0) {
            assertTrue(arena.free(refs.get(victim)));
          }
        } else if (op < 95) {
          arena.force();
        } else if (op < 97 || key == 0) {
          continue;
        } else {
          int n = key;
          long[] drop = random.longs(n / 20 + 1, 0, n).toArray();
          java.util.Set<Long> dropRefs = new java.util.HashSet<>();
          for (long k : drop) {
            if (dead.getAndSet((int) k, 1) == 0) {
              dropRefs.add(refs.get((int) k));
            }
          }
          GcResult gc = arena.gc(ref -> !dropRefs.contains(ref));
          assertEquals(dropRefs.size(), gc.droppedBlobs());
          gcs++;
        }
      }
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
      assertTrue(failures.isEmpty(), () -> "seed " + SEED + ": " + failures.peek());
      assertTrue(gcs > 0 && reads.get() > 0, "the test did no collection or no read");
      checkAgainstModel(arena, refs, dead, key);
      arena.verify();
      System.out.printf("ConcurrentGcTest: %d blobs, %d collections, %d reads, generation %d%n", key, gcs,
          reads.get(), arena.stats().generation());
      int blobs = key;
      arena.close();
      try (BlobArena reopened = BlobArena.open(dir)) {
        checkAgainstModel(reopened, refs, dead, blobs);
      }
    }
  }

  /**
   * Collections run back to back on a thread of their own, and forces on another (as a checkpoint forces
   * beside the writer), while the writer appends, frees and forces: what the writer did during a
   * collection's copy or a force's msync must come out right (appended blobs kept, freed ones gone),
   * readers must never fail, and once the last frees are forced and collected, no freed blob's bytes may
   * remain in any file.
   */
  @Test
  void collectionsOnAnotherThreadMissNothingTheWriterDoesMeanwhile() throws Exception {
    System.out.println("ConcurrentGcTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
    Random random = new Random(SEED + 1);
    AtomicLongArray refs = new AtomicLongArray(MAX_BLOBS);
    AtomicLongArray dead = new AtomicLongArray(MAX_BLOBS);
    AtomicInteger published = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    AtomicLong gcs = new AtomicLong();
    AtomicLong forces = new AtomicLong();
    BlobArenaOptions options = BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY)
        .withInitialCapacity(64 << 10);
    int key = 0;
    try (BlobArena arena = BlobArena.open(dir, options, null)) {
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        threads.add(Thread.ofPlatform().start(() -> StressReader.readUntilStopped(arena, refs, dead, published,
            NOT_CLOSING, stop, failures, reads, new AtomicLong())));
      }
      threads.add(Repeat.untilStopped(arena::gc, gcs, stop, failures));
      threads.add(Repeat.untilStopped(arena::force, forces, stop, failures));
      long deadline = System.nanoTime() + Long.getLong("aeon.test.gcStressMillis", 2500) * 1_000_000;
      while ((System.nanoTime() < deadline || gcs.get() < 3 || forces.get() < 3) && failures.isEmpty()
          && key < MAX_BLOBS - 100) {
        int op = random.nextInt(100);
        if (op < 70 || key == 0) {
          refs.set(key, arena.append(Blobs.content(key, Blobs.lengthFor(key))));
          published.set(++key);
        } else if (op < 95) {
          int victim = random.nextInt(key);
          if (dead.getAndSet(victim, 1) == 0) {
            assertTrue(arena.free(refs.get(victim)));
          }
        } else {
          arena.force();
        }
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      assertTrue(failures.isEmpty(), () -> "seed " + SEED + ": " + failures.peek());
      assertTrue(gcs.get() >= 3 && forces.get() >= 3 && reads.get() > 0,
          "the test did too few collections or forces, or no read");
      checkAgainstModel(arena, refs, dead, key);
      arena.verify();
      arena.force();
      arena.gc();
      assertNoFreedBytesInAnyFile(dir, dead, key);
      System.out.printf("ConcurrentGcTest (collector and forcing threads): %d blobs, %d collections, %d forces,"
          + " %d reads%n", key, gcs.get(), forces.get(), reads.get());
    }
    try (BlobArena reopened = BlobArena.open(dir)) {
      checkAgainstModel(reopened, refs, dead, key);
    }
  }

  /** Looks for up to 50 freed blobs of at least 64 bytes (shorter ones could match by chance) in every file. */
  private static void assertNoFreedBytesInAnyFile(Path dir, AtomicLongArray dead, int blobs) throws Exception {
    int checked = 0;
    for (int k = 0; k < blobs && checked < 50; k++) {
      if (dead.get(k) == 1 && Blobs.lengthFor(k) >= 64) {
        assertFalse(BlobArenaTest.filesContain(dir, Blobs.content(k, Blobs.lengthFor(k))),
            "seed " + SEED + ": bytes of freed key " + k + " remain in a file");
        checked++;
      }
    }
    assertTrue(checked > 0, "no freed blob to look for");
  }

  private static void checkAgainstModel(BlobArena arena, AtomicLongArray refs, AtomicLongArray dead, int blobs) {
    long live = 0;
    for (int k = 0; k < blobs; k++) {
      long ref = refs.get(k);
      if (dead.get(k) == 0) {
        assertArrayEquals(Blobs.content(k, Blobs.lengthFor(k)), arena.readBytes(ref), "seed " + SEED + " key " + k);
        live++;
      } else {
        assertFalse(arena.contains(ref), "seed " + SEED + ": freed key " + k + " still readable");
      }
    }
    assertEquals(live, arena.stats().liveBlobs());
  }
}
