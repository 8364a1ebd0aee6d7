package dev.aeon.query.exec;

/**
 * What every projection of one statement holds at once (RETURN's and each WITH's), weighed as
 * {@link ResultSink#MAX_HELD} counts: one bound for the statement, so that a chain of WITHs that each sort
 * cannot hold the bound many times over.
 */
final class HeldValues {

  private long held;

  /** Counts {@code values} more; false once the statement holds more than {@link ResultSink#MAX_HELD}. */
  boolean add(long values) {
    held += values;
    return held <= ResultSink.MAX_HELD;
  }

  /** Counts {@code values} fewer: a projection dropped rows it held. */
  void release(long values) {
    held -= values;
  }
}
