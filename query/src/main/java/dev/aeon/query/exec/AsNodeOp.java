package dev.aeon.query.exec;

/**
 * A value used as a node in a pattern, such as an element of {@code UNWIND collect(e)}: a row whose value is a
 * node passes, one whose value is null has nothing to match (as a node variable OPTIONAL MATCH left null), and any
 * other value is an error.
 */
final class AsNodeOp extends Operator {

  private final Evaluator ev;
  private final int var;
  private final String name;
  private final int pos;

  AsNodeOp(Evaluator ev, int var, String name, int pos) {
    this.ev = ev;
    this.var = var;
    this.name = name;
    this.pos = pos;
  }

  @Override
  boolean push(Object[] row) {
    Object value = row[var];
    if (value instanceof NodeRef) {
      return next.push(row);
    }
    if (value == null) {
      return true;
    }
    throw ev.error(pos, "variable '" + name + "' holds a value of type " + Values.typeName(value)
        + ", not a node");
  }

  @Override
  String describe() {
    return "AsNode (" + name + ")";
  }
}
