package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.common.ebr.Guard;
import java.lang.foreign.MemorySegment;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The reader of the arena's stress tests, beside a writer that appends blob {@code key} ({@link Blobs#content}) as
 * ref {@code key + 1} into a new arena, publishes it in {@code refs} and {@code published}, and marks it in
 * {@code dead} before it frees it. Until {@code stop}, it reads published blobs in turn as copies, as slices held
 * across a yield, by length, and reads refs not handed out yet: each read must be the blob's own bytes, or
 * {@link InvalidBlobRefException} for a blob marked dead (or not handed out), or, once {@code closing} is set,
 * {@link IllegalStateException}. What it finds wrong goes to {@code failures}; it adds its reads to {@code reads}
 * and, the first time it meets the close, 1 to {@code closedReads}.
 */
final class StressReader {

  private StressReader() {}

  static void readUntilStopped(BlobArena arena, AtomicLongArray refs, AtomicLongArray dead, AtomicInteger published,
                               AtomicBoolean closing, AtomicBoolean stop, Queue<Throwable> failures, AtomicLong reads,
                               AtomicLong closedReads) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long n = 0;
    boolean sawClosed = false;
    try {
      while (!stop.get()) {
        int count = published.get();
        if (count == 0) {
          Thread.onSpinWait();
          continue;
        }
        int key = r.nextInt(count);
        long ref = refs.get(key);
        try {
          switch ((int) (n % 4)) {
            case 0 -> assertEquals(key, Blobs.check(arena.readBytes(ref)));
            case 1 -> {
              try (Guard g = arena.enter()) {
                MemorySegment s = arena.slice(ref);
                Thread.yield(); // held while the file grows, a collection replaces it or the arena closes
                assertEquals(key, Blobs.check(s));
                assertEquals(Math.max(8, Blobs.lengthFor(key)), s.byteSize());
              }
            }
            case 2 -> assertEquals(Math.max(8, Blobs.lengthFor(key)), arena.length(ref));
            default -> {
              // refs never handed out: the one after the last published (its append may be under way) and beyond
              long next = refs.get(count - 1) + 1 + r.nextInt(3);
              try {
                // refs are handed out from 1 in the order of the appends: key k has ref k + 1
                assertEquals(next - 1, Blobs.check(arena.readBytes(next)), "ref " + next + " read another's bytes");
              } catch (InvalidBlobRefException expected) {
                // not handed out yet
              }
            }
          }
        } catch (InvalidBlobRefException e) {
          if (dead.get(key) == 0) {
            throw new AssertionError("live blob " + key + " (ref " + ref + ") reported invalid", e);
          }
        } catch (IllegalStateException e) {
          if (!closing.get()) {
            throw new AssertionError("a read before the close failed", e);
          }
          if (!sawClosed) {
            sawClosed = true;
            closedReads.incrementAndGet();
          }
        }
        n++;
      }
    } catch (Throwable t) {
      failures.add(t);
    } finally {
      reads.addAndGet(n);
    }
  }
}
