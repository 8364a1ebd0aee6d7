package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.fail;

import dev.aeon.query.lang.QueryException;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairs of statements that must agree, over a random trace (sessions, roles, equal and extreme timestamps, links
 * with validity intervals, duplicates and invalidations, attributes of mixed types with NaN and missing values,
 * forgotten events): ORDER BY with SKIP and LIMIT against the whole sort, with and without the time-ordered scan,
 * through later clauses and aliases that hide a variable, and with enough rows to be cut while they come; LIMIT
 * without ORDER BY; a conjunction against WITH ... WHERE steps; p, NOT p and p IS NULL against all rows; aggregates
 * against their collect() forms, DISTINCT against grouping, with and without a preceding ORDER BY; a pattern against
 * its reverse and an undirected one against both directions; labels and property maps against WHERE, index lookups
 * against scans the arithmetic defeats; variable-length hops against fixed ones; AS OF against filters on the
 * validity; EXISTS, COUNT and COLLECT against joins; OPTIONAL MATCH against MATCH and the rows without a match. No
 * model: each statement is checked by another that the planner runs differently. Rerun a failure with
 * -Daeon.test.seed=SEED; -Daeon.query.metamorphic=N draws N pair kinds instead of 150.
 */
class MetamorphicQueryTest {

  static final String[] SESSIONS = {"s0", "s1", "s2", "s3", "s4"};
  static final String IN_ORDER = "s4";
  static final String[] ROLES = {"user", "assistant", "tool", "summary"};
  static final String[] TYPES = {"T1", "T2", "T3"};
  static final long[] TS = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -5, 0, 1, 7, 7, 7, 1_700_000_000_000_000L,
      Long.MAX_VALUE - 1, Long.MAX_VALUE};

  @TempDir Path dir;
  final long seed = Long.getLong("aeon.test.seed", System.nanoTime());
  final Random rnd = new Random(seed);
  final List<Long> ids = new ArrayList<>();
  Trace trace;
  final List<String> failures = new ArrayList<>();
  int pairs;

  @Test
  void statementsThatMustAgreeDo() throws IOException {
    System.out.println("MetamorphicQueryTest seed " + seed + " (rerun with -Daeon.test.seed=" + seed + ")");
    Map<Long, String> texts = new HashMap<>();
    trace = Trace.open(dir, texts::get, new ExactVectors());
    try {
      build(texts);
      int n = Integer.getInteger("aeon.query.metamorphic", 150);
      for (int i = 0; i < n && failures.size() < 20; i++) {
        switch (rnd.nextInt(19)) {
          case 0, 1 -> orderLimit();
          case 2 -> timeOrderedScan();
          case 3 -> conjunction();
          case 4 -> negation();
          case 5 -> aggregates();
          case 6 -> reversedPattern();
          case 7 -> labelsMapsAndLookups();
          case 8 -> variableLength();
          case 9 -> asOf();
          case 10 -> exists();
          case 11 -> optional();
          case 12 -> limitWithoutOrder();
          case 13 -> edgesOncePerRow();
          case 14 -> timeOrderThroughClauses();
          case 15 -> aliasesThatHide();
          case 16 -> nodesAsValues();
          case 17 -> largeSort();
          default -> sortedGroups();
        }
      }
      System.out.println("MetamorphicQueryTest checked " + pairs + " pairs");
    } finally {
      trace.close();
    }
    if (!failures.isEmpty()) {
      fail("seed " + seed + ": " + failures.size() + " disagreement(s):\n" + String.join("\n\n", failures));
    }
  }

  // ------------------------------------------------------------------------------------ the trace

  private void build(Map<Long, String> texts) {
    long id = 1;
    long inOrderTs = rnd.nextLong(-100, 100);
    for (int i = 0; i < 250; i++) {
      String session = pick(SESSIONS);
      long ts = rnd.nextInt(4) == 0 ? TS[rnd.nextInt(TS.length)] : rnd.nextLong(-50, 50);
      if (session.equals(IN_ORDER)) {
        inOrderTs += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1, 20);
        ts = inOrderTs;
      }
      Map<String, Object> a = new HashMap<>();
      if (rnd.nextInt(4) != 0) {
        a.put("k", (long) rnd.nextInt(-5, 5));
      }
      if (rnd.nextInt(3) != 0) {
        a.put("f", new double[] {-1.5, -0.0, 0.0, 0.5, 2.0, Double.NaN, 1e300,
            Double.NEGATIVE_INFINITY}[rnd.nextInt(8)]);
      }
      if (rnd.nextInt(3) != 0) {
        a.put("s", pick(new String[] {"", "a", "ab", "b", "Ab"}));
      }
      if (rnd.nextInt(3) != 0) {
        a.put("b", rnd.nextBoolean());
      }
      if (rnd.nextInt(3) != 0) {
        a.put("when", Instant.ofEpochSecond(rnd.nextLong(-3, 3)));
      }
      if (rnd.nextInt(3) != 0) { // one name, values of every type
        a.put("m", switch (rnd.nextInt(6)) {
          case 0 -> (long) rnd.nextInt(-3, 3);
          case 1 -> new double[] {1.0, -0.0, Double.NaN, 2.5}[rnd.nextInt(4)];
          case 2 -> pick(new String[] {"a", "1", ""});
          case 3 -> rnd.nextBoolean();
          case 4 -> Instant.ofEpochSecond(rnd.nextInt(-2, 2));
          default -> 1L;
        });
      }
      texts.put(id, "text " + id);
      trace.append(new Event(id, session, pick(ROLES), ts, id, Event.NO_VECTOR, a));
      ids.add(id);
      id += 1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(100) : 0);
    }
    for (int i = 0; i < 220; i++) {
      long from = pick(ids);
      long to = rnd.nextInt(15) == 0 ? from : pick(ids);
      long vf = rnd.nextBoolean() ? Edge.SINCE_EVER : rnd.nextLong(-50, 50);
      long vt = rnd.nextInt(4) == 0 ? vf + 1 + rnd.nextInt(60) : Edge.OPEN;
      trace.addEdge(pick(TYPES), from, to, vf, vt);
      if (rnd.nextInt(8) == 0) { // the same link twice
        trace.addEdge(pick(TYPES), from, to, vf, vt);
      }
    }
    for (int i = 0; i < 40; i++) {
      trace.invalidateEdges(pick(TYPES), pick(ids), pick(ids), rnd.nextLong(-50, 50));
    }
    for (int i = 0; i < 25; i++) {
      String name = pick(new String[] {"k", "m", "s"});
      trace.updateAttributes(pick(ids), Collections.singletonMap(name, rnd.nextBoolean() ? null
          : name.equals("s") ? pick(new String[] {"a", "b"}) : (Object) (long) rnd.nextInt(-5, 5)));
    }
    for (int i = 0; i < 20; i++) {
      trace.forget(pick(ids));
    }
  }

  // ------------------------------------------------------------------------------ running and comparing

  /** A result, or the reason a statement failed. */
  record Outcome(List<List<Object>> rows, String error) {}

  private Outcome run(String statement, Map<String, Object> params) {
    try {
      return new Outcome(trace.query(statement, params).rows(), null);
    } catch (QueryException e) {
      return new Outcome(null, e.reason());
    }
  }

  /** A value as text: equal texts for the same value (nodes by id, relationships by their link). */
  static String canon(Object v) {
    return switch (v) {
      case null -> "null";
      case Event e -> "E" + e.id();
      case Edge e -> "[" + e.from() + "-" + e.type() + "->" + e.to() + "@" + e.validFrom() + "," + e.validTo() + "]";
      case Double d -> d.isNaN() ? "NaN" : "D" + d;
      case List<?> l -> l.stream().map(MetamorphicQueryTest::canon).toList().toString();
      case Map<?, ?> m -> new TreeMap<>(m).entrySet().stream().map(x -> x.getKey() + ":" + canon(x.getValue()))
          .toList().toString();
      case String s -> "'" + s + "'";
      default -> v.getClass().getSimpleName().charAt(0) + String.valueOf(v);
    };
  }

  /** A sort key as text: values that sort as ties (1 and 1.0, 0.0 and -0.0) have the same text. */
  static String sortKey(Object v) {
    return switch (v) {
      case null -> "null";
      case Double d when d.isNaN() -> "NaN";
      case Double d when d.isInfinite() -> "N" + d;
      case Double d -> "N" + new BigDecimal(d).stripTrailingZeros().toPlainString();
      case Long l -> "N" + BigDecimal.valueOf(l).toPlainString();
      case List<?> l -> l.stream().map(MetamorphicQueryTest::sortKey).toList().toString();
      default -> canon(v);
    };
  }

  private static List<String> canonRows(List<List<Object>> rows) {
    return rows.stream().map(MetamorphicQueryTest::canon).toList();
  }

  /**
   * Rows as text where values that are one value to DISTINCT and grouping (1 and 1.0, 0.0 and -0.0) read alike: a
   * group keeps the first of its rows, which depends on the order rows come in.
   */
  private static List<String> equivalentRows(List<List<Object>> rows) {
    return rows.stream().map(MetamorphicQueryTest::sortKey).toList();
  }

  private static List<String> sorted(List<String> rows) {
    List<String> s = new ArrayList<>(rows);
    Collections.sort(s);
    return s;
  }

  private void disagree(String what, String a, Object ra, String b, Object rb, Map<String, Object> params) {
    failures.add(what + "\n  " + a + "\n    -> " + ra + "\n  " + b + "\n    -> " + rb + (params.isEmpty() ? ""
        : "\n  with " + params));
  }

  /** Both fail, or both return the same rows in any order. */
  private boolean sameRows(String a, String b, Map<String, Object> params) {
    return sameRows(a, b, params, false);
  }

  private boolean sameRows(String a, String b, Map<String, Object> params, boolean byEquivalence) {
    pairs++;
    Outcome x = run(a, params);
    Outcome y = run(b, params);
    if (x.error() != null || y.error() != null) {
      if ((x.error() == null) != (y.error() == null)) {
        disagree("one fails", a, x.error() != null ? x.error() : x.rows().size() + " rows", b,
            y.error() != null ? y.error() : y.rows().size() + " rows", params);
        return false;
      }
      return true;
    }
    List<String> rx = sorted(byEquivalence ? equivalentRows(x.rows()) : canonRows(x.rows()));
    List<String> ry = sorted(byEquivalence ? equivalentRows(y.rows()) : canonRows(y.rows()));
    if (!rx.equals(ry)) {
      disagree("different rows", a, rx, b, ry, params);
      return false;
    }
    return true;
  }

  // ----------------------------------------------------------------------------------- generation

  private <T> T pick(T[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private <T> T pick(List<T> a) {
    return a.get(rnd.nextInt(a.size()));
  }

  private long someTs() {
    return rnd.nextInt(4) == 0 ? TS[rnd.nextInt(TS.length)] : rnd.nextLong(-60, 60);
  }

  /** A MATCH binding {@code e} (and maybe more), with conditions of its own. */
  private String source(Map<String, Object> params) {
    String s = switch (rnd.nextInt(11)) {
      case 0 -> "MATCH (e)";
      case 1 -> "MATCH (e:" + pick(ROLES) + ")";
      case 2 -> "MATCH (e {session: '" + pick(SESSIONS) + "'})";
      case 3 -> "MATCH (e {session: '" + IN_ORDER + "'})";
      case 4 -> "MATCH (e) WHERE e.ts >= " + someTs() + " AND e.ts < " + someTs();
      case 5 -> "MATCH (e:" + pick(ROLES) + ") WHERE e.ts > " + someTs();
      case 6 -> "MATCH (e)-[:" + pick(TYPES) + "]->(m)";
      case 7 -> "MATCH (m)<-[:" + pick(TYPES) + "|" + pick(TYPES) + "]-(e)";
      case 8 -> "MATCH (e)-[:NEXT]->(m)";
      case 9 -> {
        params.put("ids", List.of(pick(ids), pick(ids), pick(ids), pick(ids)));
        yield "MATCH (e) WHERE e.id IN $ids";
      }
      default -> "MATCH (e {session: $s})";
    };
    params.putIfAbsent("s", pick(SESSIONS));
    if (rnd.nextInt(3) == 0) {
      s += (s.contains("WHERE") ? " AND " : " WHERE ") + cond("e");
    }
    return s;
  }

  /** A condition on the node {@code v}: true, false or null, never an error. */
  private String cond(String v) {
    return switch (rnd.nextInt(13)) {
      case 0 -> v + ".k > " + rnd.nextInt(-5, 5);
      case 1 -> v + ".f <= " + pick(new String[] {"0.0", "-0.0", "0.5", "1", "1e300"});
      case 2 -> v + ".s STARTS WITH '" + pick(new String[] {"", "a", "A"}) + "'";
      case 3 -> v + ".b";
      case 4 -> v + ".ts >= " + someTs();
      case 5 -> v + ".when < " + rnd.nextLong(-3_000_000, 3_000_000);
      case 6 -> v + ".id % 3 = " + rnd.nextInt(3);
      case 7 -> v + ".role = '" + pick(ROLES) + "'";
      case 8 -> v + ".m = " + pick(new String[] {"1", "1.0", "'a'", "true", "-0.0", "null"});
      case 9 -> v + ".m IS NULL";
      case 10 -> v + ".k IN [1, 2, null]";
      case 11 -> "NOT " + v + ".b";
      default -> "(" + v + ".k = 0 OR " + v + ".s = 'a')";
    };
  }

  /** A sort key over {@code v}: values of one type, of several, NaN and nulls. */
  private String key(String v) {
    return switch (rnd.nextInt(12)) {
      case 0, 1 -> v + ".ts";
      case 2 -> v + ".k";
      case 3 -> v + ".f";
      case 4 -> v + ".m";
      case 5 -> v + ".s";
      case 6 -> "[" + v + ".k, " + v + ".s]";
      case 7 -> v + ".when";
      case 8 -> v + ".b";
      case 9 -> "CASE WHEN " + v + ".k > 0 THEN " + v + ".s ELSE " + v + ".k END";
      case 10 -> v + ".session";
      default -> v + ".id % 4";
    };
  }

  // ----------------------------------------------------------------------------------------- pairs

  /**
   * {@code ORDER BY key LIMIT n} (and SKIP) returns the keys of the whole sort's rows from skip to skip + n, and
   * only rows of the whole result; the key read as a column, by its alias, or through an alias of the node.
   */
  private void orderLimit() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String key = key("e");
    boolean desc = rnd.nextBoolean();
    String dir = desc ? " DESC" : "";
    int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(5) : 0;
    int limit = rnd.nextInt(8);
    String page = (skip > 0 ? " SKIP " + skip : "") + " LIMIT " + limit;
    String full = src + " RETURN e.id AS id, " + key + " AS k ORDER BY " + key + dir;
    String limited = switch (rnd.nextInt(6)) {
      case 0 -> src + " RETURN e.id AS id, " + key + " AS k ORDER BY " + key + dir + page;
      case 1 -> src + " RETURN e.id AS id, " + key + " AS k ORDER BY k" + dir + page;
      case 2 -> src + " WITH e ORDER BY " + key + dir + page + " RETURN e.id AS id, " + key + " AS k";
      case 3 -> src + " WITH e AS x ORDER BY " + key.replace("e.", "x.") + dir + page + " RETURN x.id AS id, "
          + key.replace("e.", "x.") + " AS k";
      case 4 -> src + " RETURN e AS x, " + key + " AS k ORDER BY " + key.replace("e.", "x.") + dir + page;
      default -> src + " RETURN e.id AS id, " + key + " AS k ORDER BY " + key + dir + ", e.id" + page;
    };
    if (limited.contains("ORDER BY " + key + dir + ", e.id")) {
      full = full + ", e.id";
    }
    comparePage(full, limited, skip, limit, params);
  }

  /** Sorting by {@code e.ts}, which the scan may answer in time order, and by {@code e.ts + 0}, which it cannot. */
  private void timeOrderedScan() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String dir = rnd.nextBoolean() ? " DESC" : "";
    int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(5) : 0;
    int limit = rnd.nextInt(8);
    String page = (skip > 0 ? " SKIP " + skip : "") + " LIMIT " + limit;
    String second = rnd.nextBoolean() ? ", " + key("e") + (rnd.nextBoolean() ? " DESC" : "") : "";
    String ret = rnd.nextBoolean() ? "" : (src.contains("(m)") ? ", m.id" : ", e.k");
    String a = src + " RETURN e.id AS id, e.ts AS k" + ret + " ORDER BY e.ts" + dir + second + page;
    String b = src + " RETURN e.id AS id, e.ts AS k" + ret + " ORDER BY e.ts + 0" + dir + second + page;
    if (second.isEmpty()) {
      compareOrdered(a, b, 1, params);
    } else {
      // ties of the first key are sorted by the second: then the whole rows must come in the same key order
      String both = second.substring(2).replace(" DESC", "");
      compareOrdered(a.replace(" AS k", " AS k, " + both + " AS k2"), b.replace(" AS k", " AS k, " + both + " AS k2"),
          2, params);
    }
  }

  /** The keys (the {@code keys} columns after the first) in order, and the rows as a multiset of ties. */
  private void compareOrdered(String a, String b, int keys, Map<String, Object> params) {
    pairs++;
    Outcome x = run(a, params);
    Outcome y = run(b, params);
    if (x.error() != null || y.error() != null) {
      // a scan in time order may stop before the row that fails: only that one may succeed alone
      if (y.error() == null || (x.error() == null && !a.contains("ORDER BY e.ts"))) {
        disagree("one fails", a, x.error(), b, y.error(), params);
      }
      return;
    }
    List<String> kx = x.rows().stream().map(r -> sortKey(r.subList(1, 1 + keys))).toList();
    List<String> ky = y.rows().stream().map(r -> sortKey(r.subList(1, 1 + keys))).toList();
    if (!kx.equals(ky)) {
      disagree("different sort keys", a, canonRows(x.rows()), b, canonRows(y.rows()), params);
    }
  }

  private void comparePage(String full, String limited, int skip, int limit, Map<String, Object> params) {
    pairs++;
    Outcome x = run(full, params);
    Outcome y = run(limited, params);
    if (x.error() != null || y.error() != null) {
      if (x.error() == null) { // the limited one may stop before the row that fails, not fail alone
        disagree("one fails", full, x.error(), limited, y.error(), params);
      }
      return;
    }
    List<List<Object>> whole = x.rows();
    List<List<Object>> want = whole.subList(Math.min(skip, whole.size()), Math.min(skip + limit, whole.size()));
    // a row that returns the node itself (RETURN e AS x) is compared by its id
    List<List<Object>> got = y.rows().stream().map(r -> r.getFirst() instanceof Event e
        ? Arrays.asList(e.id(), r.get(1)) : r.subList(0, x.rows().isEmpty() ? r.size()
            : x.rows().getFirst().size())).toList();
    List<String> wantKeys = want.stream().map(r -> sortKey(r.get(1))).toList();
    List<String> gotKeys = got.stream().map(r -> sortKey(r.get(1))).toList();
    List<String> all = new ArrayList<>(canonRows(whole));
    boolean contained = true;
    for (String r : canonRows(got)) {
      contained &= all.remove(r);
    }
    if (!wantKeys.equals(gotKeys) || !contained) {
      disagree("a page that is not the whole sort's (skip " + skip + ", limit " + limit + ")", full,
          canonRows(want), limited, canonRows(got), params);
    }
  }

  /** {@code WHERE a AND b} against {@code WITH ... WHERE a WITH ... WHERE b}. */
  private void conjunction() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String a = cond("e");
    String b = cond(src.contains("(m)") && rnd.nextBoolean() ? "m" : "e");
    String vars = src.contains("(m)") ? "e, m" : "e";
    String ret = src.contains("(m)") ? " RETURN e.id, m.id" : " RETURN e.id";
    String where = src.contains("WHERE") ? " AND " : " WHERE ";
    sameRows(src + where + a + " AND " + b + ret,
        src + " WITH " + vars + " WHERE " + a + " WITH " + vars + " WHERE " + b + ret, params);
    sameRows(src + where + "(" + a + ") AND (" + b + ")" + ret, src + where + "(" + b + ") AND (" + a + ")" + ret,
        params);
  }

  /** The rows where p is true, those where it is false and those where it is null are all the rows, once each. */
  private void negation() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String p = cond("e");
    String where = src.contains("WHERE") ? " AND " : " WHERE ";
    String ret = src.contains("(m)") ? " RETURN e.id, m.id" : " RETURN e.id";
    Outcome all = run(src + ret, params);
    Outcome yes = run(src + where + "(" + p + ")" + ret, params);
    Outcome no = run(src + where + "NOT (" + p + ")" + ret, params);
    Outcome unknown = run(src + where + "(" + p + ") IS NULL" + ret, params);
    pairs++;
    if (all.error() != null || yes.error() != null || no.error() != null || unknown.error() != null) {
      if (all.error() == null || yes.error() == null || no.error() == null || unknown.error() == null) {
        disagree("some fail", src + " ... " + p, List.of(all.error() + "", yes.error() + "", no.error() + "",
            unknown.error() + ""), "", "", params);
      }
      return;
    }
    List<String> parts = new ArrayList<>(canonRows(yes.rows()));
    parts.addAll(canonRows(no.rows()));
    parts.addAll(canonRows(unknown.rows()));
    if (!sorted(parts).equals(sorted(canonRows(all.rows())))) {
      disagree("p, NOT p and p IS NULL are not all the rows", src + where + p + ret, sorted(parts), src + ret,
          sorted(canonRows(all.rows())), params);
    }
  }

  /** count(*) and size(collect(1)), count(DISTINCT x) and size(collect(DISTINCT x)), DISTINCT and grouping. */
  private void aggregates() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String g = rnd.nextBoolean() ? key("e") : "e.role";
    String x = key(src.contains("(m)") && rnd.nextBoolean() ? "m" : "e");
    String sorted = rnd.nextBoolean() ? "" : " WITH * ORDER BY " + key("e") + (rnd.nextBoolean() ? " DESC" : "");
    String vars = src.contains("(m)") ? "e, m" : "e";
    if (!sorted.isEmpty()) {
      sorted = sorted.replace("*", vars);
    }
    sameRows(src + " RETURN " + g + " AS g, count(*) AS n, count(DISTINCT " + x + ") AS d, count(" + x + ") AS c",
        src + sorted + " RETURN " + g + " AS g, size(collect(1)) AS n, size(collect(DISTINCT " + x
            + ")) AS d, size(collect("
            + x + ")) AS c", params, true);
    sameRows(src + " RETURN DISTINCT " + g + " AS g, " + x + " AS x",
        src + sorted + " WITH " + g + " AS g, " + x + " AS x, count(*) AS n RETURN g, x", params, true);
    sameRows(src + " RETURN count(*) AS n, min(" + x + ") AS lo, max(" + x + ") AS hi",
        src + " WITH " + vars + " ORDER BY " + x + " RETURN count(*) AS n, head(collect(" + x
            + ")) AS lo, last(collect("
            + x + ")) AS hi", params, true);
  }

  /** {@code (a)-[:T]->(b)} and {@code (b)<-[:T]-(a)}; an undirected one and the union of both directions. */
  private void reversedPattern() {
    Map<String, Object> params = new HashMap<>();
    String t = rnd.nextInt(4) == 0 ? "" : ":" + pick(TYPES) + (rnd.nextBoolean() ? "|NEXT" : "");
    String left = rnd.nextBoolean() ? "a" : "a:" + pick(ROLES);
    String right = rnd.nextBoolean() ? "b" : "b {session: '" + pick(SESSIONS) + "'}";
    String where = rnd.nextBoolean() ? "" : " WHERE " + cond(rnd.nextBoolean() ? "a" : "b");
    String ret = " RETURN a.id, b.id, r.type, r.valid_from";
    sameRows("MATCH (" + left + ")-[r" + t + "]->(" + right + ")" + where + ret,
        "MATCH (" + right + ")<-[r" + t + "]-(" + left + ")" + where + ret, params);
    String two = t.isEmpty() ? "" : ":" + pick(TYPES);
    sameRows("MATCH (" + left + ")-[r" + two + "]->(x)-[s" + two + "]->(" + right + ")" + where + ret
        + ", x.id, s.type",
        "MATCH (" + right + ")<-[s" + two + "]-(x)<-[r" + two + "]-(" + left + ")" + where + ret + ", x.id, s.type",
        params);
    Outcome out = run("MATCH (" + left + ")-[r" + t + "]->(" + right + ")" + where + ret, params);
    Outcome in = run("MATCH (" + left + ")<-[r" + t + "]-(" + right + ")" + where + ret, params);
    Outcome both = run("MATCH (" + left + ")-[r" + t + "]-(" + right + ")" + where + ret, params);
    pairs++;
    if (out.error() == null && in.error() == null && both.error() == null) {
      List<String> union = new ArrayList<>(canonRows(out.rows()));
      union.addAll(canonRows(in.rows()));
      // a loop is found once undirected, but once each way when directed
      List<String> u = sorted(union);
      List<String> b = sorted(canonRows(both.rows()));
      List<String> extra = new ArrayList<>(u);
      b.forEach(extra::remove);
      boolean onlyLoops = extra.stream().allMatch(r -> {
        String[] c = r.substring(1, r.length() - 1).split(", ");
        return c[0].equals(c[1]);
      });
      List<String> missing = new ArrayList<>(b);
      u.forEach(missing::remove);
      if (!missing.isEmpty() || !onlyLoops) {
        disagree("undirected is not both directions", "MATCH (" + left + ")-[r" + t + "]-(" + right + ")" + where + ret,
            b, "-> and <-", u, params);
      }
    }
  }

  /** A label, a property map and an id lookup against WHERE on the property, the lookup defeated by arithmetic. */
  private void labelsMapsAndLookups() {
    Map<String, Object> params = new HashMap<>();
    String role = pick(ROLES);
    String session = pick(SESSIONS);
    long id = pick(ids);
    params.put("x", id);
    params.put("s", session);
    String rest = pick(new String[] {"", "-[:NEXT]->(n)", "<-[:" + pick(TYPES) + "]-(n)", "-[:T1|T2*0..2]->(n)"});
    String ret = rest.isEmpty() ? " RETURN e.id" : " RETURN e.id, n.id";
    sameRows("MATCH (e:" + role + ")" + rest + ret, "MATCH (e)" + rest + " WHERE e.role = '" + role + "'" + ret,
        params);
    sameRows("MATCH (e {session: $s, role: '" + role + "'})" + rest + ret,
        "MATCH (e)" + rest + " WHERE e.session = $s + '' AND e.role + '' = '" + role + "'" + ret, params);
    sameRows("MATCH (e {id: $x})" + rest + ret, "MATCH (e)" + rest + " WHERE e.id = $x + 0" + ret, params);
    sameRows("MATCH (e) WHERE e.id = $x" + (rest.isEmpty() ? "" : " MATCH (e)" + rest) + ret,
        "MATCH (e)" + rest + " WHERE e.id * 1 = $x" + ret, params);
    if (!rest.isEmpty()) {
      sameRows("MATCH (e)" + rest.replace("(n)", "(n {id: $x})") + ret,
          "MATCH (e)" + rest + " WHERE n.id = $x + 0" + ret, params);
      sameRows("MATCH (e)" + rest.replace("(n)", "(n:" + role + ")") + ret,
          "MATCH (e)" + rest + " WHERE n.role = '" + role + "'" + ret, params);
    }
    Object lo = bound(params, "lo");
    Object hi = bound(params, "hi");
    sameRows("MATCH (e) WHERE e.ts >= " + lo + " AND e.ts <= " + hi + " RETURN e.id",
        "MATCH (e) WHERE e.ts + 0 >= " + lo + " AND e.ts * 1 <= " + hi + " RETURN e.id", params);
    sameRows("MATCH (e) WHERE e.ts > " + lo + " AND e.ts < " + hi + " RETURN e.id",
        "MATCH (e) WHERE " + lo + " < e.ts + 0 AND " + hi + " > e.ts * 1 RETURN e.id", params);
    sameRows("MATCH (e) WHERE e.ts BETWEEN " + lo + " AND " + hi + " AND e.session = $s RETURN e.id",
        "MATCH (e) WHERE e.ts + 0 >= " + lo + " AND e.ts * 1 <= " + hi + " AND e.session + '' = $s RETURN e.id",
        params);
    String pm = pick(new String[] {"k: 1", "m: 1", "s: 'a'", "b: true", "f: 0.0", "m: null", "f: 0.0 / 0.0"});
    String[] kv = pm.split(": ");
    sameRows("MATCH (e {" + pm + "}) RETURN e.id", "MATCH (e) WHERE e." + kv[0] + " = " + kv[1] + " RETURN e.id",
        params);
  }

  /** A bound of a ts range: an integer, a float, or a parameter (maybe an Instant). */
  private Object bound(Map<String, Object> params, String name) {
    long t = someTs();
    return switch (rnd.nextInt(5)) {
      case 0 -> t + ".5";
      case 1 -> pick(new String[] {"9.223372036854776E18", "-9.223372036854776E18", "7.0", "-0.0", "1e300",
          "(0.0 / 0.0)", "null"});
      case 2 -> {
        params.put(name, rnd.nextBoolean() || t < -1_000_000_000_000L || t > 1_000_000_000_000L ? (Object) t
            : Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000L), Math.floorMod(t, 1_000_000L) * 1000L));
        yield "$" + name;
      }
      default -> t;
    };
  }

  /** LIMIT without ORDER BY: some of the rows, as many as asked for or all; with DISTINCT, distinct ones. */
  private void limitWithoutOrder() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String distinct = rnd.nextBoolean() ? "DISTINCT " : "";
    boolean two = src.contains("(m)") && rnd.nextBoolean();
    String c0 = key("e");
    String c1 = two ? key("m") : null;
    String cols = two ? c0 + ", " + c1 : c0;
    int limit = rnd.nextInt(6);
    String full = src + " RETURN " + distinct + cols;
    String limited = rnd.nextBoolean() ? full + " LIMIT " + limit : src + " WITH " + distinct + c0 + " AS c0"
        + (two ? ", " + c1 + " AS c1" : "") + " LIMIT " + limit + " RETURN c0" + (two ? ", c1" : "");
    pairs++;
    Outcome x = run(full, params);
    Outcome y = run(limited, params);
    if (x.error() != null || y.error() != null) {
      if (x.error() == null) {
        disagree("one fails", full, x.error(), limited, y.error(), params);
      }
      return;
    }
    List<String> all = new ArrayList<>(canonRows(x.rows()));
    boolean contained = true;
    for (String r : canonRows(y.rows())) {
      contained &= all.remove(r);
    }
    boolean distinctOk = distinct.isEmpty() || equivalentRows(y.rows()).stream().distinct().count() == y.rows().size();
    if (!contained || !distinctOk || y.rows().size() != Math.min(limit, x.rows().size())) {
      disagree("LIMIT without ORDER BY", full, canonRows(x.rows()), limited, canonRows(y.rows()), params);
    }
  }

  /** Two patterns of one MATCH use different stored edges; two MATCHes may use one twice. */
  private void edgesOncePerRow() {
    Map<String, Object> params = new HashMap<>();
    params.put("x", pick(ids));
    String t = pick(new String[] {":T1", ":T2|T3", ""});
    String u = pick(new String[] {":T1", ":T2|T3", ""});
    String d = pick(new String[] {"->", "-"});
    String ret = " RETURN a.id, b.id, c.id, y.id, r.type, s.type";
    String c = "(c {session: '" + pick(SESSIONS) + "'})";
    sameRows("MATCH (a)-[r" + t + "]" + d + "(b), " + c + "-[s" + u + "]" + d + "(y) WHERE a.id = $x" + ret,
        "MATCH (a)-[r" + t + "]" + d + "(b) WHERE a.id = $x MATCH " + c + "-[s" + u + "]" + d + "(y) WHERE r <> s"
            + ret,
        params);
    sameRows("MATCH (a)-[r" + t + "]" + d + "(a) RETURN a.id, r.type, r.valid_from",
        "MATCH (a)-[r" + t + "]" + d + "(b) WHERE a = b RETURN a.id, r.type, r.valid_from", params);
    sameRows("MATCH (a)-[r" + t + "]->(b)-[s" + t + "]->(a) RETURN a.id, b.id",
        "MATCH (a)-[r" + t + "]->(b) MATCH (b)-[s" + t + "]->(c) WHERE c = a AND r <> s RETURN a.id, b.id", params);
    String role = pick(ROLES);
    String other = pick(ROLES);
    sameRows("MATCH (e:" + role + ":" + other + ") RETURN e.id",
        "MATCH (e) WHERE e.role = '" + role + "' AND e.role = '" + other + "' RETURN e.id", params);
  }

  /** The time-ordered scan under later clauses: they pass each row on before the next, so it may still stop. */
  private void timeOrderThroughClauses() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String t = pick(TYPES);
    String mid = pick(new String[] {" OPTIONAL MATCH (e)-[:" + t + "]->(y)", " UNWIND [1, 2] AS u",
        " WITH e WHERE EXISTS { (e)-[:" + t + "]-() }", " MATCH (y)-[:NEXT]->(e)", " WITH e, e.k AS k",
        " UNWIND CASE WHEN e.k > 0 THEN [e.k] ELSE [] END AS u", " WITH e AS e", " WITH e LIMIT 40",
        " OPTIONAL MATCH (e)-[:" + t + "*1..2]-(y) WHERE y.k > 0"});
    String dir = rnd.nextBoolean() ? " DESC" : "";
    int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(5) : 0;
    int limit = rnd.nextInt(8);
    String page = (skip > 0 ? " SKIP " + skip : "") + " LIMIT " + limit;
    if (src.contains("(m)") && !mid.startsWith(" OPTIONAL") && !mid.startsWith(" MATCH")) {
      mid = mid.replace("WITH e", "WITH e, m");
    }
    String more = mid.contains("(y)") && !mid.contains("LIMIT") ? ", y.id" : "";
    if (rnd.nextBoolean() && mid.contains("(y)-[:NEXT]->(e)")) { // an alias that hides the scan's variable
      compareOrdered(src + mid + " RETURN y AS e, e.ts AS k ORDER BY e.ts" + dir + page,
          src + mid + " RETURN y AS e, e.ts AS k ORDER BY y.ts + 0" + dir + page, 1, params);
      return;
    }
    if (mid.contains("LIMIT")) { // which 40 rows WITH passes on is not fixed: compare the whole rows
      return;
    }
    comparePage(src + mid + " RETURN e.id AS id, e.ts AS k" + more + " ORDER BY e.ts + 0" + dir,
        src + mid + " RETURN e.id AS id, e.ts AS k" + more + " ORDER BY e.ts" + dir + page, skip, limit, params);
    comparePage(src + mid + " WITH e.id AS id, e.ts AS k" + more.replace("y.id", "y.id AS y") + " ORDER BY k" + dir
        + " RETURN id, k" + (more.isEmpty() ? "" : ", y"),
        src + mid + " WITH e.id AS id, e.ts AS k" + more.replace("y.id", "y.id AS y") + " ORDER BY k" + dir + page
            + " RETURN id, k" + (more.isEmpty() ? "" : ", y"), skip, limit, params);
  }

  /**
   * Aliases that hide a variable ({@code WITH m AS e, e AS m}): ORDER BY reads the alias, in RETURN and in WITH, with
   * and without a LIMIT the scan could stop on.
   */
  private void aliasesThatHide() {
    Map<String, Object> params = new HashMap<>();
    String src = pick(new String[] {"MATCH (e)-[:NEXT]->(m)", "MATCH (e {session: '" + IN_ORDER + "'})-[:NEXT]->(m)",
        "MATCH (e:" + pick(ROLES) + ")<-[:" + pick(TYPES) + "]-(m)", "MATCH (e) WHERE e.ts > " + someTs()
            + " MATCH (m)-[:NEXT]->(e)"});
    String dir = rnd.nextBoolean() ? " DESC" : "";
    int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(5) : 0;
    int limit = rnd.nextInt(8);
    String page = (skip > 0 ? " SKIP " + skip : "") + " LIMIT " + limit;
    String k = pick(new String[] {"ts", "ts", "k", "id"});
    String full = src + " RETURN m.id AS id, m." + k + " AS k ORDER BY m." + k + " + 0" + dir + ", e.id";
    String limited = switch (rnd.nextInt(4)) {
      case 0 -> src + " WITH m AS e, e AS m ORDER BY e." + k + dir + ", m.id" + page + " RETURN e.id AS id, e." + k
          + " AS k";
      case 1 -> src + " RETURN m.id AS id, m." + k + " AS k, m AS e ORDER BY e." + k + dir + ", k" + page;
      case 2 -> src + " WITH m AS e, e.id AS eid ORDER BY e." + k + dir + ", eid" + page + " RETURN e.id AS id, e." + k
          + " AS k";
      default -> src + " WITH e AS m, m AS e RETURN e.id AS id, e." + k + " AS k ORDER BY e." + k + dir + ", m.id"
          + page;
    };
    comparePage(full, limited, skip, limit, params);
  }

  /** Enough rows that ORDER BY with LIMIT sorts and drops some while they come. */
  private void largeSort() {
    Map<String, Object> params = new HashMap<>();
    String src = pick(new String[] {"MATCH (e) MATCH (f {session: '" + pick(SESSIONS) + "'})",
        "MATCH (e:" + pick(ROLES) + "), (f)", "MATCH (e) UNWIND range(1, 8) AS f"});
    String k = key("e");
    String second = src.contains("UNWIND") ? "f" : key("f");
    String dir = rnd.nextBoolean() ? " DESC" : "";
    String dir2 = rnd.nextBoolean() ? " DESC" : "";
    int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(20) : 0;
    int limit = rnd.nextInt(30);
    String page = (skip > 0 ? " SKIP " + skip : "") + " LIMIT " + limit;
    String ret = " RETURN e.id AS id, " + k + " AS k, " + second + " AS k2 ORDER BY " + k + dir + ", " + second + dir2;
    comparePage(src + ret, src + ret + page, skip, limit, params);
    compareOrdered(src + ret + page, src + ret.replace("ORDER BY " + k, "ORDER BY k") + page, 2, params);
  }

  /** Nodes collected and unwound match as the nodes themselves. */
  private void nodesAsValues() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    while (src.contains("(m)")) {
      params.clear();
      src = source(params);
    }
    String t = pick(new String[] {":T1", ":T2|NEXT", "", ":T3*1..2"});
    String asOf = rnd.nextBoolean() ? "" : " AS OF " + rnd.nextLong(-50, 50);
    String yc = rnd.nextBoolean() ? "" : " WHERE y.k > x.k";
    sameRows(src + " WITH collect(e) AS es UNWIND es AS x MATCH (x)-[" + t + "]->(y)" + asOf + yc
        + " RETURN x.id, y.id",
        src + " WITH e AS x MATCH (x)-[" + t + "]->(y)" + asOf + yc + " RETURN x.id, y.id", params);
    sameRows(src + " WITH e AS x RETURN x.id, COUNT { (x)-[" + t + "]->(y)" + asOf + yc + " } AS n",
        src + " WITH e AS x OPTIONAL MATCH (x)-[" + t + "]->(y)" + asOf + yc + " RETURN x.id, count(y) AS n", params);
    sameRows(src + " WITH e AS x RETURN x.id, COLLECT { MATCH (x)-[" + t + "]->(y)" + asOf + yc + " RETURN y.id } AS n",
        src + " WITH e AS x OPTIONAL MATCH (x)-[" + t + "]->(y)" + asOf + yc + " RETURN x.id, collect(y.id) AS n",
        params);
  }

  /** ORDER BY an aggregate with LIMIT: a page of the whole sort. */
  private void sortedGroups() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String g = key("e");
    String agg = pick(new String[] {"count(*)", "min(e.ts)", "max(e.k)", "count(DISTINCT e.m)", "sum(e.k)",
        "size(collect(e.s))"});
    String dir = rnd.nextBoolean() ? " DESC" : "";
    int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0;
    int limit = rnd.nextInt(5);
    String page = (skip > 0 ? " SKIP " + skip : "") + " LIMIT " + limit;
    comparePage(src + " RETURN " + g + " AS g, " + agg + " AS k ORDER BY k" + dir,
        src + " RETURN " + g + " AS g, " + agg + " AS k ORDER BY " + agg + dir + page, skip, limit, params);
    String k = key("e");
    comparePage(src + " RETURN DISTINCT " + g + " AS g, " + k + " AS k ORDER BY k" + dir,
        src + " RETURN DISTINCT " + g + " AS g, " + k + " AS k ORDER BY " + k + dir + page, skip, limit, params);
    comparePage(src + " WITH DISTINCT " + g + " AS g, " + k + " AS k RETURN g, k ORDER BY k" + dir,
        src + " WITH DISTINCT " + g + " AS g, " + k + " AS k ORDER BY k" + dir + page + " RETURN g, k", skip, limit,
        params);
  }

  /** {@code *min..max} against the union of the fixed lengths, each edge once per path. */
  private void variableLength() {
    Map<String, Object> params = new HashMap<>();
    String t = pick(new String[] {":T1", ":T1|T2", ":NEXT", "", ":T3|NEXT"});
    String d = pick(new String[] {"->", "-"});
    String start = rnd.nextBoolean() ? "(a {session: '" + pick(SESSIONS) + "'})" : "(a:" + pick(ROLES) + ")";
    int min = rnd.nextInt(3);
    int max = Math.max(min, 1) + rnd.nextInt(2);
    max = Math.min(max, 3);
    String asOf = rnd.nextInt(3) == 0 ? " AS OF " + rnd.nextLong(-40, 40) : "";
    Outcome var = run("MATCH " + start + "-[r" + t + "*" + min + ".." + max + "]" + d + "(b)" + asOf
        + " RETURN a.id, b.id", params);
    List<String> union = new ArrayList<>();
    StringBuilder fixed = new StringBuilder();
    for (int n = min; n <= max; n++) {
      StringBuilder p = new StringBuilder("MATCH " + start);
      for (int i = 0; i < n; i++) {
        p.append("-[r").append(i).append(t).append("]").append(d).append(i == n - 1 ? "(b)" : "(x" + i + ")");
      }
      String s = n == 0 ? "MATCH " + start + " RETURN a.id, a.id AS b" : p + asOf + " RETURN a.id, b.id";
      fixed.append(s).append(" UNION ");
      Outcome o = run(s, params);
      if (o.error() != null) {
        return;
      }
      union.addAll(canonRows(o.rows()));
    }
    pairs++;
    if (var.error() != null) {
      disagree("variable length fails", fixed.toString(), var.error(), "", "", params);
      return;
    }
    if (!sorted(union).equals(sorted(canonRows(var.rows())))) {
      disagree("variable length is not the union of fixed lengths", "MATCH " + start + "-[r" + t + "*" + min + ".."
          + max + "]" + d + "(b)" + asOf, sorted(canonRows(var.rows())), fixed.toString(), sorted(union), params);
    }
  }

  /**
   * {@code AS OF t} sees the links valid at t; without it, those never ended: so the open links that started by
   * t are seen by both.
   */
  private void asOf() {
    Map<String, Object> params = new HashMap<>();
    // now and then the first and last instants AS OF takes (Long.MIN_VALUE is the current view)
    long t = rnd.nextInt(8) == 0 ? new long[] {Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE}[rnd.nextInt(3)]
        : rnd.nextLong(-60, 60);
    params.put("t", rnd.nextBoolean() ? (Object) t : Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000L),
        Math.floorMod(t, 1_000_000L) * 1000L));
    String type = pick(new String[] {":T1", ":T2|T3", ""});
    String pat = rnd.nextBoolean() ? "(a)-[r" + type + "]->(b)" : "(b)<-[r" + type + "]-(a)";
    String ret = " RETURN a.id, b.id, r.type, r.valid_from, r.valid_to";
    sameRows("MATCH " + pat + " AS OF $t WHERE r.valid_to = " + Edge.OPEN + ret,
        "MATCH " + pat + " WHERE r.valid_from <= $t" + ret, params);
    sameRows("MATCH " + pat + " AS OF $t" + ret,
        "MATCH " + pat.replace("(a)", "(a {id: a.id})") + " AS OF $t + 0" + ret, params);
    sameRows("MATCH (a) WHERE EXISTS { " + pat + " AS OF $t } RETURN a.id",
        "MATCH " + pat + " AS OF $t RETURN DISTINCT a.id", params);
    sameRows("MATCH (a) WITH a, $t AS at MATCH " + pat + " AS OF at" + ret, "MATCH " + pat + " AS OF $t" + ret, params);
  }

  /** EXISTS and COUNT against the join they stand for. */
  private void exists() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    while (src.contains("(m)")) { // a row of e alone: grouping by e then counts one row, as COUNT { } does
      params.clear();
      src = source(params);
    }
    String t = pick(TYPES);
    String sub = pick(new String[] {"(e)-[:" + t + "]->(y)", "(y)-[:" + t + "]->(e)", "(e)-[:NEXT*1..2]->(y)",
        "(e)-[:" + t + "]-(y:" + pick(ROLES) + ")"});
    String yc = rnd.nextBoolean() ? "" : " WHERE " + cond("y");
    String vars = src.contains("(m)") ? "e, m" : "e";
    String ids = src.contains("(m)") ? "e.id, m.id" : "e.id";
    sameRows(src + " WITH " + vars + " WHERE EXISTS { " + sub + yc + " } RETURN " + ids,
        src + " WITH " + vars + " MATCH " + sub + yc + " WITH DISTINCT " + vars + " RETURN " + ids, params);
    sameRows(src + " RETURN " + ids + ", COUNT { " + sub + yc + " } AS n",
        src + " WITH " + vars + " OPTIONAL MATCH " + sub + yc + " RETURN " + ids + ", count(y) AS n", params);
    sameRows(src + " WITH " + vars + " WHERE NOT EXISTS { " + sub + yc + " } RETURN " + ids,
        src + " WITH " + vars + " OPTIONAL MATCH " + sub + yc + " WITH " + vars + ", count(y) AS n WHERE n = 0 RETURN "
            + ids, params);
  }

  /** OPTIONAL MATCH: the rows of MATCH, and a row with nulls for each row that finds none. */
  private void optional() {
    Map<String, Object> params = new HashMap<>();
    String src = source(params);
    String t = pick(TYPES);
    String pat =
        pick(new String[] {"(e)-[r:" + t + "]->(y)", "(e)<-[r:" + t + "|NEXT]-(y)", "(e)-[r:" + t + "*1..2]-(y)",
        "(e)-[r]->(y:" + pick(ROLES) + ")"});
    String yc = rnd.nextBoolean() ? "" : " WHERE " + cond("y");
    String vars = src.contains("(m)") ? "e, m" : "e";
    String ids = src.contains("(m)") ? "e.id, m.id" : "e.id";
    Outcome opt = run(src + " OPTIONAL MATCH " + pat + yc + " RETURN " + ids + ", y.id", params);
    Outcome found = run(src + " WITH " + vars + " MATCH " + pat + yc + " RETURN " + ids + ", y.id", params);
    Outcome none = run(src + " WITH " + vars + " WHERE NOT EXISTS { " + pat.replace("r:", ":").replace("[r]", "[]")
        + yc + " } RETURN " + ids + ", null", params);
    pairs++;
    if (opt.error() != null || found.error() != null || none.error() != null) {
      if (opt.error() == null || found.error() == null || none.error() == null) {
        disagree("some fail", src + " OPTIONAL MATCH " + pat + yc, List.of(opt.error() + "", found.error() + "",
            none.error() + ""), "", "", params);
      }
      return;
    }
    List<String> parts = new ArrayList<>(canonRows(found.rows()));
    parts.addAll(canonRows(none.rows()));
    if (!sorted(parts).equals(sorted(canonRows(opt.rows())))) {
      disagree("OPTIONAL MATCH is not MATCH and the rows without", src + " OPTIONAL MATCH " + pat + yc,
          sorted(canonRows(opt.rows())), "MATCH + NOT EXISTS", sorted(parts), params);
    }
  }
}
