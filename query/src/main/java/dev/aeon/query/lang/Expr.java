package dev.aeon.query.lang;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** Expressions of the language; {@code pos} is the source offset errors point at. */
public sealed interface Expr {

  int pos();

  /** Binary operators. */
  enum Op {
    OR("OR"), XOR("XOR"), AND("AND"), EQ("="), NEQ("<>"), LT("<"), LE("<="), GT(">"), GE(">="),
    IN("IN"), CONTAINS("CONTAINS"), STARTS_WITH("STARTS WITH"), ENDS_WITH("ENDS WITH"),
    ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%");

    public final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }
  }

  record Literal(Object value, int pos) implements Expr {}

  record Param(String name, int pos) implements Expr {}

  record Var(String name, int pos) implements Expr {}

  record Property(Expr target, String key, int pos) implements Expr {}

  record Index(Expr target, Expr index, int pos) implements Expr {}

  record Binary(Op op, Expr left, Expr right, int pos) implements Expr {}

  record Not(Expr operand, int pos) implements Expr {}

  record Negate(Expr operand, int pos) implements Expr {}

  record IsNull(Expr operand, boolean negated, int pos) implements Expr {}

  record Between(Expr operand, Expr low, Expr high, int pos) implements Expr {}

  /** A function call; {@code name} is lower case; {@code star} for {@code count(*)}. */
  record Call(String name, boolean distinct, boolean star, List<Expr> args, int pos) implements Expr {}

  record ListLit(List<Expr> items, int pos) implements Expr {}

  record MapLit(Map<String, Expr> entries, int pos) implements Expr {}

  /**
   * {@code CASE [test] WHEN w THEN t ... [ELSE otherwise] END}: without {@code test}, the first {@code t} whose
   * {@code w} is true; with it, the first whose {@code w} equals it; else {@code otherwise} (null if absent).
   */
  record Case(Expr test, List<Expr> whens, List<Expr> thens, Expr otherwise, int pos) implements Expr {}

  /**
   * {@code [var IN list WHERE where | map]}: the elements of {@code list} for which {@code where} holds (all without
   * it), each mapped by {@code map} (as they are without it). {@code var} is local to {@code where} and {@code map}.
   */
  record Comprehension(String var, Expr list, Expr where, Expr map, int pos) implements Expr {}

  /**
   * {@code any(var IN list WHERE where)} and {@code all}, {@code none}, {@code single} ({@code kind}, lower case):
   * whether {@code where} holds for some, every, no or exactly one element. {@code var} is local to {@code where}.
   */
  record Quantifier(String kind, String var, Expr list, Expr where, int pos) implements Expr {}

  /**
   * {@code reduce(acc = init, var IN list | step)}: {@code acc} starts as {@code init} and becomes {@code step} for
   * each element {@code var} of {@code list} in turn. Both names are local to {@code step}.
   */
  record Reduce(String acc, Expr init, String var, Expr list, Expr step, int pos) implements Expr {}

  /**
   * {@code EXISTS { [MATCH] pattern, ... [AS OF t] [WHERE c] }} (whether the pattern has a match),
   * {@code COUNT { ... }} (how many) or {@code COLLECT { ... RETURN value }} (the list of {@code value} for each
   * match): {@code match}, a MATCH of its own, run for each row, reading the row's variables of the same names.
   * {@code value} is null but for COLLECT. Walks over expressions treat it as a leaf: what it reads depends on the
   * scope it is planned in.
   */
  record Subquery(SubqueryKind kind, Statement.Match match, Expr value, int pos) implements Expr {}

  /** What a subquery returns. */
  enum SubqueryKind { EXISTS, COUNT, COLLECT }

  /** The aggregate functions. */
  static boolean isAggregate(String name) {
    return switch (name) {
      case "count", "collect", "min", "max", "sum", "avg" -> true;
      default -> false;
    };
  }

  /** The direct sub-expressions of {@code e}, in source order: what every walk over an expression descends into. */
  static List<Expr> children(Expr e) {
    return switch (e) {
      case Call c -> c.args();
      case Property p -> List.of(p.target());
      case Index i -> List.of(i.target(), i.index());
      case Binary b -> List.of(b.left(), b.right());
      case Not n -> List.of(n.operand());
      case Negate n -> List.of(n.operand());
      case IsNull n -> List.of(n.operand());
      case Between b -> List.of(b.operand(), b.low(), b.high());
      case ListLit l -> l.items();
      case MapLit m -> List.copyOf(m.entries().values());
      case Case c -> {
        List<Expr> out = new java.util.ArrayList<>();
        if (c.test() != null) {
          out.add(c.test());
        }
        for (int i = 0; i < c.whens().size(); i++) {
          out.add(c.whens().get(i));
          out.add(c.thens().get(i));
        }
        if (c.otherwise() != null) {
          out.add(c.otherwise());
        }
        yield out;
      }
      case Literal l -> List.of();
      case Param p -> List.of();
      case Var v -> List.of();
      case Subquery q -> List.of();
      case Comprehension c -> Stream.of(c.list(), c.where(), c.map()).filter(Objects::nonNull).toList();
      case Quantifier q -> List.of(q.list(), q.where());
      case Reduce r -> List.of(r.init(), r.list(), r.step());
    };
  }

  /** Whether an aggregate call occurs anywhere in {@code e}. */
  static boolean containsAggregate(Expr e) {
    if (e instanceof Call c && isAggregate(c.name())) {
      return true;
    }
    for (Expr child : children(e)) { // a loop, not a stream: a frame per level of the longest chain accepted
      if (containsAggregate(child)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a subquery occurs anywhere in {@code e}. */
  static boolean containsSubquery(Expr e) {
    if (e instanceof Subquery) {
      return true;
    }
    for (Expr child : children(e)) {
      if (containsSubquery(child)) {
        return true;
      }
    }
    return false;
  }

  /** A canonical rendering, independent of spacing and keyword case (used to match ORDER BY to RETURN). */
  static String render(Expr e) {
    return switch (e) {
      case Literal l -> l.value() instanceof String s ? "'" + s.replace("'", "\\'") + "'" : String.valueOf(l.value());
      case Param p -> "$" + p.name();
      case Var v -> v.name();
      case Property p -> render(p.target()) + "." + p.key();
      case Index i -> render(i.target()) + "[" + render(i.index()) + "]";
      case Binary b -> "(" + render(b.left()) + " " + b.op().symbol + " " + render(b.right()) + ")";
      case Not n -> "(NOT " + render(n.operand()) + ")";
      case Negate n -> "(-" + render(n.operand()) + ")";
      case IsNull n -> "(" + render(n.operand()) + (n.negated() ? " IS NOT NULL)" : " IS NULL)");
      case Between b -> "(" + render(b.operand()) + " BETWEEN " + render(b.low()) + " AND " + render(b.high()) + ")";
      case Call c -> c.name() + "(" + (c.distinct() ? "DISTINCT " : "") + (c.star() ? "*" : String.join(", ",
          c.args().stream().map(Expr::render).toList())) + ")";
      case ListLit l -> "[" + String.join(", ", l.items().stream().map(Expr::render).toList()) + "]";
      case MapLit m -> "{" + String.join(", ", m.entries().entrySet().stream()
          .map(x -> x.getKey() + ": " + render(x.getValue())).toList()) + "}";
      case Case c -> {
        StringBuilder sb = new StringBuilder("CASE");
        if (c.test() != null) {
          sb.append(' ').append(render(c.test()));
        }
        for (int i = 0; i < c.whens().size(); i++) {
          sb.append(" WHEN ").append(render(c.whens().get(i))).append(" THEN ").append(render(c.thens().get(i)));
        }
        if (c.otherwise() != null) {
          sb.append(" ELSE ").append(render(c.otherwise()));
        }
        yield sb.append(" END").toString();
      }
      case Comprehension c -> "[" + c.var() + " IN " + render(c.list()) + (c.where() == null ? "" : " WHERE "
          + render(c.where())) + (c.map() == null ? "" : " | " + render(c.map())) + "]";
      case Quantifier q -> q.kind() + "(" + q.var() + " IN " + render(q.list()) + " WHERE " + render(q.where()) + ")";
      case Reduce r -> "reduce(" + r.acc() + " = " + render(r.init()) + ", " + r.var() + " IN " + render(r.list())
          + " | " + render(r.step()) + ")";
      case Subquery q -> {
        Statement.Match m = q.match();
        yield q.kind() + " { MATCH " + String.join(", ", m.paths().stream().map(Statement.Path::render).toList())
            + (m.asOf() == null ? "" : " AS OF " + render(m.asOf())) + (m.where() == null ? "" : " WHERE "
            + render(m.where())) + (q.value() == null ? "" : " RETURN " + render(q.value())) + " }";
      }
    };
  }
}
