package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The flusher's wait strategy on a real ring, driven by hand: what it learns from each idle wait. */
@Timeout(60) // its waits for the flusher's idle wait to begin have no deadline: a dead flusher thread would hang it
class FlusherWaitStrategyTest {

  /**
   * Writers that came back at once (their records stamped as published right when the wait began) count as
   * returning even when the flusher only sees the record 2 ms later, as a blocked flusher does when its wake-up
   * is slow: the return is measured to the record's publication, not to the end of the wait. Measured to the end
   * of the wait (as before), each of these waits counted as a writer that did not come back, and closed-loop
   * writers on a busy machine kept the flusher blocking and paid a wake-up for every record.
   */
  @Test
  void writersAreTimedToTheirPublicationNotToTheFlushersWakeUp() throws Exception {
    FlusherWaitStrategy strategy = new FlusherWaitStrategy();
    RingBuffer<AppendEvent> ring = RingBuffer.createMultiProducer(AppendEvent::new, 16, strategy);
    strategy.ring(ring);
    SequenceBarrier barrier = ring.newBarrier();
    for (long sequence = 0; sequence < WriterReturns.SPIN_WHEN; sequence++) {
      waitForLatePublication(strategy, ring, barrier, sequence);
    }
    assertEquals(WriterReturns.SPIN_WHEN, strategy.blockedAtOnce(), "a new log blocks at once until it has learned");
    assertEquals(WriterReturns.SPIN_WHEN, strategy.stats().wakeUpsSpinWouldSave(), "each came back at once");
    assertEquals(WriterReturns.SPIN_WHEN, strategy.stats().writerReturns().getFirst(), "within 25 µs");
    assertTrue(strategy.spinsNext(), "writers that came back at once make the flusher spin");
  }

  /**
   * A writer in a steady loop that comes back at once three times in four and late the fourth (an engine's writer
   * whose thread now and then waits for a core): once the flusher has learned, every idle wait spins, counted by
   * the strategy. With 7 of the last 8 returns required (before), 24 of these 32 waits blocked at once, each a
   * wake-up of the flusher that a record published within the window waited for.
   */
  @Test
  void aWriterLateOneTimeInFourKeepsTheFlusherSpinning() throws Exception {
    FlusherWaitStrategy strategy = new FlusherWaitStrategy();
    RingBuffer<AppendEvent> ring = RingBuffer.createMultiProducer(AppendEvent::new, 64, strategy);
    strategy.ring(ring);
    SequenceBarrier barrier = ring.newBarrier();
    long sequence = 0;
    for (; sequence < WriterReturns.SPIN_WHEN; sequence++) {
      waitForLatePublication(strategy, ring, barrier, sequence);
    }
    assertEquals(0, strategy.spun(), "a new log blocks at once until it has learned");
    for (int i = 0; i < 32; i++, sequence++) {
      assertTrue(strategy.spinsNext(), "wait " + i);
      if (i % 4 == 3) {
        waitForLatePublication(strategy, ring, barrier, sequence, true);
      } else {
        waitForLatePublication(strategy, ring, barrier, sequence);
      }
    }
    FlusherStats stats = strategy.stats();
    assertEquals(32, stats.waitsSpun(), stats.summary());
    assertEquals(WriterReturns.SPIN_WHEN, stats.waitsBlocked(), stats.summary());
    assertEquals(8, stats.spinsWasted(), "the late returns: " + stats.summary());
    assertEquals(8, stats.returnsLate(), stats.summary());
  }

  /**
   * Runs one idle wait for {@code sequence} on another thread; a writer stamps its record with a time just before
   * the wait began, then publishes it 2 ms later.
   */
  private static void waitForLatePublication(FlusherWaitStrategy strategy, RingBuffer<AppendEvent> ring,
      SequenceBarrier barrier, long sequence) throws Exception {
    waitForLatePublication(strategy, ring, barrier, sequence, false);
  }

  /**
   * Runs one idle wait for {@code sequence} on another thread; a writer publishes its record 2 ms later, stamped
   * with a time just before the wait began (it came back at once, and the flusher saw it late), or with
   * {@code late} the time of its publication (it came back late).
   */
  private static void waitForLatePublication(FlusherWaitStrategy strategy, RingBuffer<AppendEvent> ring,
      SequenceBarrier barrier, long sequence, boolean late) throws Exception {
    AtomicLong available = new AtomicLong(-1);
    long idleWaits = strategy.spun() + strategy.blockedAtOnce();
    long beforeTheWait = System.nanoTime();
    Thread flusher = Thread.ofPlatform().start(() -> {
      try {
        available.set(barrier.waitFor(sequence)); // calls the strategy, as the flusher's processor does
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    // Until its idle wait has begun: a thread started is not yet waiting, and on a busy machine a record published
    // 2 ms after its start could be there before it looked, which is no idle wait (a full run counted 4 of 5).
    while (strategy.spun() + strategy.blockedAtOnce() == idleWaits) {
      Thread.yield();
    }
    TimeUnit.MILLISECONDS.sleep(2);
    long claimed = ring.next();
    assertEquals(sequence, claimed);
    ring.get(claimed).set((byte) 1, new byte[1], new CompletableFuture<>(), late ? System.nanoTime() : beforeTheWait);
    ring.publish(claimed);
    flusher.join();
    assertEquals(sequence, available.get());
  }
}
