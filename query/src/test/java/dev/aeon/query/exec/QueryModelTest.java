package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aeon.query.lang.QueryException;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import dev.aeon.query.trace.VectorRecall;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated statements over a random trace (extreme and equal timestamps, attributes of every type,
 * edges with validity intervals, invalidated and forgotten ones) against a brute-force evaluation of the
 * documented semantics. Rerun a failure with -Daeon.test.seed=SEED; -Daeon.query.statements=N runs more than 400.
 */
class QueryModelTest {

  /** Sessions; {@link #IN_ORDER} is appended in time order (ties included), as a conversation is. */
  static final String[] SESSIONS = {"s0", "s1", "s2", "s3", "s4"};
  static final String IN_ORDER = "s4";
  static final String[] ROLES = {"user", "assistant", "tool", "summary"};
  static final String[] TYPES = {"T1", "T2", "T3"};
  static final long[] TS = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -5, 0, 1, 7, 7, 7, 1_700_000_000_000_000L,
      9_007_199_254_740_993L, Long.MAX_VALUE - 1, Long.MAX_VALUE};

  @TempDir Path dir;
  final long seed = Long.getLong("aeon.test.seed", System.nanoTime());
  final Random rnd = new Random(seed);
  final List<Ev> events = new ArrayList<>();
  final List<Ed> edges = new ArrayList<>();
  final Map<Long, String> texts = new HashMap<>();
  final ExactVectors vectors = new ExactVectors();
  Trace trace;
  int statements;

  static final class Ev {
    long id;
    String session;
    String role;
    long ts;
    Map<String, Object> attrs = new HashMap<>(); // as the language sees them (Instant as micros)
    boolean forgotten;
    float[] vector;
  }

  static final class Ed {
    final int index;
    final String type;
    final long from;
    final long to;
    final long vf;
    long vt;
    boolean removed;

    Ed(int index, String type, long from, long to, long vf, long vt) {
      this.index = index;
      this.type = type;
      this.from = from;
      this.to = to;
      this.vf = vf;
      this.vt = vt;
    }

    /** Valid at {@code asOf}, or for null (no AS OF) not ended. */
    boolean validAt(Long asOf) {
      return !removed && (asOf == null ? vt == Edge.OPEN : vf <= asOf && (asOf < vt || vt == Edge.OPEN));
    }
  }

  /** A relationship of the model: a stored edge (index >= 0) or a NEXT (index -1). */
  record Rel(int index, String type, long from, long to, long vf, long vt) {}

  @Test
  void generatedStatementsMatchABruteForceEvaluation() throws IOException {
    System.out.println("QueryModelTest seed " + seed + " (rerun with -Daeon.test.seed=" + seed + ")");
    trace = Trace.open(dir, texts::get, vectors);
    try {
      build();
      index();
      for (int i = 0; i < Integer.getInteger("aeon.query.statements", 400); i++) {
        int kind = rnd.nextInt(11);
        switch (kind) {
          case 0 -> nodeQuery();
          case 1 -> orderedQuery();
          case 2 -> oneHop();
          case 3 -> twoPatterns();
          case 4 -> varLength();
          case 5 -> aggregate();
          case 6 -> optional();
          case 7 -> correlated();
          case 8 -> withGroups();
          case 9 -> withNodes();
          default -> vectorQuery();
        }
      }
      System.out.println("QueryModelTest ran " + statements + " statements");
    } finally {
      trace.close();
    }
  }

  // ------------------------------------------------------------------------------------ the trace

  private void build() {
    long id = 1;
    long inOrderTs = rnd.nextLong(-1000, 1000);
    for (int i = 0; i < 300; i++) {
      Ev e = new Ev();
      e.id = id;
      id += 1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(1000) : 0);
      e.session = pick(SESSIONS);
      e.role = pick(ROLES);
      e.ts = rnd.nextInt(3) == 0 ? TS[rnd.nextInt(TS.length)] : rnd.nextLong(-1000, 1000);
      if (e.session.equals(IN_ORDER)) {
        inOrderTs += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1, 50);
        e.ts = inOrderTs;
      }
      Map<String, Object> stored = new HashMap<>();
      if (rnd.nextInt(4) != 0) {
        long k = rnd.nextInt(10) == 0 ? (rnd.nextBoolean() ? 9_007_199_254_740_993L : -4_000_000_000L)
            : rnd.nextInt(-20, 20);
        stored.put("k", k);
        e.attrs.put("k", k);
      }
      if (rnd.nextInt(3) != 0) {
        double f = new double[] {-1.5, -0.0, 0.0, 0.5, 2.0, 7.0, 9_007_199_254_740_992.0, 1e300}[rnd.nextInt(8)];
        stored.put("f", f);
        e.attrs.put("f", f);
      }
      if (rnd.nextInt(3) != 0) {
        String s = new String[] {"", "a", "ab", "abc", "b", "ba", "Ab"}[rnd.nextInt(7)];
        stored.put("s", s);
        e.attrs.put("s", s);
      }
      if (rnd.nextInt(3) != 0) {
        boolean b = rnd.nextBoolean();
        stored.put("b", b);
        e.attrs.put("b", b);
      }
      if (rnd.nextInt(3) != 0) {
        Instant t = Instant.ofEpochSecond(rnd.nextLong(-5, 5), rnd.nextInt(3) * 1000);
        stored.put("when", t);
        e.attrs.put("when", t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
      }
      if (rnd.nextInt(4) != 0) {
        e.vector = new float[] {rnd.nextInt(5) - 2, rnd.nextInt(5) - 2, rnd.nextInt(3) + 1};
        vectors.put(e.id, e.vector);
      }
      texts.put(e.id, "text " + e.id);
      events.add(e);
      trace.append(new Event(e.id, e.session, e.role, e.ts, e.id, e.vector == null ? Event.NO_VECTOR : e.id, stored));
    }
    for (int i = 0; i < 250; i++) {
      Ev a = events.get(rnd.nextInt(events.size()));
      Ev b = rnd.nextInt(20) == 0 ? a : events.get(rnd.nextInt(events.size()));
      long vf = rnd.nextBoolean() ? Edge.SINCE_EVER : rnd.nextLong(-100, 100);
      long vt = rnd.nextInt(4) == 0 ? vf + 1 + rnd.nextInt(100) : Edge.OPEN;
      String type = pick(TYPES);
      edges.add(new Ed(edges.size(), type, a.id, b.id, vf, vt));
      trace.addEdge(type, a.id, b.id, vf, vt);
    }
    for (int i = 0; i < 40; i++) {
      Ed x = edges.get(rnd.nextInt(edges.size()));
      long at = rnd.nextLong(-100, 100);
      for (Ed y : edges) {
        if (y.vt == Edge.OPEN && y.type.equals(x.type) && y.from == x.from && y.to == x.to) {
          y.vt = at;
        }
      }
      trace.invalidateEdges(x.type, x.from, x.to, at);
    }
    for (int i = 0; i < 25; i++) {
      Ev e = events.get(rnd.nextInt(events.size()));
      if (!e.forgotten) {
        e.forgotten = true;
        vectors.vectors.remove(e.id);
        edges.stream().filter(x -> x.from == e.id || x.to == e.id).forEach(x -> x.removed = true);
        trace.forget(e.id);
      }
    }
  }

  /** The trace does not change once built: its live events, each by id, and the NEXT links. */
  List<Ev> live;
  final Map<Long, Ev> byId = new HashMap<>();
  final Map<Ev, Ev> next = new HashMap<>();
  final Map<Ev, Ev> previous = new HashMap<>();

  private void index() {
    live = events.stream().filter(e -> !e.forgotten).toList();
    Map<String, Ev> last = new HashMap<>();
    for (Ev e : live) {
      byId.put(e.id, e);
      Ev p = last.put(e.session, e);
      if (p != null) {
        next.put(p, e);
        previous.put(e, p);
      }
    }
  }

  private List<Ev> live() {
    return live;
  }

  private Ev ev(long id) {
    return byId.get(id);
  }

  /** The relationships of {@code e} in a direction ("out", "in", "both") of the allowed types (null: any). */
  private List<Rel> rels(Ev e, String dir, List<String> types, Long asOf) {
    List<Rel> out = new ArrayList<>();
    boolean withNext = types == null || types.contains("NEXT");
    if (!dir.equals("in")) {
      if (withNext && next.containsKey(e)) {
        out.add(new Rel(-1, "NEXT", e.id, next.get(e).id, Edge.SINCE_EVER, Edge.OPEN));
      }
      for (Ed x : edges) {
        if (x.from == e.id && x.validAt(asOf) && (types == null || types.contains(x.type))) {
          out.add(new Rel(x.index, x.type, x.from, x.to, x.vf, x.vt));
        }
      }
    }
    if (!dir.equals("out")) {
      if (withNext && previous.containsKey(e)) {
        out.add(new Rel(-1, "NEXT", previous.get(e).id, e.id, Edge.SINCE_EVER, Edge.OPEN));
      }
      for (Ed x : edges) {
        boolean loopSeen = dir.equals("both") && x.from == x.to;
        if (x.to == e.id && !loopSeen && x.validAt(asOf) && (types == null || types.contains(x.type))) {
          out.add(new Rel(x.index, x.type, x.from, x.to, x.vf, x.vt));
        }
      }
    }
    return out;
  }

  private static long other(Rel r, long id) {
    return r.from == id ? r.to : r.from;
  }

  // ------------------------------------------------------------------------------- conditions

  /** A generated condition: its text and its three-valued value for a binding of variables. */
  record Cond(String text, Function<Map<String, Ev>, Boolean> eval) {}

  /** A generated operand: its text and its value. */
  record Operand(String text, Function<Map<String, Ev>, Object> eval) {}

  final Map<String, Object> params = new LinkedHashMap<>();

  private Operand literal(Object v) {
    if (rnd.nextInt(4) == 0) {
      String name = "p" + params.size();
      params.put(name, v instanceof Long l && rnd.nextBoolean() && l > -1_000_000_000_000L && l < 1_000_000_000_000L
          ? Instant.ofEpochSecond(Math.floorDiv(l, 1_000_000L), Math.floorMod(l, 1_000_000L) * 1000L) : v);
      return new Operand("$" + name, b -> v);
    }
    String text = switch (v) {
      case null -> "null";
      case String s -> "'" + s + "'";
      case Double d -> Double.toString(d);
      default -> String.valueOf(v);
    };
    return new Operand(text, b -> v);
  }

  private Operand property(String var, String key) {
    return new Operand(var + "." + key, b -> value(b.get(var), key));
  }

  private static Object value(Ev e, String key) {
    if (e == null) {
      return null;
    }
    return switch (key) {
      case "id" -> e.id;
      case "ts" -> e.ts;
      case "session" -> e.session;
      case "role" -> e.role;
      default -> e.attrs.get(key);
    };
  }

  private Object numberLiteral(String key) {
    return switch (key) {
      case "ts" -> rnd.nextInt(3) == 0 ? TS[rnd.nextInt(TS.length)] : rnd.nextBoolean() ? (Object) rnd.nextLong(-1000,
          1000)
          : new double[] {7.0, 7.5, -5.5, 9.007199254740992E15, 9.223372036854776E18, -9.223372036854776E18,
              1e300}[rnd.nextInt(7)];
      case "id" -> rnd.nextBoolean() ? (Object) (long) rnd.nextInt(1, 2000) : (Object) (rnd.nextInt(1, 2000)
          + (rnd.nextBoolean() ? 0.0 : 0.5));
      case "when" -> rnd.nextLong(-5_000_001, 5_000_001);
      default -> rnd.nextBoolean() ? (Object) (long) rnd.nextInt(-20, 20)
          : new double[] {-1.5, -0.0, 0.0, 0.5, 2.0, 7.0, 9_007_199_254_740_992.0, 1e300}[rnd.nextInt(8)];
    };
  }

  private Cond atom(List<String> vars) {
    String v = vars.get(rnd.nextInt(vars.size()));
    int kind = rnd.nextInt(14);
    switch (kind) {
      case 0, 1, 2 -> {
        String key = pick(new String[] {"k", "f", "ts", "id", "when", "ts"});
        String op = pick(new String[] {"=", "<>", "<", "<=", ">", ">="});
        Operand l = property(v, key);
        Operand r = literal(numberLiteral(key));
        return rnd.nextBoolean() ? compare(l, op, r) : compare(r, flip(op), l);
      }
      case 3 -> {
        Operand l = property(v, "ts");
        Operand lo = literal(numberLiteral("ts"));
        Operand hi = literal(numberLiteral("ts"));
        return new Cond(l.text + " BETWEEN " + lo.text + " AND " + hi.text, b -> and(cmp(">=", l.eval.apply(b),
            lo.eval.apply(b)), cmp("<=", l.eval.apply(b), hi.eval.apply(b))));
      }
      case 4 -> {
        String op = pick(new String[] {"STARTS WITH", "ENDS WITH", "CONTAINS"});
        Operand l = property(v, "s");
        Operand r = literal(pick(new String[] {"", "a", "b", "A"}));
        return new Cond(l.text + " " + op + " " + r.text, b -> {
          Object x = l.eval.apply(b);
          Object y = r.eval.apply(b);
          if (x == null || y == null) {
            return null;
          }
          String s = (String) x;
          String t = (String) y;
          return op.equals("CONTAINS") ? s.contains(t) : op.startsWith("STARTS") ? s.startsWith(t) : s.endsWith(t);
        });
      }
      case 5 -> {
        String key = pick(new String[] {"k", "s", "b", "missing", "f"});
        boolean not = rnd.nextBoolean();
        return new Cond(v + "." + key + (not ? " IS NOT NULL" : " IS NULL"), b ->
            (value(b.get(v), key) == null) != not);
      }
      case 6 -> {
        Operand l = property(v, "b");
        return rnd.nextBoolean() ? new Cond(l.text, b -> (Boolean) l.eval.apply(b))
            : compare(l, pick(new String[] {"=", "<>"}), literal(rnd.nextBoolean()));
      }
      case 7 -> {
        List<Object> list = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          list.add(rnd.nextInt(5) == 0 ? null : rnd.nextBoolean() ? (Object) (long) rnd.nextInt(-3, 3)
              : (Object) (rnd.nextInt(-3, 3) + 0.0));
        }
        Operand l = property(v, "k");
        String text = "[" + String.join(", ", list.stream().map(x -> x instanceof Double d ? Double.toString(d)
            : String.valueOf(x)).toList()) + "]";
        return new Cond(l.text + " IN " + text, b -> {
          Object x = l.eval.apply(b);
          boolean unknown = false;
          for (Object o : list) {
            Boolean e = eq(x, o);
            if (Boolean.TRUE.equals(e)) {
              return true;
            }
            unknown |= e == null;
          }
          return unknown ? null : false;
        });
      }
      case 8 -> {
        String key = pick(new String[] {"role", "session"});
        Operand r = literal(key.equals("role") ? pick(ROLES) : pick(SESSIONS));
        return compare(property(v, key), pick(new String[] {"=", "<>"}), r);
      }
      case 9 -> {
        // values of different types are never equal
        return compare(property(v, pick(new String[] {"s", "k", "b"})), pick(new String[] {"=", "<>"}),
            literal(pick(new Object[] {"1", 1L, true})));
      }
      case 10 -> {
        if (vars.size() > 1) {
          String w = vars.get(rnd.nextInt(vars.size()));
          String key = pick(new String[] {"ts", "k", "f", "session"});
          return compare(property(v, key), pick(new String[] {"=", "<>", "<", ">="}), property(w, key));
        }
        return new Cond("(" + v + ".id % 3 = 0)", b -> b.get(v).id % 3 == 0);
      }
      case 12 -> {
        return overAList(vars);
      }
      case 13 -> {
        return listComparison(vars);
      }
      case 11 -> {
        if (subqueryDepth < 2) {
          return subquery(v, vars);
        }
        return new Cond("true", b -> true);
      }
      default -> {
        return new Cond("true", b -> true);
      }
    }
  }

  /**
   * A quantifier, the size of a list comprehension or a count by reduce(), over a list of numeric properties of the
   * variables (nulls included) and literals: {@code any(x IN [a.k, b.ts, 3] WHERE x > 2)},
   * {@code size([x IN [...] WHERE ...]) >= 1}.
   */
  private Cond overAList(List<String> vars) {
    List<Operand> items = new ArrayList<>();
    for (int i = rnd.nextInt(4); i >= 0; i--) {
      String key = pick(new String[] {"k", "f", "ts", "id", "when"});
      items.add(rnd.nextInt(4) == 0 ? literal(numberLiteral(key)) : property(vars.get(rnd.nextInt(vars.size())), key));
    }
    String op = pick(new String[] {"=", "<>", "<", ">="});
    Operand bound = literal(numberLiteral("k"));
    String list = "[" + String.join(", ", items.stream().map(Operand::text).toList()) + "]";
    String where = "x " + op + " " + bound.text;
    List<Cond> each = items.stream().map(o -> compare(o, op, bound)).toList();
    Function<Map<String, Ev>, List<Boolean>> tests = b -> each.stream().map(c -> c.eval.apply(b)).toList();
    String kind = pick(new String[] {"any", "all", "none", "single", "size", "reduce"});
    if (kind.equals("size") || kind.equals("reduce")) {
      long n = rnd.nextInt(3);
      String counted = kind.equals("size") ? "size([x IN " + list + " WHERE " + where + " | x])"
          : "reduce(n = 0, x IN " + list + " | n + CASE WHEN " + where + " THEN 1 ELSE 0 END)";
      return new Cond(counted + " >= " + n, b -> tests.apply(b).stream().filter(Boolean.TRUE::equals).count() >= n);
    }
    return new Cond(kind + "(x IN " + list + " WHERE " + where + ")", b -> {
      List<Boolean> t = tests.apply(b);
      long trues = t.stream().filter(Boolean.TRUE::equals).count();
      long falses = t.stream().filter(Boolean.FALSE::equals).count();
      boolean nulls = t.contains(null);
      return switch (kind) {
        case "any" -> trues > 0 ? Boolean.TRUE : nulls ? null : Boolean.FALSE;
        case "none" -> trues > 0 ? Boolean.FALSE : nulls ? null : Boolean.TRUE;
        case "all" -> falses > 0 ? Boolean.FALSE : nulls ? null : Boolean.TRUE;
        default -> trues > 1 ? Boolean.FALSE : nulls ? null : (Boolean) (trues == 1);
      };
    });
  }

  /**
   * Two lists of numeric properties of the variables (nulls included) and literals compared with {@code <} and the
   * like, or a list parameter: {@code [a.k, 3] < [b.f, a.ts]}, decided by the first pair that differs.
   */
  private Cond listComparison(List<String> vars) {
    List<Operand> left = numbers(vars);
    List<Operand> right = numbers(vars);
    String op = pick(new String[] {"<", "<=", ">", ">="});
    Function<List<Operand>, String> text = l -> "[" + String.join(", ", l.stream().map(Operand::text).toList()) + "]";
    Function<List<Operand>, Function<Map<String, Ev>, List<Object>>> values = l -> b -> l.stream()
        .map(o -> o.eval.apply(b)).toList();
    Function<Map<String, Ev>, List<Object>> l = values.apply(left);
    Function<Map<String, Ev>, List<Object>> r = values.apply(right);
    return new Cond(text.apply(left) + " " + op + " " + text.apply(right), b -> cmpLists(op, l.apply(b), r.apply(b)));
  }

  private List<Operand> numbers(List<String> vars) {
    List<Operand> items = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      String key = pick(new String[] {"k", "f", "ts", "id", "when"});
      items.add(rnd.nextInt(6) == 0 ? literal(null) : rnd.nextInt(3) == 0 ? literal(numberLiteral(key))
          : property(vars.get(rnd.nextInt(vars.size())), key));
    }
    return items;
  }

  /** Lists as openCypher orders them: the first pair that differs decides, null if it holds a null; a prefix first. */
  static Boolean cmpLists(String op, List<Object> a, List<Object> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      if (x == null || y == null) {
        return null;
      }
      int c = exact((Number) x).compareTo(exact((Number) y));
      if (c != 0) {
        return holds(op, c);
      }
    }
    return holds(op, Integer.compare(a.size(), b.size()));
  }

  private int subqueryDepth;
  private int subqueryVars;

  /**
   * {@code EXISTS { (v)-[...]-(q) WHERE ... }} or a comparison of {@code COUNT { ... }}: one hop from {@code v} to a
   * node of the subquery's own, whose WHERE may read {@code v}, the other variables, or hold a subquery itself.
   */
  private Cond subquery(String v, List<String> vars) {
    String q = "q" + subqueryVars++;
    NodeP node = node(q);
    RelP r = rel("", "");
    List<String> inner = new ArrayList<>(vars);
    inner.add(q);
    subqueryDepth++;
    Cond where = rnd.nextBoolean() ? null : condition(inner, 1);
    subqueryDepth--;
    AsOf asOf = asOf();
    String pattern = (rnd.nextBoolean() ? "MATCH " : "") + "(" + v + ")" + r.text + node.text + asOf.text
        + (where == null ? "" : " WHERE " + where.text);
    Function<Map<String, Ev>, Long> count = b -> {
      Ev e = b.get(v);
      long n = 0;
      for (Rel x : rels(e, r.dir, r.types, asOf.at)) {
        Ev f = ev(other(x, e.id));
        Map<String, Ev> withQ = new HashMap<>(b);
        withQ.put(q, f);
        if (node.test.apply(f) && (where == null || Boolean.TRUE.equals(where.eval.apply(withQ)))) {
          n++;
        }
      }
      return n;
    };
    return switch (rnd.nextInt(4)) {
      case 0 -> new Cond("EXISTS { " + pattern + " }", b -> count.apply(b) > 0);
      case 1 -> new Cond("NOT EXISTS { " + pattern + " }", b -> count.apply(b) == 0);
      case 2 -> {
        long n = rnd.nextInt(3);
        yield new Cond("size(COLLECT { " + pattern + " RETURN " + q + ".id }) >= " + n, b -> count.apply(b) >= n);
      }
      default -> {
        long n = rnd.nextInt(3);
        String op = pick(new String[] {"=", "<", ">="});
        yield new Cond("COUNT { " + pattern + " } " + op + " " + n, b -> op.equals("=") ? count.apply(b) == n
            : cmp(op, count.apply(b), n));
      }
    };
  }

  private Cond condition(List<String> vars, int depth) {
    int r = rnd.nextInt(depth > 2 ? 1 : 7);
    if (r < 2) {
      return atom(vars);
    }
    Cond a = condition(vars, depth + 1);
    return switch (r) {
      case 2 -> {
        Cond b = condition(vars, depth + 1);
        yield new Cond("(" + a.text + " AND " + b.text + ")", x -> and(a.eval.apply(x), b.eval.apply(x)));
      }
      case 3 -> {
        Cond b = condition(vars, depth + 1);
        yield new Cond("(" + a.text + " OR " + b.text + ")", x -> or(a.eval.apply(x), b.eval.apply(x)));
      }
      case 4 -> {
        Cond b = condition(vars, depth + 1);
        yield new Cond("(" + a.text + " XOR " + b.text + ")", x -> {
          Boolean p = a.eval.apply(x);
          Boolean q = b.eval.apply(x);
          return p == null || q == null ? null : p ^ q;
        });
      }
      case 5 -> new Cond("NOT " + a.text, x -> {
        Boolean p = a.eval.apply(x);
        return p == null ? null : !p;
      });
      default -> { // CASE: the THEN of a condition that is true, else the ELSE
        Cond b = condition(vars, depth + 1);
        Cond c = condition(vars, depth + 1);
        yield new Cond("CASE WHEN " + a.text + " THEN " + b.text + " ELSE " + c.text + " END",
            x -> Boolean.TRUE.equals(a.eval.apply(x)) ? b.eval.apply(x) : c.eval.apply(x));
      }
    };
  }

  /** A WHERE: top-level conjuncts (which the planner may turn into index scans). */
  private Cond where(List<String> vars) {
    Cond c = condition(vars, 0);
    for (int i = rnd.nextInt(3); i > 0; i--) {
      Cond d = rnd.nextBoolean() ? atom(vars) : condition(vars, 1);
      Cond prev = c;
      c = new Cond(prev.text + " AND " + d.text, x -> and(prev.eval.apply(x), d.eval.apply(x)));
    }
    return c;
  }

  private Cond compare(Operand l, String op, Operand r) {
    return new Cond(l.text + " " + op + " " + r.text, b -> {
      Object x = l.eval.apply(b);
      Object y = r.eval.apply(b);
      return switch (op) {
        case "=" -> eq(x, y);
        case "<>" -> {
          Boolean e = eq(x, y);
          yield e == null ? null : !e;
        }
        default -> cmp(op, x, y);
      };
    });
  }

  private static String flip(String op) {
    return switch (op) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      default -> op;
    };
  }

  static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a == null || b == null ? null : true;
  }

  static Boolean or(Boolean a, Boolean b) {
    if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
      return true;
    }
    return a == null || b == null ? null : false;
  }

  /** Equality as documented: null with null, numbers by exact value, other types never equal. */
  static Boolean eq(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return exact(x).compareTo(exact(y)) == 0;
    }
    return a.equals(b);
  }

  static BigDecimal exact(Number n) {
    return n instanceof Double d ? new BigDecimal(d) : BigDecimal.valueOf(n.longValue());
  }

  static Boolean cmp(String op, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    int c;
    if (a instanceof Number x && b instanceof Number y) {
      c = exact(x).compareTo(exact(y));
    } else if (a instanceof String x && b instanceof String y) {
      c = x.compareTo(y);
    } else if (a instanceof Boolean x && b instanceof Boolean y) {
      c = Boolean.compare(x, y);
    } else {
      throw new AssertionError("generated a comparison of " + a + " and " + b);
    }
    return holds(op, c);
  }

  private static boolean holds(String op, int c) {
    return switch (op) {
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  // ------------------------------------------------------------------------------ node patterns

  /** A node pattern's text and its test on an event. */
  record NodeP(String text, Function<Ev, Boolean> test) {}

  private NodeP node(String var) {
    String label = rnd.nextInt(3) == 0 ? pick(ROLES) : null;
    List<String> props = new ArrayList<>();
    List<Function<Ev, Boolean>> tests = new ArrayList<>();
    if (label != null) {
      tests.add(e -> e.role.equals(label));
    }
    if (rnd.nextInt(5) == 0) {
      Ev some = events.get(rnd.nextInt(events.size()));
      Operand o = literal(some.id);
      props.add("id: " + o.text);
      tests.add(e -> e.id == some.id);
    }
    if (rnd.nextInt(4) == 0) {
      String s = rnd.nextInt(10) == 0 ? "nope" : pick(SESSIONS);
      Operand o = literal(s);
      props.add("session: " + o.text);
      tests.add(e -> e.session.equals(s));
    }
    if (rnd.nextInt(6) == 0) {
      long k = rnd.nextInt(-3, 3);
      props.add("k: " + k);
      tests.add(e -> Boolean.TRUE.equals(eq(e.attrs.get("k"), k)));
    }
    String text = "(" + var + (label == null ? "" : ":" + label)
        + (props.isEmpty() ? "" : " {" + String.join(", ", props) + "}") + ")";
    return new NodeP(text, e -> tests.stream().allMatch(t -> t.apply(e)));
  }

  /** A relationship pattern: its text and what it follows. */
  record RelP(String text, String dir, List<String> types) {}

  private RelP rel(String var, String hops) {
    List<String> types = switch (rnd.nextInt(8)) {
      case 0, 1 -> null;
      case 2 -> List.of("NEXT");
      case 3 -> List.of(pick(TYPES));
      case 4 -> List.of("T1", "T2");
      case 5 -> List.of("NEXT", pick(TYPES));
      case 6 -> List.of("NOPE"); // a type never stored: only a path of no hops
      default -> List.of("NOPE", pick(TYPES));
    };
    String typeText = types == null ? "" : ":" + String.join("|", types);
    String inner = "[" + var + typeText + hops + "]";
    return switch (rnd.nextInt(3)) {
      case 0 -> new RelP("-" + inner + "->", "out", types);
      case 1 -> new RelP("<-" + inner + "-", "in", types);
      default -> new RelP("-" + inner + "-", "both", types);
    };
  }

  /** An AS OF clause (or none) and its time (null: none). */
  record AsOf(String text, Long at) {}

  private AsOf asOf() {
    if (rnd.nextBoolean()) {
      return new AsOf("", null);
    }
    // now and then the first and last instants AS OF takes (Long.MIN_VALUE is the current view)
    long t = rnd.nextInt(8) == 0 ? pick(new Long[] {Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE})
        : rnd.nextLong(-110, 110);
    return new AsOf(" AS OF " + literal(t).text, t);
  }

  // ---------------------------------------------------------------------------------- statements

  private void nodeQuery() {
    params.clear();
    NodeP a = node("a");
    Cond c = where(List.of("a"));
    List<List<Object>> expected = new ArrayList<>();
    for (Ev e : live()) {
      if (a.test.apply(e) && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e)))) {
        expected.add(List.of(e.id));
      }
    }
    check("MATCH " + a.text + " WHERE " + c.text + " RETURN a.id ORDER BY a.id", expected, false);
  }

  private void orderedQuery() {
    params.clear();
    NodeP a = node("a");
    Cond c = rnd.nextBoolean() ? where(List.of("a")) : new Cond("true", x -> true);
    String key = pick(new String[] {"ts", "k", "f", "s", "b", "when"});
    boolean desc = rnd.nextBoolean();
    long skip = rnd.nextInt(4) == 0 ? rnd.nextInt(20) : 0;
    long limit = rnd.nextInt(3) == 0 ? rnd.nextInt(30) : rnd.nextInt(4) == 0 ? Long.MAX_VALUE : -1;
    List<Ev> matched = new ArrayList<>();
    for (Ev e : live()) {
      if (a.test.apply(e) && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e)))) {
        matched.add(e);
      }
    }
    Comparator<Object> values = (x, y) -> {
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1; // nulls last
      }
      if (x instanceof Number p && y instanceof Number q) {
        return exact(p).compareTo(exact(q));
      }
      @SuppressWarnings("unchecked") Comparable<Object> cx = (Comparable<Object>) x;
      return cx.compareTo(y);
    };
    Comparator<Ev> byKey = (x, y) -> values.compare(value(x, key), value(y, key));
    matched.sort((desc ? byKey.reversed() : byKey).thenComparingLong(e -> e.id));
    List<List<Object>> expected = new ArrayList<>();
    for (int i = (int) skip; i < matched.size() && (limit < 0 || i - skip < limit); i++) {
      expected.add(Arrays.asList(matched.get(i).id, value(matched.get(i), key)));
    }
    // by ts alone, ties keep the order they came in: any scan yields a single node's events by slot, so by id (a
    // time range by ts, then slot); a scan that yields them by ts, to stop early, must keep that order of ties
    String tieBreak = key.equals("ts") && rnd.nextBoolean() ? "" : ", a.id";
    String q = "MATCH " + a.text + " WHERE " + c.text + " RETURN a.id, a." + key + " ORDER BY a." + key
        + (desc ? " DESC" : "") + tieBreak + (skip > 0 ? " SKIP " + skip : "") + (limit >= 0 ? " LIMIT " + limit : "");
    check(q, expected, true);
  }

  private void oneHop() {
    params.clear();
    NodeP a = node("a");
    NodeP b = node("b");
    // b's map may read a, though the plan may start from b and bind a after it
    String picked = rnd.nextInt(3) == 0 ? pick(new String[] {"session", "k", "ts"}) : null;
    String key = picked == null || b.text.contains(picked + ":") ? null : picked;
    String bText = key == null ? b.text : b.text.endsWith("})") ? b.text.replace("})", ", " + key + ": a." + key + "})")
        : b.text.replace(")", " {" + key + ": a." + key + "})");
    RelP r = rel("r", "");
    AsOf asOf = asOf();
    Cond c = where(List.of("a", "b"));
    List<List<Object>> expected = new ArrayList<>();
    for (Ev e : live()) {
      if (!a.test.apply(e)) {
        continue;
      }
      for (Rel x : rels(e, r.dir, r.types, asOf.at)) {
        Ev f = ev(other(x, e.id));
        boolean linked = key == null || Boolean.TRUE.equals(eq(value(f, key), value(e, key)));
        if (b.test.apply(f) && linked && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e, "b", f)))) {
          expected.add(Arrays.asList(e.id, f.id, x.type, x.vf, x.vt, x.index < 0 ? null : (long) x.index));
        }
      }
    }
    check("MATCH " + a.text + r.text + bText + asOf.text + " WHERE " + c.text
        + " RETURN a.id, b.id, type(r), r.valid_from, r.valid_to, id(r)", expected, false);
  }

  /**
   * A second MATCH whose node is tied to the first's by id, session or time: the plan may read the index for
   * each row of the first.
   */
  private void correlated() {
    params.clear();
    NodeP a = node("a");
    NodeP b = node("b");
    String tie;
    java.util.function.BiPredicate<Ev, Ev> tied;
    switch (rnd.nextInt(4)) {
      case 0 -> {
        long d = rnd.nextInt(-3, 4);
        tie = "b.id = a.id + " + d;
        tied = (e, f) -> f.id == e.id + d;
      }
      case 1 -> {
        tie = rnd.nextBoolean() ? "b.session = a.session" : "a.session = b.session";
        tied = (e, f) -> f.session.equals(e.session);
      }
      case 2 -> {
        String op = pick(new String[] {"<", "<=", ">", ">=", "="});
        tie = "b.ts " + op + " a.ts";
        int sign = switch (op) {
          case "<", "<=" -> -1;
          case ">", ">=" -> 1;
          default -> 0;
        };
        boolean orEqual = op.length() == 2 || op.equals("=");
        tied = (e, f) -> Long.compare(f.ts, e.ts) == sign || (orEqual && f.ts == e.ts);
      }
      default -> {
        tie = "b.ts BETWEEN a.ts AND a.ts + 100";
        tied = (e, f) -> f.ts >= e.ts && f.ts <= e.ts + 100;
      }
    }
    if (tie.endsWith("+ 100") && live().stream().anyMatch(e -> a.test.apply(e) && e.ts > Long.MAX_VALUE - 100)) {
      return; // a.ts + 100 would overflow, which is an error: not this test's subject
    }
    List<List<Object>> expected = new ArrayList<>();
    for (Ev e : live()) {
      if (!a.test.apply(e)) {
        continue;
      }
      for (Ev f : live()) {
        if (b.test.apply(f) && tied.test(e, f)) {
          expected.add(List.of(e.id, f.id));
        }
      }
    }
    check("MATCH " + a.text + " MATCH " + b.text + " WHERE " + tie + " RETURN a.id, b.id", expected, false);
  }

  /**
   * WITH aggregates by session and filters the groups by size; a second MATCH reads the session index with the
   * value WITH passed on.
   */
  private void withGroups() {
    params.clear();
    NodeP a = node("a");
    Cond c = where(List.of("a"));
    long least = rnd.nextInt(4);
    Map<String, Long> sizes = new java.util.TreeMap<>();
    for (Ev e : live()) {
      if (a.test.apply(e) && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e)))) {
        sizes.merge(e.session, 1L, Long::sum);
      }
    }
    List<List<Object>> expected = new ArrayList<>();
    sizes.forEach((session, n) -> {
      if (n >= least) {
        live().stream().filter(f -> f.session.equals(session)).forEach(f -> expected.add(List.of(session, n, f.id)));
      }
    });
    check("MATCH " + a.text + " WHERE " + c.text + " WITH a.session AS s, count(*) AS n WHERE n >= " + least
        + " MATCH (b {session: s}) RETURN s, n, b.id", expected, false);
  }

  /**
   * WITH passes nodes on to a second pattern: all of them collected in a list and unwound, the newest ones after
   * ORDER BY, SKIP and LIMIT (collected first), or those a WHERE on a value passed beside them keeps (passed on as
   * they come).
   */
  private void withNodes() {
    params.clear();
    NodeP a = node("a");
    Cond c = where(List.of("a"));
    RelP r = rel("r", "");
    List<Ev> passed = new ArrayList<>();
    for (Ev e : live()) {
      if (a.test.apply(e) && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e)))) {
        passed.add(e);
      }
    }
    String with;
    int variant = rnd.nextInt(3);
    if (variant == 0) {
      with = " WITH collect(a) AS xs UNWIND xs AS x"; // values holding nodes, matched as nodes
    } else if (variant == 1) {
      int skip = rnd.nextInt(3);
      int limit = rnd.nextInt(6);
      passed.sort(Comparator.<Ev>comparingLong(e -> e.ts).reversed().thenComparingLong(e -> e.id));
      passed = passed.subList(Math.min(skip, passed.size()), Math.min(skip + limit, passed.size()));
      with = " WITH a AS x ORDER BY a.ts DESC, a.id SKIP " + skip + " LIMIT " + limit;
    } else {
      long k = rnd.nextInt(-3, 3);
      passed.removeIf(e -> !(e.attrs.get("k") instanceof Long v && v >= k));
      with = " WITH a AS x, a.k AS k WHERE k >= " + k;
    }
    List<List<Object>> expected = new ArrayList<>();
    for (Ev e : passed) {
      for (Rel x : rels(e, r.dir, r.types, null)) {
        expected.add(List.of(e.id, other(x, e.id)));
      }
    }
    check("MATCH " + a.text + " WHERE " + c.text + with + " MATCH (x)" + r.text + "(b) RETURN x.id, b.id", expected,
        false);
  }

  /** Two patterns sharing a node, and the second relationship never the first (isomorphism). */
  private void twoPatterns() {
    params.clear();
    NodeP a = node("a");
    NodeP b = node("b");
    RelP r1 = rel("r1", "");
    RelP r2 = rel("r2", "");
    AsOf asOf = asOf();
    Cond c = where(List.of("a", "b", "c"));
    boolean samePath = rnd.nextBoolean();
    // a's map may read c, which the pattern binds last, in a later path when there are two
    String picked = rnd.nextInt(3) == 0 ? pick(new String[] {"session", "k", "ts"}) : null;
    String key = picked == null || a.text.contains(picked + ":") ? null : picked;
    String aText = key == null ? a.text : a.text.endsWith("})") ? a.text.replace("})", ", " + key + ": c." + key + "})")
        : a.text.replace(")", " {" + key + ": c." + key + "})");
    List<List<Object>> expected = new ArrayList<>();
    for (Ev e : live()) {
      if (!a.test.apply(e)) {
        continue;
      }
      for (Rel x : rels(e, r1.dir, r1.types, asOf.at)) {
        Ev f = ev(other(x, e.id));
        if (!b.test.apply(f)) {
          continue;
        }
        for (Rel y : rels(f, r2.dir, r2.types, asOf.at)) {
          if (y.equals(x)) {
            continue;
          }
          Ev g = ev(other(y, f.id));
          boolean linked = key == null || Boolean.TRUE.equals(eq(value(e, key), value(g, key)));
          if (linked && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e, "b", f, "c", g)))) {
            expected.add(List.of(e.id, f.id, g.id));
          }
        }
      }
    }
    String q = samePath
        ? "MATCH " + aText + r1.text + b.text + r2.text + "(c)"
        : "MATCH " + aText + r1.text + b.text + ", (b)" + r2.text + "(c)";
    check(q + asOf.text + " WHERE " + c.text + " RETURN a.id, b.id, c.id", expected, false);
  }

  private void varLength() {
    params.clear();
    Ev start = live().get(rnd.nextInt(live().size()));
    int min = rnd.nextInt(3);
    int max = min + rnd.nextInt(3);
    RelP r = rel("p", "*" + min + ".." + max);
    AsOf asOf = asOf();
    NodeP b = node("b");
    List<List<Object>> expected = new ArrayList<>();
    walk(start, r, asOf.at, min, max, new ArrayList<>(), b, expected);
    check("MATCH (a {id: " + start.id + "})" + r.text + b.text + asOf.text + " RETURN b.id, size(p)", expected, false);
  }

  private void walk(Ev at, RelP r, Long asOf, int min, int max, List<Rel> path, NodeP b, List<List<Object>> out) {
    if (path.size() >= min && b.test.apply(at)) {
      out.add(List.of(at.id, (long) path.size()));
    }
    if (path.size() == max) {
      return;
    }
    for (Rel x : rels(at, r.dir, r.types, asOf)) {
      if (!path.contains(x)) {
        path.add(x);
        walk(ev(other(x, at.id)), r, asOf, min, max, path, b, out);
        path.removeLast();
      }
    }
  }

  private void aggregate() {
    params.clear();
    NodeP a = node("a");
    Cond c = where(List.of("a"));
    Map<String, List<Ev>> groups = new java.util.TreeMap<>();
    for (Ev e : live()) {
      if (a.test.apply(e) && Boolean.TRUE.equals(c.eval.apply(Map.of("a", e)))) {
        groups.computeIfAbsent(e.role, x -> new ArrayList<>()).add(e);
      }
    }
    List<List<Object>> expected = new ArrayList<>();
    groups.forEach((role, es) -> {
      List<Long> ks = es.stream().map(e -> (Long) e.attrs.get("k")).filter(Objects::nonNull).toList();
      long sum = ks.stream().mapToLong(Long::longValue).sum();
      Long minTs = es.stream().map(e -> e.ts).min(Long::compare).orElse(null);
      Object maxS = es.stream().map(e -> (String) e.attrs.get("s")).filter(Objects::nonNull).max(String::compareTo)
          .orElse(null);
      Set<String> sessions = new TreeSet<>(es.stream().map(e -> e.session).toList());
      long distinctB = es.stream().map(e -> e.attrs.get("b")).filter(Objects::nonNull).distinct().count();
      expected.add(Arrays.asList(role, (long) es.size(), (long) ks.size(), ks.isEmpty() ? 0L : sum, minTs, maxS,
          List.copyOf(sessions), distinctB));
    });
    String q = "MATCH " + a.text + " WHERE " + c.text + " RETURN a.role AS role, count(*), count(a.k), sum(a.k),"
        + " min(a.ts), max(a.s), collect(DISTINCT a.session) AS sessions, count(DISTINCT a.b) ORDER BY role";
    List<List<Object>> got = run(q);
    if (got == null) {
      return;
    }
    List<List<Object>> normalised = new ArrayList<>();
    for (List<Object> row : got) {
      List<Object> copy = new ArrayList<>(row);
      copy.set(6, ((List<?>) row.get(6)).stream().map(String.class::cast).sorted().toList());
      normalised.add(copy);
    }
    assertEquals(expected, normalised, message(q));
  }

  private void optional() {
    params.clear();
    NodeP a = node("a");
    Cond c = where(List.of("a"));
    RelP r = rel("r", "");
    NodeP b = node("b");
    Cond d = rnd.nextBoolean() ? null : where(List.of("a", "b"));
    List<List<Object>> expected = new ArrayList<>();
    for (Ev e : live()) {
      if (!a.test.apply(e) || !Boolean.TRUE.equals(c.eval.apply(Map.of("a", e)))) {
        continue;
      }
      int before = expected.size();
      for (Rel x : rels(e, r.dir, r.types, null)) {
        Ev f = ev(other(x, e.id));
        if (b.test.apply(f) && (d == null || Boolean.TRUE.equals(d.eval.apply(Map.of("a", e, "b", f))))) {
          expected.add(Arrays.asList(e.id, f.id));
        }
      }
      if (expected.size() == before) {
        expected.add(Arrays.asList(e.id, null));
      }
    }
    check("MATCH " + a.text + " WHERE " + c.text + " OPTIONAL MATCH (a)" + r.text + b.text
        + (d == null ? "" : " WHERE " + d.text) + " RETURN a.id, b.id", expected, false);
  }

  private void vectorQuery() {
    params.clear();
    float[] q = {rnd.nextInt(5) - 2, rnd.nextInt(5) - 2, rnd.nextInt(3) + 1};
    if (rnd.nextBoolean()) {
      int k = rnd.nextInt(1, 40);
      Cond c = rnd.nextBoolean() ? where(List.of("e")) : new Cond("true", x -> true);
      List<VectorRecall.Hit> hits = vectors.recall(q, k, null);
      List<List<Object>> expected = new ArrayList<>();
      for (VectorRecall.Hit h : hits) {
        Ev e = ev(h.eventId());
        if (Boolean.TRUE.equals(c.eval.apply(Map.of("e", e)))) {
          expected.add(List.of(e.id, (double) h.score()));
        }
      }
      params.put("q", q);
      check("CALL recall($q, " + k + ") YIELD event AS e, score WHERE " + c.text + " RETURN e.id, score", expected,
          true);
    } else {
      List<List<Object>> expected = new ArrayList<>();
      for (Ev e : live()) {
        expected.add(Arrays.asList(e.id, e.vector == null ? null : (double) ExactVectors.cosine(e.vector, q)));
      }
      params.put("q", q);
      check("MATCH (a) RETURN a.id, similarity(a, $q) ORDER BY a.id", expected, true);
    }
  }

  // ------------------------------------------------------------------------------------ checking

  private List<List<Object>> run(String q) {
    statements++;
    try {
      return trace.query(q, params).rows();
    } catch (QueryException e) {
      fail(message(q) + "\n" + e.getMessage(), e);
      return null;
    }
  }

  private void check(String q, List<List<Object>> expected, boolean ordered) {
    List<List<Object>> got = run(q);
    if (!ordered) {
      expected = sortRows(expected);
      got = sortRows(got);
    }
    if (!expected.equals(got)) {
      List<List<Object>> missing = new ArrayList<>(expected);
      got.forEach(missing::remove);
      List<List<Object>> extra = new ArrayList<>(got);
      expected.forEach(extra::remove);
      fail(message(q) + "\nmissing " + missing + "\nextra " + extra);
    }
  }

  private String message(String q) {
    String plan;
    try {
      plan = trace.explain(q, params);
    } catch (RuntimeException e) {
      plan = e.toString();
    }
    return "seed " + seed + ": " + q + "\nparams " + params + "\nplan:\n" + plan;
  }

  private static List<List<Object>> sortRows(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(Object::toString));
    return out;
  }

  private <T> T pick(T[] a) {
    return a[rnd.nextInt(a.length)];
  }
}
