package dev.aeon.query.trace;

/** Visitor of the edges of an event at slot level ({@link TraceGraph#visitEdges}). */
@FunctionalInterface
public interface EdgeVisitor {

  /** {@code edge} is the stored edge index, or -1 for an implicit NEXT edge; returns false to stop. */
  boolean visit(int edge, int type, int fromSlot, int toSlot, long validFrom, long validTo);
}
