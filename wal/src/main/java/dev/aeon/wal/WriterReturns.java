package dev.aeon.wal;

/**
 * Whether the log's writers came back soon after the flusher ran out of records, over its last
 * {@link #WAITS} idle waits: the flusher's wait strategy spins for them only while they did
 * ({@link FlusherWaitStrategy}).
 *
 * <p>Closed-loop writers (each appends its next record as soon as the last is acknowledged) come back within
 * microseconds, and a flusher that spins meanwhile spares each of them a wake-up. A paced writer comes back
 * after milliseconds, or once right after its acknowledgement and then after milliseconds (an engine's
 * remember and forget), and a flusher that spins after every batch burns its spin window on the cores the
 * rest of the process needs, for a wake-up saved at most every other time. So it spins when at least
 * {@link #SPIN_WHEN} of the last {@link #WAITS} waits ended within the window, unless the last two did not (the
 * writers stopped coming back), and blocks at once otherwise. A new log blocks until it has seen its writers come
 * back.
 *
 * <p>{@link #SPIN_WHEN} is 5, not 7 as it was: an engine's writer parks for its acknowledgement and comes back after
 * its wake-up and the next event's checks and encoding, 25-100 µs, and on a busy machine a share of those returns
 * fall beyond the window when its thread waits for a core. With 7 of 8 required, two such returns among eight made
 * the flusher block at once until one of them was eight waits old, and in those stretches a record its writer
 * published within the window paid a wake-up of the flusher all the same (in quick runs of the remember benchmark
 * on a loaded machine a quarter to two fifths of the engine's idle waits blocked, most of them for a writer back
 * within the window). Requiring 5 of 8 keeps spinning through up to three late returns in eight, and a writer that
 * comes back every other time (four in eight) still never makes it spin.
 *
 * <p>Not thread-safe: the flusher thread alone uses it.
 */
final class WriterReturns {

  /** How many of the latest idle waits decide. */
  static final int WAITS = 8;
  /** How many of them must have ended within the window for the next wait to spin. */
  static final int SPIN_WHEN = 5;

  private static final int MASK = (1 << WAITS) - 1;
  /** The last two waits: when both ended beyond the window, the writers stopped coming back. */
  private static final int LAST_TWO = 0b11;

  private final long windowNanos;
  /** One bit a wait, the latest lowest: 1 if the writers came back within the window. */
  private int returned;

  /** @param windowNanos how long the flusher spins before it blocks, when it spins */
  WriterReturns(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** Whether the next idle wait should spin for up to the window before it blocks. */
  boolean spinNext() {
    return Integer.bitCount(returned) >= SPIN_WHEN && (returned & LAST_TWO) != 0;
  }

  /**
   * Records an idle wait whose record came {@code nanos} after the flusher found the ring empty (published then,
   * whether the flusher spun or blocked: its own wake-up does not count).
   */
  void waited(long nanos) {
    returned = ((returned << 1) | (nanos <= windowNanos ? 1 : 0)) & MASK;
  }
}
