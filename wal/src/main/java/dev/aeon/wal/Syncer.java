package dev.aeon.wal;

import dev.aeon.common.io.Uninterruptibly;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Mode ASYNC's forcing thread: forces what the flusher has written at most an interval after it was written.
 * A thread of its own so that a force (milliseconds on a busy disk) never stalls writing or acknowledging.
 *
 * <p>While everything written is forced it parks without a timeout, and the flusher wakes it after its next
 * write ({@link #written}): a log nobody writes to costs no wake-ups, which matters in a process that holds
 * many quiet logs open (one per namespace). The wake-up is a Dekker handshake on two volatile fields: the
 * syncer sets {@link #parked} and then reads the writer's written position; the flusher moves that position and
 * then reads {@code parked}, so at least one of the two sees the other.
 */
final class Syncer implements Runnable {

  private final SegmentWriter writer;
  private final Flusher flusher;
  private final long intervalNanos;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile boolean parked;

  Syncer(SegmentWriter writer, Flusher flusher, long intervalMillis, String name) {
    this.writer = writer;
    this.flusher = flusher;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Called by the flusher after it wrote records: wakes the syncer if it waits for writes. */
  void written() {
    if (parked) {
      parked = false;
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void run() {
    while (!stopping && flusher.failure() == null) {
      if (!writer.hasUnforced()) {
        parked = true;
        if (!writer.hasUnforced() && !stopping) {
          LockSupport.park(this); // until written() or stop(); a spurious return just looks again
        }
        parked = false;
        continue;
      }
      LockSupport.parkNanos(intervalNanos); // let the interval's writes gather into one force
      if (!stopping) {
        try {
          writer.forceWritten();
        } catch (Throwable t) {
          flusher.fail(t);
        }
      }
    }
  }

  /**
   * Stops the thread and waits for it, whatever the caller's interrupts (which stay set); the flusher forces
   * the rest when it closes.
   */
  void stop() {
    stopping = true;
    LockSupport.unpark(thread);
    Uninterruptibly.await(thread::join);
  }
}
