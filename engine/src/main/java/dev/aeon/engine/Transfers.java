package dev.aeon.engine;

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
 * for good. A close called by a transfer's own thread (from its progress) cannot wait for that transfer, which
 * stops at its next step after the close returns.
 */
final class Transfers {

  private static final System.Logger LOG = System.getLogger(Transfers.class.getName());
  static final Duration TIMEOUT = Duration.ofMinutes(2);

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

  /** {@code progress}, which throws at the first step after the close has begun. */
  TransferProgress stoppingAt(TransferProgress progress) {
    return (step, done, total) -> {
      if (closing) {
        throw new IllegalStateException("this Aeon is closed");
      }
      progress.report(step, done, total);
    };
  }

  /** Refuses new transfers and waits for those in flight to end (an interrupt does not cut the wait short). */
  void closeAndAwait() {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    boolean interrupted = false;
    synchronized (lock) {
      closing = true;
      while (runOnOtherThreads()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.log(System.Logger.Level.WARNING, "exports or imports still run {0} after the close began; they are"
              + " left to fail", TIMEOUT);
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

  /** Under the lock: whether a thread other than the caller runs a transfer. */
  private boolean runOnOtherThreads() {
    return inFlight.size() > (inFlight.containsKey(Thread.currentThread()) ? 1 : 0);
  }
}
