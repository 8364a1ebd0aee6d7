package dev.aeon.wal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.TimeUnit;

/**
 * How the flusher waits on an empty ring: while its writers come back within {@link #WINDOW_NANOS} of running
 * out of records ({@link WriterReturns}) it spins, yielding, for up to that long before it blocks, so that
 * they do not each pay for waking it; otherwise it blocks at once, and a writer's next append wakes it (a
 * futex call on the writer's thread, and a wake-up of the flusher's).
 *
 * <p>How soon the writers came back is measured to the time the record was published, not to the end of the wait:
 * a blocked flusher's own wake-up (tens of µs, more on a busy machine) would otherwise count against writers that
 * came back at once, and keep closed-loop writers paying for wake-ups.
 *
 * <p>Spinning after every batch cost a paced SYNC writer's process about 100 µs of a core per forced write,
 * which its other threads waited for (an engine's remember and forget take two forced writes, and only the
 * forget follows its remember within the window).
 */
final class FlusherWaitStrategy implements WaitStrategy {

  /** How long the flusher spins and yields before it blocks, when its writers come back within it. */
  static final long WINDOW_NANOS = 100_000;
  /** Of the window, how long it spins before it starts yielding. */
  private static final long SPIN_NANOS = 1_000;

  private final LiteBlockingWaitStrategy blocking = new LiteBlockingWaitStrategy();
  private final WaitStrategy spinning =
      new PhasedBackoffWaitStrategy(SPIN_NANOS, WINDOW_NANOS, TimeUnit.NANOSECONDS, blocking);
  private final WriterReturns returns = new WriterReturns(WINDOW_NANOS);
  private final ReturnClasses returnClasses = new ReturnClasses();
  /** The ring whose records it waits for; set before the flusher thread starts, which publishes it to that thread. */
  private RingBuffer<AppendEvent> ring;
  /** Idle waits so far that spun, and that blocked at once: written by the flusher thread only. */
  private volatile long spun;
  private volatile long blockedAtOnce;
  /** Of those, waits that spun out the window for nothing, and that blocked though a spin would have caught it. */
  private volatile long spinsWasted;
  private volatile long wakeUpsSpinWouldSave;

  @Override
  public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException, TimeoutException {
    long available = dependentSequence.get();
    if (available >= sequence) {
      return available; // records are waiting: not an idle wait
    }
    long start = System.nanoTime();
    long result;
    boolean spin = returns.spinNext();
    if (spin) {
      spun++;
      result = spinning.waitFor(sequence, cursor, dependentSequence, barrier);
    } else {
      blockedAtOnce++;
      result = blocking.waitFor(sequence, cursor, dependentSequence, barrier);
    }
    // A record published before the wait began (claimed but not yet published then) came back at once. The slot
    // may not be published yet when the ring's cursor has passed it (it counts claims): its time can then be an
    // earlier record's, which reads as at once too; rare, and a policy's guess.
    long returned = Math.max(0, ring.get(sequence).publishedNanos - start);
    returns.waited(returned);
    returnClasses.count(returned);
    if (spin && returned > WINDOW_NANOS) {
      spinsWasted++;
    } else if (!spin && returned <= WINDOW_NANOS) {
      wakeUpsSpinWouldSave++;
    }
    return result;
  }

  void ring(RingBuffer<AppendEvent> value) {
    this.ring = value;
  }

  /** Whether the next idle wait will spin (tests). */
  boolean spinsNext() {
    return returns.spinNext();
  }

  @Override
  public void signalAllWhenBlocking() {
    blocking.signalAllWhenBlocking(); // the spinning strategy blocks on this one too
  }

  /** How many idle waits spun before they blocked (tests). */
  long spun() {
    return spun;
  }

  /** How many idle waits blocked at once (tests). */
  long blockedAtOnce() {
    return blockedAtOnce;
  }

  /** What its idle waits decided and saw so far. */
  FlusherStats stats() {
    return new FlusherStats(spun, blockedAtOnce, spinsWasted, wakeUpsSpinWouldSave, returnClasses.counts());
  }
}
