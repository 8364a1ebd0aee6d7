package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers on many threads, two of them interrupted again and again, read blobs by ref while a writer appends
 * (growing the file into new mappings), frees past the automatic collection's threshold, forces and collects
 * with its own live sets, while a collector thread collects back to back, and then the arena closes under them.
 * A read must return exactly the bytes appended for its ref, or {@link InvalidBlobRefException} for a blob the
 * writer had begun to free or drop, or, once the close has begun, {@link IllegalStateException}; nothing else,
 * and every thread must end. Then no freed blob's bytes may remain in any file after a last collection and
 * close, and the arena reopened must hold the live blobs exactly. Seeded: rerun with {@code -Daeon.test.seed=N}.
 */
class ReadsUnderFireTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());
  private static final int MAX_BLOBS = 100_000;
  /** How long any thread of the test may take to end once told to: a hang fails, it does not block the build. */
  private static final long JOIN_MILLIS = 60_000;

  @TempDir
  Path dir;

  @Test
  void readsSeeTheirOwnBytesOrAClearErrorThroughGrowthFreesCollectionsAndClose() throws Exception {
    System.out.println("ReadsUnderFireTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
    Random random = new Random(SEED);
    AtomicLongArray refs = new AtomicLongArray(MAX_BLOBS);
    AtomicLongArray dead = new AtomicLongArray(MAX_BLOBS); // 1 once the writer begins to free or drop it
    AtomicInteger published = new AtomicInteger();
    AtomicBoolean closing = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    AtomicLong closedReads = new AtomicLong();
    AtomicLong gcs = new AtomicLong();
    // a small threshold and minimum: the writer's frees start collections of their own beside the others
    BlobArenaOptions options = BlobArenaOptions.defaults().withInitialCapacity(64 << 10).withGcThreshold(0.2)
        .withAutoGcMinBytes(256 << 10);
    BlobArena arena = BlobArena.open(dir, options, null);
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      readers.add(Thread.ofPlatform().name("reader-" + i).start(() -> StressReader.readUntilStopped(arena, refs, dead,
          published, closing, stop, failures, reads, closedReads)));
    }
    Thread interrupter = Thread.ofPlatform().start(() -> {
      while (!stop.get()) {
        readers.get(0).interrupt();
        readers.get(1).interrupt();
        Thread.onSpinWait();
      }
    });
    AtomicInteger collectedAt = new AtomicInteger();
    Thread collector = Repeat.untilStopped(() -> {
      int seen = collectedAt.get();
      while (published.get() < seen + 300 && !closing.get()) {
        Thread.onSpinWait(); // lets the writer on: a collection holds its lock while it syncs its file
      }
      collectedAt.set(published.get());
      try {
        arena.gc();
      } catch (IllegalStateException closed) {
        if (!closing.get()) {
          throw closed;
        }
        Thread.yield();
      }
    }, gcs, closing, failures);
    int key = 0;
    long deadline = System.nanoTime() + Long.getLong("aeon.test.gcStressMillis", 2500) * 1_000_000;
    while ((System.nanoTime() < deadline || gcs.get() < 5) && failures.isEmpty() && key < MAX_BLOBS - 100) {
      int op = random.nextInt(100);
      if (op < 65 || key == 0) {
        refs.set(key, arena.append(Blobs.content(key, Blobs.lengthFor(key))));
        published.set(++key);
      } else if (op < 93) {
        int victim = random.nextInt(key);
        if (dead.getAndSet(victim, 1) == 0) {
          assertTrue(arena.free(refs.get(victim)));
        }
      } else if (op < 98) {
        arena.force();
      } else {
        Set<Long> drop = new HashSet<>();
        for (int i = 0; i < 5; i++) {
          int victim = random.nextInt(key);
          if (dead.getAndSet(victim, 1) == 0) {
            drop.add(refs.get(victim));
          }
        }
        arena.gc(ref -> !drop.contains(ref));
      }
    }
    int blobs = key;
    assertTrue(failures.isEmpty(), () -> "seed " + SEED + ": " + failures.peek());
    checkAgainstModel(arena, refs, dead, blobs);
    arena.force();
    arena.gc(); // the frees since the collector's last copy
    closing.set(true);
    arena.close(); // the readers go on reading
    collector.join(JOIN_MILLIS);
    while (closedReads.get() < readers.size() && failures.isEmpty() && readers.stream().anyMatch(Thread::isAlive)) {
      Thread.onSpinWait(); // until each reader has seen the arena closed at least once
    }
    stop.set(true);
    for (Thread t : readers) {
      t.join(JOIN_MILLIS);
    }
    interrupter.join(JOIN_MILLIS);
    assertTrue(failures.isEmpty(), () -> "seed " + SEED + ": " + failures.peek());
    for (Thread t : readers) {
      assertFalse(t.isAlive(), "seed " + SEED + ": " + t.getName() + " did not end");
    }
    assertFalse(collector.isAlive() || interrupter.isAlive(), "seed " + SEED + ": a thread did not end");
    assertThrows(IllegalStateException.class, () -> arena.readBytes(refs.get(0)));

    assertNoFreedBlobInAnyFile(dir, dead, blobs);
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.size() == 2 && names.get(0).matches("blobs-\\d+\\.arena") && names.get(1).equals("blobs.lock"),
          "seed " + SEED + ": one generation file and the lock must remain: " + names);
    }
    try (BlobArena reopened = BlobArena.open(dir)) {
      checkAgainstModel(reopened, refs, dead, blobs);
      reopened.verify();
    }
    System.out.printf("ReadsUnderFireTest: %d blobs, %d collections on the collector's thread, %d reads%n", blobs,
        gcs.get(), reads.get());
  }

  /**
   * Every freed or dropped blob of at least 64 bytes (a shorter one could match by chance) but the first, in every
   * file: each file is read once, and at each of its bytes a blob's first 8 bytes (its key) are looked up among the
   * freed.
   */
  static void assertNoFreedBlobInAnyFile(Path dir, AtomicLongArray dead, int blobs) throws Exception {
    LongHashSet freed = new LongHashSet();
    for (int k = 1; k < blobs; k++) { // not key 0, whose first 8 bytes, zeros, are everywhere
      if (dead.get(k) == 1 && Blobs.lengthFor(k) >= 64) {
        freed.add(k);
      }
    }
    assertFalse(freed.isEmpty(), "no freed blob to look for");
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        byte[] file = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p + 64 <= file.length; p++) {
          long key = b.getLong(p);
          if (key >= 0 && key < blobs && freed.contains(key)) {
            byte[] blob = Blobs.content(key, Blobs.lengthFor(key));
            assertFalse(Arrays.equals(file, p, Math.min(file.length, p + blob.length), blob, 0,
                Math.min(blob.length, file.length - p)), "seed " + SEED + ": bytes of freed key " + key
                + " remain in " + f.getFileName() + " at byte " + p);
          }
        }
      }
    }
  }

  private static void checkAgainstModel(BlobArena arena, AtomicLongArray refs, AtomicLongArray dead, int blobs) {
    for (int k = 0; k < blobs; k++) {
      long ref = refs.get(k);
      if (dead.get(k) == 0) {
        assertArrayEquals(Blobs.content(k, Blobs.lengthFor(k)), arena.readBytes(ref), "seed " + SEED + " key " + k);
      } else {
        assertFalse(arena.contains(ref), "seed " + SEED + ": freed key " + k + " still readable");
      }
    }
  }
}
