package dev.aeon.query.lang;

import java.util.List;
import java.util.Map;

/** A parsed statement: reading clauses (and WITH) in order, then RETURN; {@code explain} for EXPLAIN. */
public record Statement(boolean explain, List<Clause> clauses, Return ret, String source) {

  /** A reading clause. */
  public sealed interface Clause {}

  /** {@code [OPTIONAL] MATCH pattern, ... [AS OF expr] [WHERE expr]}. */
  public record Match(boolean optional, List<Path> paths, Expr asOf, Expr where, int pos) implements Clause {}

  /** {@code CALL name(args) YIELD item, ... [WHERE expr]}. */
  public record Call(String procedure, List<Expr> args, List<Yield> yields, Expr where, int pos) implements Clause {}

  /** {@code UNWIND expr AS variable}. */
  public record Unwind(Expr list, String variable, int pos) implements Clause {}

  /**
   * {@code WITH items [ORDER BY ...] [SKIP n] [LIMIT n] [WHERE expr]}: a projection as RETURN makes, whose
   * columns are the only variables of the clauses after it; {@code where} filters the projected rows.
   */
  public record With(Return projection, Expr where) implements Clause {}

  /** One yielded column and the variable it binds. */
  public record Yield(String column, String variable, int pos) {}

  /** A chain of nodes linked by relationships: {@code nodes.size() == rels.size() + 1}. */
  public record Path(List<NodePattern> nodes, List<RelPattern> rels) {

    /** The path as written, canonically (anonymous variables left out). */
    public String render() {
      StringBuilder sb = new StringBuilder(nodes.getFirst().render());
      for (int i = 0; i < rels.size(); i++) {
        sb.append(rels.get(i).render()).append(nodes.get(i + 1).render());
      }
      return sb.toString();
    }
  }

  /** {@code (var:label:label {key: expr})}; {@code var} is generated for anonymous nodes. */
  public record NodePattern(String var, boolean anonymous, List<String> labels, Map<String, Expr> props, int pos) {

    String render() {
      StringBuilder sb = new StringBuilder("(").append(anonymous ? "" : var);
      labels.forEach(l -> sb.append(':').append(l));
      return sb.append(renderProps(props, !anonymous || !labels.isEmpty())).append(')').toString();
    }
  }

  /** Relationship directions as written. */
  public enum Dir { OUT, IN, BOTH }

  /**
   * {@code -[var:TYPE|TYPE *min..max {props}]->}; {@code varLength} false means exactly one hop.
   * {@code types} empty means any type.
   */
  public record RelPattern(String var, boolean anonymous, List<String> types, Dir dir, boolean varLength,
      int min, int max, Map<String, Expr> props, int pos) {

    String render() {
      StringBuilder sb = new StringBuilder("[").append(anonymous ? "" : var);
      if (!types.isEmpty()) {
        sb.append(':').append(String.join("|", types));
      }
      if (varLength) {
        sb.append('*').append(min).append("..").append(max);
      }
      String r = sb.append(renderProps(props, sb.length() > 1)).append(']').toString();
      return switch (dir) {
        case OUT -> "-" + r + "->";
        case IN -> "<-" + r + "-";
        case BOTH -> "-" + r + "-";
      };
    }
  }

  private static String renderProps(Map<String, Expr> props, boolean afterName) {
    if (props.isEmpty()) {
      return "";
    }
    return (afterName ? " " : "") + "{" + String.join(", ", props.entrySet().stream()
        .map(x -> x.getKey() + ": " + Expr.render(x.getValue())).toList()) + "}";
  }

  /** {@code RETURN [DISTINCT] items [ORDER BY ...] [SKIP n] [LIMIT n]}. */
  public record Return(boolean distinct, List<Item> items, List<Sort> order, Expr skip, Expr limit, int pos) {}

  /** A returned expression, its column name (alias or source text) and whether it was aliased. */
  public record Item(Expr expr, String column, boolean aliased) {}

  public record Sort(Expr expr, boolean descending) {}
}
