package dev.aeon.query.trace;

/**
 * The in-memory index of the stored edges: edge columns plus, per event slot, the heads of two singly
 * linked lists (outgoing and incoming, newest first) threaded through the edge columns. The writer fills
 * an edge's columns before it publishes the new list head with a release store, so a reader that sees
 * the head sees the whole edge. A removed edge keeps its place in the lists with type {@link #REMOVED}.
 */
final class Adjacency {

  static final int REMOVED = -1;
  private static final int NONE = -1;

  private final IntColumn from = new IntColumn(0);
  private final IntColumn to = new IntColumn(0);
  private final IntColumn type = new IntColumn(0);
  private final IntColumn nextOut = new IntColumn(0);
  private final IntColumn nextIn = new IntColumn(0);
  private final LongColumn validFrom = new LongColumn();
  private final LongColumn validTo = new LongColumn();
  private final IntColumn headOut = new IntColumn(NONE);
  private final IntColumn headIn = new IntColumn(NONE);
  private volatile int count;

  int count() {
    return count;
  }

  /** Writer only: adds an edge and returns its index. */
  int add(int typeId, int fromSlot, int toSlot, long vf, long vt) {
    int e = count;
    from.setRelease(e, fromSlot);
    to.setRelease(e, toSlot);
    type.setRelease(e, typeId);
    validFrom.setRelease(e, vf);
    validTo.setRelease(e, vt);
    nextOut.setRelease(e, headOut.getAcquireOr(fromSlot, NONE));
    nextIn.setRelease(e, headIn.getAcquireOr(toSlot, NONE));
    headOut.setRelease(fromSlot, e);
    headIn.setRelease(toSlot, e);
    count = e + 1;
    return e;
  }

  /** Writer only. */
  void setValidTo(int edge, long vt) {
    validTo.setRelease(edge, vt);
  }

  /** Writer only: removes every edge of the slot; returns how many were live. */
  int removeAll(int slot) {
    int removed = 0;
    for (int e = headOut.getAcquireOr(slot, NONE); e != NONE; e = nextOut.getAcquire(e)) {
      removed += remove(e);
    }
    for (int e = headIn.getAcquireOr(slot, NONE); e != NONE; e = nextIn.getAcquire(e)) {
      removed += remove(e);
    }
    return removed;
  }

  private int remove(int e) {
    if (type.getAcquire(e) == REMOVED) {
      return 0;
    }
    type.setRelease(e, REMOVED);
    return 1;
  }

  int type(int e) {
    return type.getAcquire(e);
  }

  int from(int e) {
    return from.getAcquire(e);
  }

  int to(int e) {
    return to.getAcquire(e);
  }

  long validFrom(int e) {
    return validFrom.getAcquire(e);
  }

  long validTo(int e) {
    return validTo.getAcquire(e);
  }

  /**
   * Visits the stored edges of {@code slot} in the given direction whose type is {@code typeId}
   * ({@code < 0}: any) and that are valid at {@code asOf}. Returns false if the visitor stopped.
   */
  boolean visit(int slot, boolean outgoing, int typeId, long asOf, EdgeVisitor v) {
    IntColumn heads = outgoing ? headOut : headIn;
    IntColumn next = outgoing ? nextOut : nextIn;
    for (int e = heads.getAcquireOr(slot, NONE); e != NONE; e = next.getAcquire(e)) {
      int t = type.getAcquire(e);
      if (t == REMOVED || (typeId >= 0 && t != typeId)) {
        continue;
      }
      long vf = validFrom.getAcquire(e);
      long vt = validTo.getAcquire(e);
      if (Edge.validAt(vf, vt, asOf) && !v.visit(e, t, from.getAcquire(e), to.getAcquire(e), vf, vt)) {
        return false;
      }
    }
    return true;
  }

  long heapBytes() {
    return from.heapBytes() * 5 + validFrom.heapBytes() * 2 + headOut.heapBytes() * 2;
  }
}
