package dev.aeon.query.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The in-memory index of the stored edges: one fixed-size record per edge plus, per event slot, the heads
 * of two singly linked lists (outgoing and incoming, newest first) threaded through the records.
 *
 * <pre>
 *  record of edge e (6 ints, {@link #RECORD} per chunk of {@link #CHUNK_EDGES} edges)
 *  +------+------+----+---------+--------+----------+
 *  | type | from | to | nextOut | nextIn | validity |
 *  +------+------+----+---------+--------+----------+
 * </pre>
 * An edge's fields sit side by side (not in one column each) because a walk of a list touches every
 * field of every edge it passes: one cache miss per edge instead of seven. Most edges are valid forever;
 * {@code validity} is {@link #ALWAYS} for them and otherwise indexes a (validFrom, validTo) pair, so
 * the common edge costs 24 bytes.
 *
 * <p>The writer fills a record before it publishes the new list head with a release store, so a reader
 * that sees the head sees the whole edge; a validity pair is written before its index. A removed edge
 * keeps its place in the lists with type {@link #REMOVED}. Ends and removals are written into the table in
 * force; while the first chunk is short (a growth copies it), a walk reads each edge from the table in force.
 */
final class Adjacency {

  static final int REMOVED = -1;
  private static final int NONE = -1;
  private static final int ALWAYS = -1;
  private static final int TYPE = 0;
  private static final int FROM = 1;
  private static final int TO = 2;
  private static final int NEXT_OUT = 3;
  private static final int NEXT_IN = 4;
  private static final int VALIDITY = 5;
  private static final int RECORD = 6;
  private static final int SHIFT = 12;
  private static final int CHUNK_EDGES = 1 << SHIFT;
  /** The ints of a whole chunk; only a first chunk is ever shorter ({@link FirstChunk}). */
  private static final int WHOLE_CHUNK = CHUNK_EDGES * RECORD;
  private static final VarHandle INT = MethodHandles.arrayElementVarHandle(int[].class);

  private volatile int[][] records = new int[0][];
  private final IntColumn headOut = new IntColumn(NONE);
  private final IntColumn headIn = new IntColumn(NONE);
  private final LongColumn validFrom = new LongColumn();
  private final LongColumn validTo = new LongColumn();
  private int validities;
  private volatile int count;
  /** Records removed (with the events they linked): {@code count - removed} edges remain. */
  private volatile int removed;

  /** Edge records, removed ones included: the indexes of edges are below it. */
  int count() {
    return count;
  }

  /** Edges not removed. */
  int remaining() {
    return count - removed;
  }

  /** Writer only: adds an edge and returns its index. */
  int add(int typeId, int fromSlot, int toSlot, long vf, long vt) {
    int e = count;
    int[] r = recordForWrite(e);
    int o = offset(e);
    set(r, o + TYPE, typeId);
    set(r, o + FROM, fromSlot);
    set(r, o + TO, toSlot);
    set(r, o + NEXT_OUT, headOut.getAcquireOr(fromSlot, NONE));
    set(r, o + NEXT_IN, headIn.getAcquireOr(toSlot, NONE));
    set(r, o + VALIDITY, vf == Edge.SINCE_EVER && vt == Edge.OPEN ? ALWAYS : newValidity(vf, vt));
    headOut.setRelease(fromSlot, e);
    headIn.setRelease(toSlot, e);
    count = e + 1;
    return e;
  }

  private int newValidity(long vf, long vt) {
    int v = validities++;
    validFrom.setRelease(v, vf);
    validTo.setRelease(v, vt);
    return v;
  }

  /** Writer only. */
  void setValidTo(int edge, long vt) {
    int[] r = records[edge >>> SHIFT];
    int o = offset(edge);
    int v = get(r, o + VALIDITY);
    if (v == ALWAYS) {
      set(r, o + VALIDITY, newValidity(Edge.SINCE_EVER, vt));
    } else {
      validTo.setRelease(v, vt);
    }
  }

  /** Writer only: removes every edge of the slot; returns how many were live. */
  int removeAll(int slot) {
    int removed = 0;
    for (int e = headOut.getAcquireOr(slot, NONE); e != NONE; e = field(e, NEXT_OUT)) {
      removed += remove(e);
    }
    for (int e = headIn.getAcquireOr(slot, NONE); e != NONE; e = field(e, NEXT_IN)) {
      removed += remove(e);
    }
    return removed;
  }

  private int remove(int e) {
    if (type(e) == REMOVED) {
      return 0;
    }
    set(records[e >>> SHIFT], offset(e) + TYPE, REMOVED);
    removed++; // the writer's alone
    return 1;
  }

  int type(int e) {
    return field(e, TYPE);
  }

  int from(int e) {
    return field(e, FROM);
  }

  int to(int e) {
    return field(e, TO);
  }

  long validFrom(int e) {
    int v = field(e, VALIDITY);
    return v == ALWAYS ? Edge.SINCE_EVER : validFrom.getAcquire(v);
  }

  long validTo(int e) {
    int v = field(e, VALIDITY);
    return v == ALWAYS ? Edge.OPEN : validTo.getAcquire(v);
  }

  /**
   * Visits the stored edges of {@code slot} in the given direction whose type is {@code typeId}
   * ({@code < 0}: any) and that are valid at {@code asOf}. Returns false if the visitor stopped.
   */
  boolean visit(int slot, boolean outgoing, int typeId, long asOf, EdgeVisitor visitor) {
    int next = outgoing ? NEXT_OUT : NEXT_IN;
    int[][] table = records;
    int e = (outgoing ? headOut : headIn).getAcquireOr(slot, NONE);
    while (e != NONE) {
      if (e >>> SHIFT >= table.length || table[0].length < WHOLE_CHUNK) {
        // An edge published after this reader took the table, or a first chunk not yet whole: a growth copies it,
        // and the writer ends and removes edges in the copy only, so a walk reading an old copy would take an edge
        // ended (after the end returned) for open, beside a later end it does see: a state that never was
        // (EdgeWalkAcrossGrowthTest). A whole first chunk, and every later one, is the same array in every table.
        table = records;
      }
      int[] r = table[e >>> SHIFT];
      int o = offset(e);
      int t = get(r, o + TYPE);
      if (t != REMOVED && (typeId < 0 || t == typeId)) {
        int v = get(r, o + VALIDITY);
        long vf = v == ALWAYS ? Edge.SINCE_EVER : validFrom.getAcquire(v);
        long vt = v == ALWAYS ? Edge.OPEN : validTo.getAcquire(v);
        if (Edge.validAt(vf, vt, asOf) && !visitor.visit(e, t, get(r, o + FROM), get(r, o + TO), vf, vt)) {
          return false;
        }
      }
      e = get(r, o + next);
    }
    return true;
  }

  long heapBytes() {
    long bytes = 0;
    for (int[] chunk : records) {
      bytes += chunk.length * 4L + 16;
    }
    return bytes + headOut.heapBytes() + headIn.heapBytes() + validFrom.heapBytes() + validTo.heapBytes();
  }

  private int field(int e, int field) {
    return get(records[e >>> SHIFT], offset(e) + field);
  }

  private static int offset(int e) {
    return (e & (CHUNK_EDGES - 1)) * RECORD;
  }

  private static int get(int[] r, int i) {
    return (int) INT.getAcquire(r, i);
  }

  private static void set(int[] r, int i, int value) {
    INT.setRelease(r, i, value);
  }

  private int[] recordForWrite(int e) {
    int chunk = e >>> SHIFT;
    int[][] t = records;
    if (chunk < t.length && offset(e) < t[chunk].length) {
      return t[chunk];
    }
    int[][] grown = Arrays.copyOf(t, FirstChunk.tableLengthFor(chunk, t.length));
    int firstLength = FirstChunk.lengthFor(e, CHUNK_EDGES) * RECORD;
    if (t.length == 0 || t[0].length < firstLength) {
      grown[0] = t.length == 0 ? new int[firstLength] : Arrays.copyOf(t[0], firstLength);
    }
    for (int i = Math.max(1, t.length); i < grown.length; i++) {
      grown[i] = new int[CHUNK_EDGES * RECORD];
    }
    records = grown; // a new table: a walk holding the old one takes this one at its next edge (visit)
    return grown[chunk];
  }
}
