package dev.aeon.query.trace;

/**
 * A typed, directed edge between two events, valid in {@code [validFrom, validTo)} (epoch µs).
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
    return asOf == Trace.CURRENT ? validTo == OPEN : validFrom <= asOf && asOf < validTo;
  }
}
