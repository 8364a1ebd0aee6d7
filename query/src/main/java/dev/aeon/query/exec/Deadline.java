package dev.aeon.query.exec;

import java.time.Duration;

/**
 * When a statement must stop, so that one statement cannot hold its thread for good: a variable-length
 * pattern over a dense graph or a product of two scans can take hours while holding almost no memory. The
 * operators count their steps (each node a scan or a recall produces, each edge an expansion looks at, each
 * element of a list that an expression builds or goes through) and the clock is read every 1,024 steps, and
 * after each search of the vector index. One per statement, used by one thread.
 */
final class Deadline {

  private static final int STEPS_PER_LOOK = 1_024;

  /**
   * Limits from this one on are none: they do not fit the clock's nanoseconds (a duration that means "never",
   * such as {@code ChronoUnit.FOREVER}'s, failed every statement with an ArithmeticException).
   */
  private static final Duration NO_LIMIT_FROM = Duration.ofDays(100 * 365);

  private final Duration limit;
  private final boolean none;
  private final long atNanos;
  private long steps;
  /** The count of steps at which the clock is read next. */
  private long nextLook = STEPS_PER_LOOK;

  /** {@code limit} from now; zero (or a century and more) for none. */
  Deadline(Duration limit) {
    this.limit = limit;
    this.none = limit.isZero() || limit.compareTo(NO_LIMIT_FROM) >= 0;
    this.atNanos = System.nanoTime() + (none ? 0 : limit.toNanos());
  }

  /** Counts a step; true once the limit has passed. */
  boolean passed() {
    return passed(1);
  }

  /** Counts {@code n} steps at once (a pass over a list of n elements); true once the limit has passed. */
  boolean passed(long n) {
    steps += n;
    if (steps < nextLook) {
      return false;
    }
    nextLook = steps + STEPS_PER_LOOK;
    return passedNow();
  }

  /** Reads the clock now: for work that costs far more than a read of the clock (a search of the vector index). */
  boolean passedNow() {
    return !none && System.nanoTime() - atNanos > 0;
  }

  Duration limit() {
    return limit;
  }
}
