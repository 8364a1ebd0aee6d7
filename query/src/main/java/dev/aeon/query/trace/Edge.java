package dev.aeon.query.trace;

/**
 * A typed, directed edge between two events, valid in {@code [validFrom, validTo)} (epoch µs; an open
 * {@code validTo} has no end, so it holds {@code Long.MAX_VALUE} too).
 * {@link #NEXT} edges are implicit (consecutive events of a session) and always valid.
 */
public record Edge(String type, long from, long to, long validFrom, long validTo) {

  /** The implicit edge type linking consecutive events of a session. */
  public static final String NEXT = "NEXT";
  /** {@code validFrom} of an edge valid since forever. */
  public static final long SINCE_EVER = Long.MIN_VALUE;
  /** {@code validTo} of an edge that has not been invalidated. */
  public static final long OPEN = Long.MAX_VALUE;

  /** Whether the edge is valid at {@code asOf}, or, for {@link Trace#CURRENT}, not invalidated. */
  public boolean validAt(long asOf) {
    return Edge.validAt(validFrom, validTo, asOf);
  }

  static boolean validAt(long validFrom, long validTo, long asOf) {
    // an open end is no time but "never ended", so the last instant, Long.MAX_VALUE, is within it (as for NEXT)
    return asOf == Trace.CURRENT ? validTo == OPEN : validFrom <= asOf && (asOf < validTo || validTo == OPEN);
  }
}
