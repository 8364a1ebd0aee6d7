package dev.aeon.common.ebr;

import dev.aeon.common.Quietly;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.os.BackgroundPriority;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The background thread that reclaims for one or more {@link Epochs} domains: every {@code period} it
 * reclaims in each domain that has something pending, and while none has, it waits without a timeout (a
 * retirement that makes a domain's first resource pending wakes it). One per domain by default; a process
 * with many domains (the engine has one per open namespace) shares one, so that a thousand quiet namespaces
 * do not hold a thousand threads. It runs at {@link BackgroundPriority#NICE}.
 *
 * <pre>{@code
 * try (Reclaimer shared = new Reclaimer(Duration.ofMillis(50))) {
 *   Epochs a = new Epochs(Epochs.Config.defaults(), shared);
 *   Epochs b = new Epochs(Epochs.Config.defaults(), shared);
 *   ...                                  // close a and b before shared
 * }
 * }</pre>
 */
public final class Reclaimer implements AutoCloseable {

  private final long periodNanos;
  /** Domains with something pending (or that had, at their last look). */
  private final Set<Epochs> due = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean closed;

  /** Starts the thread; {@code period} is how long a retired resource waits at least before a look. */
  public Reclaimer(Duration period) {
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("the period must be positive, got " + period);
    }
    this.periodNanos = Epochs.saturatedNanos(period);
    this.thread = Thread.ofPlatform().daemon().name("aeon-ebr-reclaimer").start(this::loop);
  }

  /** Called by a domain whose first resource became pending: it is looked at after the next period. */
  void schedule(Epochs domain) {
    due.add(domain);
    LockSupport.unpark(thread);
  }

  /** Called by a domain that closes. A look at it already under way finds nothing pending. */
  void forget(Epochs domain) {
    due.remove(domain);
  }

  private void loop() {
    BackgroundPriority.lowerCurrentThread();
    while (!closed) {
      Thread.interrupted(); // only close() means to stop this thread, and it sets closed first: any other is stray
      if (due.isEmpty()) {
        LockSupport.park(this); // schedule() unparks it; a permit given before the park is kept
        continue;
      }
      // The domains due now are looked at after a whole period: a schedule() meanwhile unparks the thread,
      // and must neither cut the wait short (passes as frequent as retirements, each closing a small batch)
      // nor have its own domain looked at before a period has passed (it waits for the next pass).
      List<Epochs> pass = List.copyOf(due);
      long deadline = System.nanoTime() + periodNanos;
      for (long left = periodNanos; left > 0 && !closed; left = deadline - System.nanoTime()) {
        Thread.interrupted(); // a stray interrupt would make every park return at once
        LockSupport.parkNanos(this, left);
      }
      for (Epochs domain : pass) {
        // Off the set before the look: a retirement that makes a first resource pending after it adds it back.
        due.remove(domain);
        try {
          domain.reclaimInBackground(); // a batch that closes every resource it took records the success
        } catch (Throwable t) {
          // An Error from a resource's close, or the domain's onCloseFailure throwing: the thread is shared,
          // and must go on reclaiming for the other domains. Once per kind and domain: a pass every period.
          // Quietly: a log handler that throws, or memory run out again while the line is made, thrown from here
          // would end the thread all the same.
          Quietly.log(() -> domain.failures.failed(t, "it is tried again at the next pass"));
        }
        if (domain.pending() > 0 && !domain.isClosed()) {
          due.add(domain); // a reader held some back: look again after the next period
        }
      }
    }
  }

  /**
   * Stops the thread and waits for it: interrupted, a resource it is closing may end its close early. The
   * domains it served should be closed before; one still open reclaims only when it retires a batch, and at
   * its close.
   */
  @Override
  public void close() {
    closed = true;
    thread.interrupt(); // also wakes it from a park; it sees closed even if a resource swallows the interrupt
    Uninterruptibly.await(thread::join);
  }
}
