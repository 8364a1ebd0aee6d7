package dev.aeon.common.ebr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many readers read a published segment of a shared arena while a writer keeps replacing it and retiring the
 * old arena. Any {@code IllegalStateException} (a closed arena) or wrong byte in a reader fails the test; at
 * the end every retired arena must be closed. With a dedicated reclaimer, a second thread reclaims in a
 * tight loop, racing the writer's retirements and the readers' entries (reclamation no longer happens on the
 * writer's thread between retirements).
 */
class EpochsStressTest {

  private static final int READERS = 6;
  private static final int SEGMENT_LONGS = 512;

  private record Published(Arena arena, MemorySegment segment, long value) {}

  private volatile Published current;

  @ParameterizedTest
  @CsvSource({"true, false", "false, false", "true, true"})
  void readersNeverTouchAClosedSegmentAndRetiredArenasGetClosed(boolean padded, boolean dedicatedReclaimer)
      throws Exception {
    Duration runFor = Duration.ofMillis(Long.getLong("aeon.test.ebrStressMillis", 1500));
    Epochs ebr = new Epochs(Epochs.Config.defaults().withPadded(padded)
        .withReclaimBatch(dedicatedReclaimer ? Integer.MAX_VALUE : 8));
    current = publish(1);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < READERS; i++) {
      readers.add(Thread.ofPlatform().name("reader-" + i).start(() -> readLoop(ebr, stop, failures, reads)));
    }
    if (dedicatedReclaimer) {
      readers.add(Thread.ofPlatform().name("reclaimer").start(() -> {
        while (!stop.get()) {
          ebr.reclaim();
        }
      }));
    }
    List<Arena> retired = new ArrayList<>();
    long deadline = System.nanoTime() + runFor.toNanos();
    long value = 1;
    while (System.nanoTime() < deadline && failures.isEmpty()) {
      Published old = current;
      current = publish(++value);
      ebr.retire(old.arena());
      retired.add(old.arena());
      if ((value & 7) == 0) {
        Thread.yield(); // let readers sit inside guards across several retirements
      }
    }
    stop.set(true);
    for (Thread t : readers) {
      t.join();
    }
    assertTrue(failures.isEmpty(), () -> "a reader failed: " + failures.peek());
    assertTrue(reads.get() > 0, "readers made no progress");
    assertTrue(ebr.awaitReclaimed(Duration.ofSeconds(10)), "retired arenas still pending with no reader left");
    assertEquals(0, ebr.pending());
    for (Arena a : retired) {
      assertFalse(a.scope().isAlive(), "a retired arena was never closed");
    }
    assertTrue(current.arena().scope().isAlive(), "the published arena must stay open");
    System.out.printf("EBR stress (padded=%s, dedicated reclaimer=%s): %d retirements, %d reads%n", padded,
        dedicatedReclaimer, retired.size(), reads.get());
    ebr.close();
    current.arena().close();
  }

  private void readLoop(Epochs ebr, AtomicBoolean stop, ConcurrentLinkedQueue<Throwable> failures,
                        AtomicLong reads) {
    long n = 0;
    try {
      while (!stop.get()) {
        try (Guard g = ebr.enter()) {
          Published p = current;
          for (int i = 0; i < SEGMENT_LONGS; i++) {
            long v = p.segment().getAtIndex(ValueLayout.JAVA_LONG, i);
            if (v != p.value()) {
              throw new AssertionError("read " + v + " from segment " + p.value() + " at " + i);
            }
          }
          if ((n & 15) == 0) {
            try (Guard nested = ebr.enter()) { // nesting must not leave the epoch early
              Thread.yield();
            }
            if (p.segment().get(ValueLayout.JAVA_LONG, 0) != p.value()) {
              throw new AssertionError("segment changed under a guard");
            }
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

  private static Published publish(long value) {
    Arena arena = Arena.ofShared();
    MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, SEGMENT_LONGS);
    for (int i = 0; i < SEGMENT_LONGS; i++) {
      s.setAtIndex(ValueLayout.JAVA_LONG, i, value);
    }
    return new Published(arena, s, value);
  }
}
