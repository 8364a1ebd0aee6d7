package dev.aeon.query.trace;

/** Visitor of events in timestamp order ({@link TraceGraph#timeScan}). */
@FunctionalInterface
public interface TimeVisitor {

  /** Returns false to stop. */
  boolean visit(long ts, int slot);
}
