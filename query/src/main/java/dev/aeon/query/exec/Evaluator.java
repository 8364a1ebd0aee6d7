package dev.aeon.query.exec;

import dev.aeon.common.JavaValues;
import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import dev.aeon.query.trace.TextResolver;
import dev.aeon.query.trace.TraceGraph;
import dev.aeon.query.trace.VectorRecall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates expressions against a row. Null propagates (three-valued logic, as in Cypher); values of
 * the wrong type are a {@link QueryException} pointing at the operator.
 */
final class Evaluator {

  final TraceGraph graph;
  final TextResolver text;
  final VectorRecall vectors;
  final String source;
  final Scope scope;
  private final Map<String, Object> rawParams;
  private final Map<String, Object> params;
  private final Deadline deadline;
  private final BuiltValues built;
  /** A step of the statement per element a comparison goes through ({@link Values.Visits}). */
  final Values.Visits visits = this::step;
  /** The statement's subqueries, planned as they were checked; shared by the evaluators of every scope. */
  final Map<Expr.Subquery, SubqueryPlan> subqueries;
  /** The scopes of the statement's list comprehensions and quantifiers ({@link Checker}); shared likewise. */
  final Map<Expr, Scope> localScopes;

  Evaluator(TraceGraph graph, TextResolver text, VectorRecall vectors, String source, Scope scope,
      Map<String, Object> rawParams, Deadline deadline) {
    this(graph, text, vectors, source, scope, rawParams == null ? Map.of() : rawParams, new HashMap<>(), deadline,
        new BuiltValues(), new IdentityHashMap<>(), new IdentityHashMap<>());
  }

  private Evaluator(TraceGraph graph, TextResolver text, VectorRecall vectors, String source, Scope scope,
      Map<String, Object> rawParams, Map<String, Object> params, Deadline deadline, BuiltValues built,
      Map<Expr.Subquery, SubqueryPlan> subqueries, Map<Expr, Scope> localScopes) {
    this.graph = graph;
    this.text = text;
    this.vectors = vectors;
    this.source = source;
    this.scope = scope;
    this.rawParams = rawParams;
    this.params = params;
    this.deadline = deadline;
    this.built = built;
    this.subqueries = subqueries;
    this.localScopes = localScopes;
  }

  /**
   * This evaluator over another scope's rows (sharing the parameters read so far, the deadline and the count of
   * values built).
   */
  Evaluator withScope(Scope other) {
    return new Evaluator(graph, text, vectors, source, other, rawParams, params, deadline, built, subqueries,
        localScopes);
  }

  /** The count of values built to {@link #release} back to once what is built from now on is dropped. */
  long mark() {
    return built.mark();
  }

  /** Drops what the statement's expressions built since {@code mark} (an operator's row went through). */
  void release(long mark) {
    built.release(mark);
  }

  /**
   * Counts {@code values} an expression builds ({@link BuiltValues}), before it builds them where it knows how many;
   * throws past the statement's bound.
   */
  void build(long values, int pos) {
    if (!built.add(values)) {
      throw tooMuchBuilt(pos);
    }
  }

  /** Counts what a new string holds ({@link Values#weight}); returns it. */
  String built(String s, int pos) {
    build(Values.weight(s), pos);
    return s;
  }

  /**
   * Drops what was built since {@code mark} but what {@code kept} may hold of it: no more than was built, and no
   * more than it weighs. Anything else it holds was built before the mark and is counted there still.
   */
  void keepOnly(long mark, Object kept, int pos) {
    long since = built.since(mark);
    built.release(mark);
    build(Math.min(since, Values.weight(kept, since)), pos);
  }

  /**
   * Keeps {@code value} as an element of a list a subquery collects: as {@link #keepOnly}, then
   * pinned ({@link BuiltValues#pin}) so that the subquery's operators, releasing their rows, leave it counted.
   * Returns how much was pinned.
   */
  long collect(long mark, Object value, int pos) {
    keepOnly(mark, value, pos);
    long values = built.since(mark);
    built.pin(values);
    return values;
  }

  /** Moves {@code values} pinned back onto the stack: a collected list, now the value of its expression. */
  void unpin(long values) {
    built.unpin(values);
  }

  private QueryException tooMuchBuilt(int pos) {
    return error(pos, "expressions too large: more than " + BuiltValues.MAX_BUILT + " values built and held at once"
        + " (the lists, strings and maps a statement's expressions build); build smaller lists and strings");
  }

  /** Counts one step of the statement's work (a node scanned, an edge looked at); throws past its time limit. */
  void step() {
    if (deadline.passed()) {
      throw pastTimeLimit();
    }
  }

  /**
   * Counts a step per element of {@code v} if it is a list or a map, and per 16 characters if it is a string (as a
   * string is weighed), since an operator or a function on it goes through it whole, or built it so; throws past the
   * time limit. Without it one step could hide a pass over millions of elements or characters: {@code -1 IN l} for
   * each of a thousand rows, or {@code big CONTAINS 'b'} for each of 200, ran for seconds past a limit of 100 ms.
   */
  void stepThrough(Object v) {
    long n = switch (v) {
      case List<?> l -> l.size();
      case Map<?, ?> m -> m.size();
      case String s -> s.length() / 16;
      case null, default -> 0;
    };
    if (n > 0 && deadline.passed(n)) {
      throw pastTimeLimit();
    }
  }

  /** After work that costs far more than a step (a search of the vector index): throws past the time limit. */
  void stepped() {
    if (deadline.passedNow()) {
      throw pastTimeLimit();
    }
  }

  private QueryException pastTimeLimit() {
    return new QueryException(source, 0, "the statement ran past its time limit of " + deadline.limit().toMillis()
        + " ms (AeonOptions.withQueryTimeLimit): bound its variable-length patterns, or start from fewer nodes");
  }

  QueryException error(int pos, String reason) {
    return new QueryException(source, pos, reason);
  }

  /** Whether the predicate is true (null and false both reject the row). */
  boolean test(Expr e, Object[] row) {
    Object v = eval(e, row, null);
    if (v == null || v instanceof Boolean) {
      return Boolean.TRUE.equals(v);
    }
    throw error(e.pos(), "expected a boolean condition but got " + Values.typeName(v));
  }

  /** {@link #test}, then drops what the predicate built: its value, a boolean, holds none of it. */
  boolean testAndRelease(Expr e, Object[] row) {
    long mark = mark();
    boolean passes = test(e, row);
    release(mark);
    return passes;
  }

  Object eval(Expr e, Object[] row) {
    return eval(e, row, null);
  }

  /** {@code aggregates} holds the values of aggregate calls (RETURN only), else null. */
  Object eval(Expr e, Object[] row, Map<Expr.Call, Object> aggregates) {
    return switch (e) {
      case Expr.Literal l -> l.value();
      case Expr.Param p -> param(p);
      case Expr.Var v -> row[scope.indexOf(v.name())];
      case Expr.Property p -> property(eval(p.target(), row, aggregates), p.key(), p.pos());
      case Expr.Index i -> index(eval(i.target(), row, aggregates), eval(i.index(), row, aggregates), i.pos());
      case Expr.Binary b -> binary(b, row, aggregates);
      case Expr.Not n -> {
        Object v = eval(n.operand(), row, aggregates);
        yield v == null ? null : !bool(v, n.pos(), "NOT");
      }
      case Expr.Negate n -> Arithmetic.negate(this, eval(n.operand(), row, aggregates), n.pos());
      case Expr.IsNull n -> (eval(n.operand(), row, aggregates) == null) != n.negated();
      case Expr.Between b -> {
        Object v = eval(b.operand(), row, aggregates);
        Boolean lo = Logic.compare(this, Expr.Op.GE, v, eval(b.low(), row, aggregates), b.pos());
        Boolean hi = Logic.compare(this, Expr.Op.LE, v, eval(b.high(), row, aggregates), b.pos());
        yield Logic.and(lo, hi);
      }
      case Expr.Call c -> call(c, row, aggregates);
      case Expr.ListLit l -> {
        build(1 + l.items().size(), l.pos());
        List<Object> out = new ArrayList<>(l.items().size());
        for (Expr x : l.items()) {
          out.add(eval(x, row, aggregates));
        }
        yield out;
      }
      case Expr.MapLit m -> {
        build(1 + 2L * m.entries().size(), m.pos());
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, x) -> out.put(k, eval(x, row, aggregates)));
        yield out;
      }
      case Expr.Case c -> caseValue(c, row, aggregates);
      case Expr.Subquery q -> subqueries.get(q).evaluate(row);
      case Expr.Comprehension c -> comprehension(c, row, aggregates);
      case Expr.Quantifier q -> quantifier(q, row, aggregates);
      case Expr.Reduce r -> reduce(r, row, aggregates);
    };
  }

  /** The accumulator after every element; null for a null list. */
  private Object reduce(Expr.Reduce r, Object[] row, Map<Expr.Call, Object> aggregates) {
    Object acc = eval(r.init(), row, aggregates);
    List<?> list = listOf(r.list(), row, aggregates, "reduce()");
    if (list == null) {
      return null;
    }
    Local local = local(r, row);
    long mark = mark();
    for (Object x : list) {
      step();
      local.set(2, acc);
      local.set(1, x);
      acc = local.eval(r.step());
      // the accumulators before this one are dropped, but what this one holds of them
      keepOnly(mark, acc, r.pos());
    }
    return acc;
  }

  /** The row the parts of an expression with local variables read: the enclosing row, then the locals, last. */
  private record Local(Evaluator inside, Object[] row) {

    /** Sets the local {@code fromLast} places from the end (1: the last). */
    void set(int fromLast, Object value) {
      row[row.length - fromLast] = value;
    }

    Object eval(Expr e) {
      return inside.eval(e, row);
    }
  }

  private Local local(Expr e, Object[] row) {
    Scope scope = localScopes.get(e);
    return new Local(withScope(scope), Arrays.copyOf(row, scope.size()));
  }

  /** The list a comprehension or quantifier reads, or null. */
  private List<?> listOf(Expr list, Object[] row, Map<Expr.Call, Object> aggregates, String what) {
    Object v = eval(list, row, aggregates);
    if (v == null || v instanceof List<?>) {
      return (List<?>) v;
    }
    throw error(list.pos(), what + " needs a list after IN but got " + Values.typeName(v));
  }

  private Object comprehension(Expr.Comprehension c, Object[] row, Map<Expr.Call, Object> aggregates) {
    long start = mark();
    List<?> list = listOf(c.list(), row, aggregates, "a list comprehension");
    if (list == null) {
      return null;
    }
    Local local = local(c, row);
    BoundedList out = new BoundedList();
    for (Object x : list) {
      step();
      long mark = mark();
      local.set(1, x);
      if (c.where() != null && !local.inside().test(c.where(), local.row())) {
        release(mark);
        continue;
      }
      build(1, c.pos()); // its place in the list
      Object v = c.map() == null ? x : local.eval(c.map());
      keepOnly(mark, v, c.pos());
      if (!out.add(v)) {
        throw error(c.pos(), "a list comprehension would make a list of more than " + Arithmetic.MAX_CONCATENATED
            + " values");
      }
    }
    keepOnly(start, out.values(), c.pos()); // the list gone through is dropped, but what the new one holds of it
    return out.values();
  }

  /**
   * Three-valued, as a chain of OR (any, none) or AND (all) would be: a null element's condition makes the result
   * null unless the others decide it. Stops once decided, so a later element's condition is not evaluated.
   */
  private Object quantifier(Expr.Quantifier q, Object[] row, Map<Expr.Call, Object> aggregates) {
    List<?> list = listOf(q.list(), row, aggregates, q.kind() + "()");
    if (list == null) {
      return null;
    }
    Local local = local(q, row);
    int trues = 0;
    int falses = 0;
    int nulls = 0;
    for (Object x : list) {
      step();
      long mark = mark();
      local.set(1, x);
      Object v = local.eval(q.where());
      release(mark); // a condition's value holds nothing it built
      switch (v) {
        case null -> nulls++;
        case Boolean b when b -> trues++;
        case Boolean b -> falses++;
        default -> throw error(q.where().pos(), q.kind() + "() needs a boolean condition but got "
            + Values.typeName(v));
      }
      boolean decided = switch (q.kind()) {
        case "all" -> falses > 0;
        case "single" -> trues > 1;
        default -> trues > 0;
      };
      if (decided) {
        break;
      }
    }
    return switch (q.kind()) {
      case "any" -> trues > 0 ? Boolean.TRUE : nulls > 0 ? null : Boolean.FALSE;
      case "none" -> trues > 0 ? Boolean.FALSE : nulls > 0 ? null : Boolean.TRUE;
      case "all" -> falses > 0 ? Boolean.FALSE : nulls > 0 ? null : Boolean.TRUE;
      default -> trues > 1 ? Boolean.FALSE : nulls > 0 ? null : (Boolean) (trues == 1);
    };
  }

  /** The THEN of the first WHEN that holds (is true, or equals the tested value), else ELSE or null. */
  private Object caseValue(Expr.Case c, Object[] row, Map<Expr.Call, Object> aggregates) {
    Object test = c.test() == null ? null : eval(c.test(), row, aggregates);
    for (int i = 0; i < c.whens().size(); i++) {
      Expr when = c.whens().get(i);
      Object w = eval(when, row, aggregates);
      boolean holds;
      if (c.test() != null) {
        holds = Boolean.TRUE.equals(Values.equal(test, w, visits));
      } else if (w == null || w instanceof Boolean) {
        holds = Boolean.TRUE.equals(w);
      } else {
        throw error(when.pos(), "CASE WHEN needs a boolean condition but got " + Values.typeName(w));
      }
      if (holds) {
        return eval(c.thens().get(i), row, aggregates);
      }
    }
    return c.otherwise() == null ? null : eval(c.otherwise(), row, aggregates);
  }

  /** Whether the caller passed parameter {@code name} (possibly as null). */
  boolean hasParam(String name) {
    return rawParams.containsKey(name);
  }

  Object param(Expr.Param p) {
    Object v = params.get(p.name());
    if (v != null || params.containsKey(p.name())) {
      return v;
    }
    if (!rawParams.containsKey(p.name())) {
      throw error(p.pos(), "missing parameter $" + p.name());
    }
    Object raw = rawParams.get(p.name());
    String[] unsupported = {null};
    try {
      v = Values.fromExternal(raw, unsupported);
    } catch (ArithmeticException e) {
      throw error(p.pos(), "parameter $" + p.name() + " holds a timestamp outside the range of epoch microseconds");
    } catch (IllegalArgumentException e) {
      throw error(p.pos(), "parameter $" + p.name() + " holds " + e.getMessage());
    }
    if (unsupported[0] != null) {
      String inside = raw instanceof Collection<?> || raw instanceof Map<?, ?> ? " inside its "
          + JavaValues.typeName(raw) : "";
      throw error(p.pos(), "parameter $" + p.name() + " has unsupported " + unsupported[0] + inside
          + " (use String, Long, Double, Boolean, Instant, float[], List or Map, with String keys)");
    }
    params.put(p.name(), v);
    return v;
  }

  boolean bool(Object v, int pos, String op) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw error(pos, op + " needs booleans but got " + Values.typeName(v));
  }

  private Object binary(Expr.Binary b, Object[] row, Map<Expr.Call, Object> aggregates) {
    Expr.Op op = b.op();
    Object l = eval(b.left(), row, aggregates);
    if (op == Expr.Op.AND || op == Expr.Op.OR || op == Expr.Op.XOR) {
      Boolean x = l == null ? null : bool(l, b.pos(), op.symbol);
      if (op == Expr.Op.AND && Boolean.FALSE.equals(x)) {
        return false;
      }
      if (op == Expr.Op.OR && Boolean.TRUE.equals(x)) {
        return true;
      }
      Object r = eval(b.right(), row, aggregates);
      Boolean y = r == null ? null : bool(r, b.pos(), op.symbol);
      return switch (op) {
        case AND -> Logic.and(x, y);
        case OR -> Logic.or(x, y);
        default -> x == null || y == null ? null : x ^ y;
      };
    }
    Object r = eval(b.right(), row, aggregates);
    stepThrough(l);
    stepThrough(r);
    return switch (op) {
      case EQ -> Values.equal(l, r, visits);
      case NEQ -> {
        Boolean eq = Values.equal(l, r, visits);
        yield eq == null ? null : !eq;
      }
      case LT, LE, GT, GE -> Logic.compare(this, op, l, r, b.pos());
      case IN -> Logic.in(this, l, r, b.pos());
      case CONTAINS, STARTS_WITH, ENDS_WITH -> Logic.stringMatch(this, op, l, r, b.pos());
      default -> Arithmetic.apply(this, op, l, r, b.pos());
    };
  }

  Object property(Object target, String key, int pos) {
    return switch (target) {
      case null -> null;
      case NodeRef n -> key.equals("text") ? built((String) nodeProperty(n.slot(), key), pos)
          : nodeProperty(n.slot(), key); // a text is read anew, at every read
      case RelRef r -> switch (key) {
        case "type" -> graph.string(r.type());
        case "valid_from" -> r.validFrom();
        case "valid_to" -> r.validTo();
        default -> null;
      };
      case Map<?, ?> m -> m.get(key);
      default -> throw error(pos, "cannot read property '" + key + "' of " + Values.typeName(target));
    };
  }

  /**
   * A property of the event at {@code slot}; null (all but its id) once it is forgotten, also in a row that bound it
   * before: checked after the read, so a forget that came meanwhile (which may have emptied its attributes) is seen.
   */
  Object nodeProperty(int slot, String key) {
    Object value = storedProperty(slot, key);
    return key.equals("id") || graph.isLive(slot) ? value : null;
  }

  private Object storedProperty(int slot, String key) {
    return switch (key) {
      case "id" -> graph.id(slot);
      case "session" -> graph.session(slot);
      case "role" -> graph.role(slot);
      case "ts" -> graph.ts(slot);
      case "text" -> text.text(graph.blobRef(slot));
      case "vector_id" -> {
        long v = graph.vectorId(slot);
        yield v < 0 ? null : v;
      }
      default -> Values.fromAttribute(graph.attributes(slot).get(key));
    };
  }

  private Object index(Object target, Object idx, int pos) {
    if (target == null || idx == null) {
      return null;
    }
    if (target instanceof List<?> list && idx instanceof Long i) {
      long k = i < 0 ? list.size() + i : i;
      return k >= 0 && k < list.size() ? list.get((int) k) : null;
    }
    if (target instanceof Map<?, ?> || target instanceof NodeRef || target instanceof RelRef) {
      if (idx instanceof String key) {
        return property(target, key, pos);
      }
    }
    throw error(pos, "cannot index " + Values.typeName(target) + " with " + Values.typeName(idx));
  }

  private Object call(Expr.Call c, Object[] row, Map<Expr.Call, Object> aggregates) {
    if (Expr.isAggregate(c.name())) {
      if (aggregates == null || !aggregates.containsKey(c)) {
        throw error(c.pos(), "aggregate function " + c.name()
            + " is only allowed in the columns and ORDER BY of RETURN and WITH");
      }
      return aggregates.get(c);
    }
    long mark = mark();
    List<Object> args = new ArrayList<>(c.args().size());
    for (Expr a : c.args()) {
      Object arg = eval(a, row, aggregates);
      stepThrough(arg);
      args.add(arg);
    }
    Object result = Functions.call(this, c, args);
    stepThrough(result);
    keepOnly(mark, result, c.pos()); // the arguments are dropped, but what the result holds of them: size(range(...))
    return result;
  }
}
