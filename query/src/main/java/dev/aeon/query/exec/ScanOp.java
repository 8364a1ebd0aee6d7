package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.trace.SlotList;
import dev.aeon.query.trace.TraceGraph;

/** Binds a node variable to the events one index (or the whole store) yields. */
final class ScanOp extends Operator {

  /** Which index the scan reads. */
  enum Kind { ID, SESSION, TIME, LABEL, ALL }

  final Kind kind;
  private final Evaluator ev;
  private final int var;
  private final Expr key;
  private final Expr low;
  private final boolean lowInclusive;
  private final Expr high;
  private final boolean highInclusive;
  private final String label;
  private final long estimate;
  private boolean stopped;

  private ScanOp(Kind kind, Evaluator ev, int var, Expr key, Expr low, boolean lowInclusive, Expr high,
      boolean highInclusive, String label, long estimate) {
    this.kind = kind;
    this.ev = ev;
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

  @Override
  boolean push(Object[] row) {
    TraceGraph g = ev.graph;
    return switch (kind) {
      case ID -> {
        Object id = ev.eval(key, row);
        int slot = switch (id) {
          case Long l -> g.slotOf(l);
          case Double d when d == Math.rint(d) && Math.abs(d) < 9e18 -> g.slotOf(d.longValue());
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
    int n = list.size();
    for (int i = 0; i < n; i++) {
      int s = list.get(i);
      if (ev.graph.isLive(s) && !emit(row, s)) {
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
    stopped = false;
    ev.graph.timeScan(from, to, false, (ts, slot) -> {
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
      double r = lower ? (inclusive ? Math.ceil(d) : Math.floor(d) + 1) : (inclusive ? Math.floor(d) : Math.ceil(d) - 1);
      if (r >= 0x1p63) { // above every long
        return lower ? null : Long.MAX_VALUE;
      }
      if (r < -0x1p63) { // below every long
        return lower ? Long.MIN_VALUE : null;
      }
      return (long) r;
    }
    throw ev.error(e.pos(), "cannot compare integer with " + Values.typeName(v));
  }

  @Override
  String describe() {
    String v = ev.scope.name(var);
    // the estimate counts the slots a scan visits, forgotten events' too; no more than the live events match
    int live = ev.graph.liveCount();
    String est = "  (est. " + Math.min(estimate, live) + " of " + live + " events)";
    return switch (kind) {
      case ID -> "NodeByIdSeek (" + v + ") id = " + Expr.render(key) + est;
      case SESSION -> "NodeBySessionIndex (" + v + ") session = " + Expr.render(key) + est;
      case TIME -> "NodeByTimeRange (" + v + ") " + (low == null ? "" : Expr.render(low) + (lowInclusive ? " <= " : " < "))
          + v + ".ts" + (high == null ? "" : (highInclusive ? " <= " : " < ") + Expr.render(high)) + est;
      case LABEL -> "NodeByLabelIndex (" + v + ":" + label + ")" + est;
      case ALL -> "AllNodesScan (" + v + ")" + est;
    };
  }
}
