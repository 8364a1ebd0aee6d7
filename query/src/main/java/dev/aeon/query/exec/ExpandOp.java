package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.Statement.Dir;
import dev.aeon.query.trace.Direction;
import dev.aeon.query.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows relationships from a bound node: one hop, or a bounded variable-length path (depth-first,
 * each relationship at most once per path, as Cypher's relationship isomorphism requires; the same
 * holds across the relationships of one MATCH, listed in {@code otherRels}).
 */
final class ExpandOp extends EvaluatingOperator {

  private final int from;
  private final int rel;
  private final int to;
  private final boolean toBound;
  private final int[] types;
  private final String typeText;
  private final Dir dir;
  private final boolean varLength;
  private final int min;
  private final int max;
  private final Expr asOf;
  private final int[] otherRels;

  ExpandOp(Evaluator ev, int from, int rel, int to, boolean toBound, int[] types, String typeText, Dir dir,
      boolean varLength, int min, int max, Expr asOf, int[] otherRels) {
    super(ev);
    this.from = from;
    this.rel = rel;
    this.to = to;
    this.toBound = toBound;
    this.types = types;
    this.typeText = typeText;
    this.dir = dir;
    this.varLength = varLength;
    this.min = min;
    this.max = max;
    this.asOf = asOf;
    this.otherRels = otherRels;
  }

  /** Whether every type allowed is one never stored: no relationship to follow, though a path of no hops is there. */
  private boolean noType() {
    return types != null && types.length == 0;
  }

  @Override
  boolean process(Object[] row) {
    if (!(row[from] instanceof NodeRef start) || (noType() && (!varLength || min > 0))) {
      return true; // a null from OPTIONAL MATCH, or only unknown types: nothing to follow
    }
    long at = asOfMicros(row);
    if (!varLength) {
      return hops(start.slot(), at, r -> {
        if (usedElsewhere(row, r)) {
          return true;
        }
        row[rel] = r;
        return bindTarget(row, other(r, start.slot()));
      });
    }
    return walk(row, start.slot(), at, 0, new ArrayList<>());
  }

  private long asOfMicros(Object[] row) {
    if (asOf == null) {
      return Trace.CURRENT;
    }
    Object v = ev.eval(asOf, row);
    if (!(v instanceof Long t) || t == Trace.CURRENT) {
      throw ev.error(asOf.pos(), "AS OF needs a timestamp (epoch microseconds or Instant) but got "
          + Values.displayInMessage(v));
    }
    return t;
  }

  private interface RelSink {
    boolean accept(RelRef rel);
  }

  /** Visits the allowed relationships of {@code slot} (not used elsewhere in this MATCH). */
  private boolean hops(int slot, long at, RelSink sink) {
    int typeId = types != null && types.length == 1 ? types[0] : -1;
    if (dir != Dir.IN && !ev.graph.visitEdges(slot, Direction.OUT, typeId, at, (e, t, f, x, vf, vt) -> {
      ev.step();
      return !allowed(t) || sink.accept(new RelRef(e, t, f, x, vf, vt));
    })) {
      return false;
    }
    // an undirected pattern meets a self-loop in both passes: take it once
    return dir == Dir.OUT || ev.graph.visitEdges(slot, Direction.IN, typeId, at, (e, t, f, x, vf, vt) -> {
      ev.step();
      return !allowed(t) || (dir == Dir.BOTH && f == x) || sink.accept(new RelRef(e, t, f, x, vf, vt));
    });
  }

  private boolean allowed(int type) {
    if (types == null) {
      return true;
    }
    for (int t : types) {
      if (t == type) {
        return true;
      }
    }
    return false;
  }

  private static int other(RelRef r, int slot) {
    return r.from() == slot ? r.to() : r.from();
  }

  private boolean usedElsewhere(Object[] row, RelRef r) {
    for (int o : otherRels) {
      Object v = row[o];
      if (r.equals(v) || (v instanceof List<?> l && l.contains(r))) {
        return true;
      }
    }
    return false;
  }

  /** Binds (or, if already bound, checks) the target node and pushes the row on. */
  private boolean bindTarget(Object[] row, int slot) {
    if (toBound) {
      return !(row[to] instanceof NodeRef n && n.slot() == slot) || next.push(row);
    }
    row[to] = new NodeRef(slot);
    return next.push(row);
  }

  private boolean walk(Object[] row, int slot, long at, int depth, List<RelRef> path) {
    if (depth >= min) {
      row[rel] = List.copyOf(path);
      if (!bindTarget(row, slot)) {
        return false;
      }
    }
    if (depth == max || noType()) {
      return true;
    }
    return hops(slot, at, r -> {
      if (path.contains(r) || usedElsewhere(row, r)) {
        return true;
      }
      path.add(r);
      boolean go = walk(row, other(r, slot), at, depth + 1, path);
      path.removeLast();
      return go;
    });
  }

  @Override
  String describe() {
    String hops = varLength ? "*" + min + ".." + max : "";
    String r = "[" + ev.scope.shown(rel) + typeText + hops + "]";
    String arrow = switch (dir) {
      case OUT -> "-" + r + "->";
      case IN -> "<-" + r + "-";
      case BOTH -> "-" + r + "-";
    };
    return (toBound ? "ExpandInto " : "Expand ") + "(" + ev.scope.name(from) + ")" + arrow + "(" + ev.scope.name(to)
        + ")"
        + (asOf == null ? "" : " AS OF " + Expr.render(asOf));
  }
}
