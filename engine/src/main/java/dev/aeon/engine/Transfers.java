package dev.aeon.engine;

import dev.aeon.common.Quietly;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The exports and imports in flight, which {@link Aeon#close()} stops and waits for before it releases the
 * directory. Each works in a copy of its own under {@code tmp/}, and the next open of the directory (by this
 * process or another) deletes {@code tmp/}: a transfer that ran on past the close would read or build files
 * being deleted under it, and delete in its turn a new instance's working copy of the same name.
 *
 * <p>A transfer stops at its next step once the close has begun ({@link #stoppingAt}); one that does not end
 * within {@link #TIMEOUT} (a step that never returns) is left behind with a warning rather than hold the close
 * for good. A close called from a transfer's progress cannot wait for that transfer, which stops at its next step
 * after the close returns; nor can one called from a progress that another thread reports for it (an export's
 * snapshot is replayed on a thread of its own, while the export's thread waits for it).
 */
final class Transfers {

  private static final System.Logger LOG = System.getLogger(Transfers.class.getName());
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  /** {@link #TIMEOUT} (tests shorten it). */
  volatile Duration timeout = TIMEOUT;
  /** Bound while a thread other than a transfer's own reports that transfer's progress: the transfer's thread. */
  private static final ScopedValue<Thread> REPORTING_FOR = ScopedValue.newInstance();

  private final Object lock = new Object();
  /** Read at every step of every transfer; written once, under the lock. */
  private volatile boolean closing;
  /** The threads running transfers, with how many each runs (a progress may start another). */
  private final Map<Thread, Integer> inFlight = new HashMap<>();

  /**
   * Counts a transfer in until {@link #end()}.
   *
   * @throws IllegalStateException once the close has begun
   */
  void begin() {
    synchronized (lock) {
      if (closing) {
        throw new IllegalStateException("this Aeon is closed");
      }
      inFlight.merge(Thread.currentThread(), 1, Integer::sum);
    }
  }

  void end() {
    synchronized (lock) {
      inFlight.computeIfPresent(Thread.currentThread(), (t, n) -> n == 1 ? null : n - 1);
      lock.notifyAll();
    }
  }

  boolean closing() {
    return closing;
  }

  /**
   * {@code progress}, which throws at the first step after the close has begun; for the transfer that the calling
   * thread runs.
   */
  TransferProgress stoppingAt(TransferProgress progress) {
    Thread transfer = Thread.currentThread();
    return (step, done, total) -> {
      if (closing) {
        throw new IllegalStateException("this Aeon is closed");
      }
      if (Thread.currentThread() == transfer) {
        progress.report(step, done, total);
      } else { // a close it calls must not wait for the transfer, which waits for this thread
        ScopedValue.where(REPORTING_FOR, transfer).run(() -> progress.report(step, done, total));
      }
    };
  }

  /**
   * Refuses new transfers and waits for those in flight to end, at most {@link #TIMEOUT}, then warns of them (an
   * interrupt does not cut the wait short). The warning is logged quietly: the close goes on after it.
   */
  void closeAndAwait() {
    Duration wait = timeout;
    long deadline = System.nanoTime() + wait.toNanos();
    boolean interrupted = false;
    synchronized (lock) {
      closing = true;
      while (runOnOtherThreads()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          // Quietly: thrown (a log handler that throws), it ended Aeon.close before any namespace was closed
          Quietly.log(() -> LOG.log(System.Logger.Level.WARNING, "exports or imports still run {0} after the close"
              + " began; they are left to fail", wait));
          break;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true; // kept for the caller: the directory must not be released under a transfer
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Under the lock: whether a transfer runs on a thread other than the caller and than the one whose progress the
   * caller reports.
   */
  private boolean runOnOtherThreads() {
    Thread self = Thread.currentThread();
    Thread reportingFor = REPORTING_FOR.orElse(self);
    return inFlight.keySet().stream().anyMatch(t -> t != self && t != reportingFor);
  }
}
