package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.trace.SlotList;
import dev.aeon.query.trace.TraceGraph;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Binds a node variable to the events one index (or the whole store) yields. */
final class ScanOp extends EvaluatingOperator {

  /** Which index the scan reads. */
  enum Kind { ID, SESSION, TIME, LABEL, ALL }

  /** The order of the events a scan yields: its index's, or by timestamp (ties in any order). */
  enum Order { INDEX, TS_ASCENDING, TS_DESCENDING }

  final Kind kind;
  private final int var;
  private final Expr key;
  private final Expr low;
  private final boolean lowInclusive;
  private final Expr high;
  private final boolean highInclusive;
  private final String label;
  private final long estimate;
  private Order order = Order.INDEX;
  private boolean stopped;

  private ScanOp(Kind kind, Evaluator ev, int var, Expr key, Expr low, boolean lowInclusive, Expr high,
      boolean highInclusive, String label, long estimate) {
    super(ev);
    this.kind = kind;
    this.var = var;
    this.key = key;
    this.low = low;
    this.lowInclusive = lowInclusive;
    this.high = high;
    this.highInclusive = highInclusive;
    this.label = label;
    this.estimate = estimate;
  }

  static ScanOp byId(Evaluator ev, int var, Expr id) {
    return new ScanOp(Kind.ID, ev, var, id, null, false, null, false, null, 1);
  }

  static ScanOp bySession(Evaluator ev, int var, Expr session, long estimate) {
    return new ScanOp(Kind.SESSION, ev, var, session, null, false, null, false, null, estimate);
  }

  static ScanOp byTime(Evaluator ev, int var, Expr low, boolean lowInc, Expr high, boolean highInc, long estimate) {
    return new ScanOp(Kind.TIME, ev, var, null, low, lowInc, high, highInc, null, estimate);
  }

  static ScanOp byLabel(Evaluator ev, int var, String label, long estimate) {
    return new ScanOp(Kind.LABEL, ev, var, null, null, false, null, false, label, estimate);
  }

  static ScanOp all(Evaluator ev, int var) {
    return new ScanOp(Kind.ALL, ev, var, null, null, false, null, false, null, ev.graph.slotCount());
  }

  /** The label a label scan reads, else null. */
  String label() {
    return kind == Kind.LABEL ? label : null;
  }

  long estimate() {
    return estimate;
  }

  /** The variable the scan binds. */
  int var() {
    return var;
  }

  /**
   * Whether the scan can yield its events by timestamp: a time range, a session's or a role's list (read from
   * either end when appended in time order, else sorted), or every event (from the time index). An id seek yields
   * one event: there is nothing to gain.
   */
  boolean canYieldInTimeOrder() {
    return kind != Kind.ID;
  }

  /** Yields the events by timestamp, for a result sorted by it that stops once it has its rows. */
  void yieldInTimeOrder(boolean descending) {
    order = descending ? Order.TS_DESCENDING : Order.TS_ASCENDING;
  }

  @Override
  boolean process(Object[] row) {
    TraceGraph g = ev.graph;
    return switch (kind) {
      case ID -> {
        Object id = ev.eval(key, row);
        int slot = switch (id) {
          case Long l -> g.slotOf(l);
          case Double d when d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63 -> g.slotOf(d.longValue());
          case null, default -> -1;
        };
        yield slot < 0 || emit(row, slot);
      }
      case SESSION -> {
        Object s = ev.eval(key, row);
        yield !(s instanceof String session) || list(row, g.sessionSlots(g.stringId(session)));
      }
      case LABEL -> list(row, g.roleSlots(g.stringId(label)));
      case TIME -> time(row);
      case ALL -> {
        if (order != Order.INDEX) {
          yield scanTime(row, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        int n = g.slotCount();
        for (int s = 0; s < n; s++) {
          if (g.isLive(s) && !emit(row, s)) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  private boolean emit(Object[] row, int slot) {
    ev.step();
    row[var] = new NodeRef(slot);
    return next.push(row);
  }

  private boolean list(Object[] row, SlotList list) {
    if (list == null) {
      return true;
    }
    if (order != Order.INDEX) {
      return listInTimeOrder(row, list);
    }
    int n = list.size();
    for (int i = 0; i < n; i++) {
      int s = list.get(i);
      if (ev.graph.isLive(s) && !emit(row, s)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A list's events by timestamp: the list forwards or backwards when its events were appended in time order
   * (as a conversation's are), else its live events sorted.
   */
  private boolean listInTimeOrder(Object[] row, SlotList list) {
    TraceGraph g = ev.graph;
    int n = list.size(); // before the order flag: see SlotList.inTimeOrder
    boolean descending = order == Order.TS_DESCENDING;
    if (list.inTimeOrder()) {
      for (int i = 0; i < n; i++) {
        int s = list.get(descending ? n - 1 - i : i);
        if (g.isLive(s) && !emit(row, s)) {
          return false;
        }
      }
      return true;
    }
    Comparator<Integer> byTs = Comparator.comparingLong(g::ts);
    int[] sorted = IntStream.range(0, n).map(list::get).filter(g::isLive).boxed()
        .sorted(descending ? byTs.reversed() : byTs).mapToInt(Integer::intValue).toArray();
    for (int s : sorted) {
      if (!emit(row, s)) {
        return false;
      }
    }
    return true;
  }

  private boolean time(Object[] row) {
    Long from = bound(low, lowInclusive, true, row);
    Long to = bound(high, highInclusive, false, row);
    if (from == null || to == null || from > to) {
      return true;
    }
    return scanTime(row, from, to);
  }

  /** The events with {@code from <= ts <= to}, from the time index. */
  private boolean scanTime(Object[] row, long from, long to) {
    stopped = false;
    ev.graph.timeScan(from, to, order == Order.TS_DESCENDING, (ts, slot) -> {
      if (!emit(row, slot)) {
        stopped = true;
      }
      return !stopped;
    });
    return !stopped;
  }

  /**
   * The inclusive integer bound of a ts comparison; an absent bound is open. Null when no timestamp can
   * pass it: a null or NaN bound, or one beyond the range of longs (a timestamp may be Long.MIN_VALUE or
   * Long.MAX_VALUE, so those cannot stand for "nothing"); a non-number is a type error.
   */
  private Long bound(Expr e, boolean inclusive, boolean lower, Object[] row) {
    if (e == null) {
      return lower ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    Object v = ev.eval(e, row);
    if (v == null) {
      return null;
    }
    if (v instanceof Long l) {
      if (inclusive) {
        return l;
      }
      if (lower) {
        return l == Long.MAX_VALUE ? null : l + 1;
      }
      return l == Long.MIN_VALUE ? null : l - 1;
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return null;
      }
      if (d >= 0x1p63) { // above every long
        return lower ? null : Long.MAX_VALUE;
      }
      if (d < -0x1p63) { // below every long
        return lower ? Long.MIN_VALUE : null;
      }
      // the floor and ceiling of a double in [-2^63, 2^63) are longs; the +1 and -1 are exact in long arithmetic
      // only (in doubles, 2^60 + 1 is 2^60): no filter after the scan checks the bound again
      long floor = (long) Math.floor(d);
      long ceil = (long) Math.ceil(d);
      if (lower) {
        return inclusive ? ceil : floor + 1;
      }
      if (inclusive) {
        return floor;
      }
      return ceil == Long.MIN_VALUE ? null : ceil - 1; // below -2^63: nothing
    }
    throw ev.error(e.pos(), "cannot compare integer with " + Values.typeName(v));
  }

  @Override
  String describe() {
    String v = ev.scope.name(var);
    // the estimate counts the slots a scan visits, forgotten events' too; no more than the live events match
    int live = ev.graph.liveCount();
    String est = (order == Order.INDEX ? "" : order == Order.TS_ASCENDING ? ", by ts" : ", by ts DESC")
        + "  (est. " + Math.min(estimate, live) + " of " + live + " events)";
    return switch (kind) {
      case ID -> "NodeByIdSeek (" + v + ") id = " + Expr.render(key) + est;
      case SESSION -> "NodeBySessionIndex (" + v + ") session = " + Expr.render(key) + est;
      case TIME -> "NodeByTimeRange (" + v + ") "
          + (low == null ? "" : Expr.render(low) + (lowInclusive ? " <= " : " < "))
          + v + ".ts" + (high == null ? "" : (highInclusive ? " <= " : " < ") + Expr.render(high)) + est;
      case LABEL -> "NodeByLabelIndex (" + v + ":" + label + ")" + est;
      case ALL -> "AllNodesScan (" + v + ")" + est;
    };
  }
}
