package dev.aeon.fuzz.query;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.query.lang.Lexer;
import dev.aeon.query.lang.Parser;
import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import dev.aeon.query.trace.VectorRecall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The query language on arbitrary text: parsing either yields a statement or throws {@link QueryException}
 * with a position inside the text, never any other exception; statements that parse are also run
 * against a small trace (two conversations, a few typed edges, texts and vectors), where again only
 * {@link QueryException} may escape. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class QueryParserFuzzTest {

  /** Statements with more pattern nodes than this are parsed but not run: their cross products are huge. */
  private static final int MAX_NODES_TO_RUN = 4;
  private static final Trace TRACE = smallTrace();
  private static final Map<String, Object> PARAMS = Map.of("q", new float[] {1, 0, 0}, "k", 3L, "from", 0L,
      "to", 100L, "t", 50L, "s", "conv-1", "ids", List.of(1L, 2L), "m", Map.of("a", 1L), "x", 2.5, "b", true);

  @FuzzTest(maxDuration = "5m")
  @DictionaryEntries({"MATCH", "OPTIONAL", "CALL", "recall(", "YIELD", "RETURN", "WHERE", "AS OF", "ORDER BY",
      "DESC", "SKIP", "LIMIT", "DISTINCT", "count(", "collect(", "BETWEEN", "CONTAINS", "STARTS WITH", "IS NULL",
      "IN", "NOT", "AND", "OR", "XOR", "EXPLAIN", "WITH", "UNWIND", " AS ", "(e:user {session: $s})",
      "-[:NEXT*1..2]->", "<-[r:REFERS_TO]-", "substring(", "replace(", "split(", "range(", "toInteger(", "keys(",
      "round(", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS {", "COUNT {", "COLLECT {", "}", "[x IN ", " | ",
      "any(x IN ", "all(", "single(", "reduce(s = ",
      "e.ts", "e.text", "$q", "$from", "$to", "$t", "9223372036854775808", "1e309", "'\\u00e9'", "`a b`",
      "9223372036854775807", "-9223372036854775807", "4.9e-324", "'\\uD83D\\uDE00'", "/*", "*/", "//", "*0", "*0..32",
      "AS OF 9223372036854775807", "((((", "[[[[", "NOT NOT NOT"})
  void arbitraryTextOnlyEverThrowsQueryException(FuzzedDataProvider data) {
    int template = data.consumeInt(0, TEMPLATES.length);
    String text = data.consumeRemainingAsString();
    // raw text exercises the lexer and parser; a fuzzed expression inside a valid statement reaches the
    // planner and executor far more often than raw text would
    check(template == TEMPLATES.length ? text : TEMPLATES[template].replace("#", text));
  }

  /** Statements with a hole ({@code #}) for fuzzed text, one per place an expression can go. */
  private static final String[] TEMPLATES = {
      "MATCH (e)-[r]->(n) WHERE # RETURN e.id, n.id",
      "MATCH (e {session: 'conv-1'}) RETURN #",
      "MATCH (e)-[r*1..3]-(n) RETURN count(*), #",
      "MATCH (e) RETURN e.id ORDER BY # DESC LIMIT 3",
      "MATCH (e {session: $s}) WHERE # RETURN e.id ORDER BY e.ts DESC, e.id SKIP 1 LIMIT 2",
      "CALL recall($q, 3) YIELD event, score MATCH (event)-[#]->(n) RETURN n",
      "MATCH (e) OPTIONAL MATCH (e)-[:REFERS_TO]->(m) WHERE # RETURN e, m",
      "MATCH (f)-[r:SUPERSEDES]->(g) AS OF # RETURN f, g",
      "MATCH (e) WITH e, # AS x WHERE x IS NOT NULL MATCH (e)-[:NEXT]->(n) RETURN n.id, x",
      "MATCH (e) WITH #",
      "MATCH (e) WHERE EXISTS { (e)-[#]->(n) } RETURN e.id",
      "MATCH (e)-[r]->(m) RETURN e.id, COUNT { # } ORDER BY COUNT { (m)-->() } LIMIT 3",
      "MATCH (e) WHERE NOT EXISTS { MATCH (e)-[:NEXT]->(n) WHERE # } RETURN e.id",
      "MATCH (e {session: $s}) RETURN e.id, COLLECT { (e)-[r]-(n) RETURN # }",
      "MATCH (e) WITH collect(e) AS es RETURN [x IN es WHERE # | x.id]",
      "MATCH (e) WHERE any(w IN split(e.text, ' ') WHERE #) RETURN e.id",
      "MATCH #",
  };

  /** Hand-made inputs at the edges; they also run as plain tests without a corpus. */
  @Test
  void edgeCases() {
    for (String s : List.of("", " ", "MATCH", "MATCH (", "MATCH (e) RETURN e", "EXPLAIN MATCH (e) RETURN e",
        "MATCH (e:user {session: 'conv-1'}) RETURN e.text ORDER BY e.ts DESC LIMIT 5",
        "CALL recall($q, 5) YIELD event, score MATCH (event)-[:NEXT*1..2]->(n) RETURN event.text, score, "
        + "collect(n.text)",
        "MATCH (e)-[:REFERS_TO]->(m) WHERE e.ts BETWEEN $from AND $to RETURN m, count(e) ORDER BY count(e) DESC",
        "MATCH (a:assistant)<-[:NEXT]-(u:user) WHERE u.text CONTAINS 'Lisbon' RETURN a.text",
        "MATCH (f)-[r:SUPERSEDES]->(g) AS OF $t RETURN f, g", "MATCH (e) RETURN -9223372036854775808",
        "MATCH (e) RETURN 9223372036854775808", "MATCH (e) RETURN - 9223372036854775808", "MATCH (e) RETURN 1e999",
        "MATCH (e)-[*0..32]-(n) RETURN count(*)", "MATCH (e)-[*33]-(n) RETURN e", "MATCH (e) RETURN e.x[9999999999]",
        "MATCH (e) RETURN [1,2][-1], 'ab'[0]", "MATCH (e) WHERE e.ts % 0 = 1 RETURN e",
        "MATCH (e) RETURN e SKIP -1 LIMIT 9223372036854775807", "MATCH (e) RETURN 'unterminated",
        "MATCH (e) /* unterminated", "MATCH (e) RETURN $", "MATCH (e) RETURN \u0000", "MATCH (e) RETURN `",
        "(".repeat(10_000), "MATCH (e) RETURN " + "-".repeat(10_000) + "1", "MATCH (e) RETURN " + "NOT ".repeat(5_000)
            + "true",
        "MATCH (e) RETURN " + "[".repeat(300) + "]".repeat(300), "MATCH (e) RETURN '\\u12'",
        "CALL recall($q, -1) YIELD event RETURN event", "CALL recall($missing, 1) YIELD event RETURN event",
        "MATCH (e {id: $ids}) RETURN e", "WITH", "WITH 1 AS x WITH x AS y RETURN y", "MATCH (e) WITH e RETURN n",
        "MATCH (e) WITH e.session AS s, count(*) AS n WHERE n > 1 MATCH (b {session: s}) RETURN s, n, b.id",
        "MATCH (e) WITH e ORDER BY e.ts SKIP 9223372036854775807 LIMIT 9223372036854775807 RETURN e",
        "MATCH (e) WITH e SKIP 9223372036854775807 LIMIT 9223372036854775807 RETURN e",
        "MATCH (e) WITH e LIMIT 0 RETURN e", "UNWIND [1, null] AS x MATCH (x)-[:NEXT]->(n) RETURN n",
        "MATCH (e) WITH collect(e) AS es UNWIND es AS x MATCH (x) RETURN x", "MATCH (e) WHERE e.ts IN $m RETURN e",
        "MATCH (e) AS OF $s RETURN e", "RETURN range(-9223372036854775808, 9223372036854775807, 9223372036854775807)",
        "RETURN range(0, 9223372036854775807, 1)", "RETURN replace('', '', 'x')",
        "RETURN substring('a', 9223372036854775807, 9223372036854775807)", "RETURN toInteger('-9223372036854775808')",
        "MATCH (e)-[r]->(n) RETURN keys(e), properties(r), reverse(collect(n.text))", "RETURN CASE END",
        "RETURN CASE WHEN 1 THEN 2 END", "MATCH (e) RETURN CASE e.role WHEN 'user' THEN count(*) END",
        "RETURN CASE CASE WHEN true THEN 1 END WHEN 1 THEN CASE 2 WHEN 2 THEN 3 END END",
        "RETURN EXISTS { }", "RETURN COUNT { (a) }", "RETURN EXISTS { MATCH (a) WHERE EXISTS { (a)-->(b) } }",
        "MATCH (e)-[r]->() RETURN EXISTS { (e)-[r]->() }", "MATCH (e) RETURN e.role, count(*), COUNT { (e)--() }",
        "MATCH (e) WHERE EXISTS { (e)-->(x) WHERE count(x) > 0 } RETURN e", "MATCH (e) RETURN EXISTS { (e) } AS x, x",
        "OPTIONAL MATCH (m {id: -1}) RETURN COUNT { (m)-[*0..32]-() }", "RETURN count { (a), (b), (c), (d), (e) }",
        "MATCH (e) WITH e, COUNT { (e)-->() } AS n WHERE n > 0 RETURN e.id ORDER BY EXISTS { (e)<--() }",
        "RETURN " + "EXISTS { (a) WHERE ".repeat(120) + "true" + " }".repeat(120),
        "RETURN [x IN range(1, 3) WHERE x > 1 | [y IN range(1, x) | x * y]]", "RETURN [x IN 1 | x]", "RETURN [x IN]",
        "RETURN [null IN [null]]", "RETURN any(x IN [1])", "RETURN all(x IN [1, 'a'] WHERE x > 0)",
        "MATCH (x) RETURN [x IN [x] | x.id], x", "MATCH (e) RETURN e.role, [i IN collect(e.id) | i + e.id]",
        "RETURN single(x IN range(-9223372036854775808, 9223372036854775807, 9223372036854775807) WHERE x < 0)",
        "RETURN " + "[x IN ".repeat(90) + "[1]" + " | x]".repeat(90), "RETURN COLLECT { (a) }",
        "RETURN COLLECT { (a) RETURN COLLECT { (a)-->(b) RETURN b } }",
        "MATCH (e) RETURN collect(e), COLLECT { (e) RETURN e }",
        "RETURN COLLECT { (a), (b), (c) RETURN [a, b, c] }",
        "MATCH (f)-[r]->(g) RETURN EXISTS { (f)-[s]->(g) AS OF r.valid_from WHERE s <> r }",
        "RETURN EXISTS { (a)-->(b) AS OF b.ts }", "RETURN COUNT { (a) AS OF 'x' }",
        "RETURN reduce(s = 0, x IN range(1, 100000) | s + x)", "RETURN reduce(s = [], x IN range(1, 20) | s + s + [x])",
        "RETURN reduce(x = 0, x IN [1] | x)", "RETURN reduce(s = 0, x IN [1])", "RETURN reduce(s = 0)")) {
      check(s);
    }
    for (String s : hostile()) {
      check(s);
      onATinyStack(() -> check(s)); // where running out of stack is the error, as at any depth
    }
  }

  /** Runs {@code work} on a thread with a 64 KiB stack, rethrowing what it threw. */
  private static void onATinyStack(Runnable work) {
    Throwable[] thrown = new Throwable[1];
    Thread tiny = new Thread(null, () -> {
      try {
        work.run();
      } catch (Throwable t) {
        thrown[0] = t;
      }
    }, "tiny-stack", 64 << 10);
    tiny.start();
    try {
      tiny.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (thrown[0] != null) {
      throw new AssertionError("on a 64 KiB stack", thrown[0]);
    }
  }

  /**
   * Hostile text: nesting of every kind far past the parser's bound (as deep as a statement of at most a million
   * characters allows), names, literals and statements at and past their limits, every escape, numbers at the ends
   * of the integers and doubles, comments, Unicode and quoted names, and links seen at the first and last instants.
   */
  private static List<String> hostile() {
    int deep = 100_000;
    List<String> out = new ArrayList<>(List.of(
        "RETURN " + "(".repeat(deep) + "1" + ")".repeat(deep), "RETURN " + "[".repeat(deep) + "]".repeat(deep),
        "RETURN " + "{a: ".repeat(deep) + "1" + "}".repeat(deep), "RETURN " + "NOT ".repeat(deep) + "true",
        "RETURN " + "-".repeat(deep) + "1", "RETURN " + "+".repeat(deep) + "1", "RETURN " + "abs(".repeat(deep) + "1"
            + ")".repeat(deep),
        "RETURN " + "[1][".repeat(deep) + "0" + "]".repeat(deep), "RETURN " + "CASE WHEN true THEN ".repeat(40_000)
            + "1" + " END".repeat(40_000),
        "RETURN " + "CASE ".repeat(50_000) + "1" + " WHEN 1 THEN 1 END".repeat(50_000),
        "MATCH (a) WHERE " + "EXISTS { (a) WHERE ".repeat(40_000) + "true" + " }".repeat(40_000) + " RETURN a",
        "RETURN " + "[x IN ".repeat(80_000) + "[1]" + " | x]".repeat(80_000),
        "RETURN " + "any(x IN [1] WHERE ".repeat(40_000) + "true" + ")".repeat(40_000),
        "RETURN " + "reduce(s = ".repeat(30_000) + "0" + ", x IN [1] | s)".repeat(30_000),
        "MATCH (a)" + "-->()".repeat(deep) + " RETURN a", "MATCH (a" + ":x".repeat(deep) + ") RETURN a",
        "UNWIND [1] AS x " + "WITH x AS x ".repeat(deep / 2) + "RETURN x", "RETURN [1]" + "[0]".repeat(deep),
        "RETURN " + "a".repeat(200_000), "RETURN `" + "a".repeat(200_000) + "`", "RETURN $" + "a".repeat(200_000),
        "RETURN " + "a".repeat(200_000) + "()", "RETURN '" + "a".repeat(200_000) + "' x",
        "RETURN 1." + "1".repeat(200_000),
        "RETURN " + "1".repeat(200_000), "RETURN '" + "a".repeat(Lexer.MAX_LENGTH) + "'",
        "", " \n\t ", "// only a comment", "/* x */", "/* x", ";", "RETURN 1;;", "RETURN 1 garbage", "RETURN 1 )",
        "RETURN 1 // c", "RETURN 1\u0000", "RETURN\r\n1\r\n+ 'a' x", "RETURN '\\\\ \\' \\\" \\n \\t \\r \\u0041'",
        "RETURN '\\b'", "RETURN '\\U0001F600'", "RETURN '\\", "RETURN '\\u00", "RETURN '\\uD83D\\uDE00'",
        "RETURN '\\uDE00\\uD83D'", "RETURN '\\uD83D'", "RETURN '\uD83D'", "RETURN 'a\uDE00b'", "RETURN '\uD83D\uDE00'",
        "RETURN 9223372036854775807", "RETURN -9223372036854775808", "RETURN -(9223372036854775808)",
        "RETURN 9223372036854775807 + 1", "RETURN -9223372036854775808 - 1", "RETURN 1.7976931348623157e308",
        "RETURN 1.7976931348623159e308", "RETURN 4.9e-324", "RETURN 2.4e-324", "RETURN 1e99999999999999999999",
        "RETURN 0e99999999999999999999", "RETURN 0x10", "RETURN 007",
        "UNWIND [1] AS \u00f1and\u00fa RETURN \u00f1and\u00fa",
        "UNWIND [1] AS e\u0301 RETURN 1", "UNWIND [1] AS `a\nb` RETURN `a\nb`", "RETURN ``", "RETURN `a",
        "RETURN \u00a0",
        "MATCH (a)-[r]->(b) AS OF 9223372036854775807 RETURN r",
        "MATCH (a)-[r]->(b) AS OF -9223372036854775807 RETURN r",
        "MATCH (a)-[r]->(b) AS OF -9223372036854775808 RETURN r", "MATCH (a)-[r*0]->(b) RETURN r",
        "MATCH (a)-[r*1..1]-(b) RETURN r", "MATCH (a {id: 10})-[r*..32]-(b) RETURN count(*)",
        "MATCH (a) WHERE a.ts >= -9223372036854775808 AND a.ts <= 9223372036854775807 RETURN a.id ORDER BY a.ts LIMIT "
        + "2",
        "MATCH (a) WHERE a.ts > 9223372036854775807 OR a.ts < -9223372036854775808 RETURN a"));
    return out;
  }

  private static void check(String statement) {
    Statement parsed;
    try {
      parsed = Parser.parse(statement);
    } catch (QueryException e) {
      checkPosition(statement, e);
      return;
    }
    assertNotNull(parsed);
    if (nodes(parsed) > MAX_NODES_TO_RUN) {
      return;
    }
    try {
      // a subquery's pattern runs for each row, and nodes() counts only the statement's own
      assertNotNull(TRACE.query(statement, PARAMS, Duration.ofSeconds(1)));
    } catch (QueryException e) {
      checkPosition(statement, e);
    }
  }

  private static void checkPosition(String statement, QueryException e) {
    assertTrue(e.line() >= 1 && e.column() >= 1, e.getMessage());
    // a reason past 1,000 characters keeps its ends, and the excerpt at most 60 characters either side of the caret
    assertTrue(e.getMessage().length() < 1_400, () -> e.getMessage().length() + " characters: "
        + e.reason().substring(0, 80));
    assertTrue(e.getMessage().startsWith("line " + e.line() + ", column " + e.column() + ": "), e.getMessage());
    assertTrue(e.line() <= statement.lines().count() + 1, e.getMessage());
  }

  private static int nodes(Statement s) {
    int n = 0;
    for (Statement.Clause c : s.clauses()) {
      if (c instanceof Statement.Match m) {
        for (Statement.Path p : m.paths()) {
          n += p.nodes().size();
        }
      } else {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------------------------- the trace

  /** Two short conversations with texts and 3-d vectors, REFERS_TO and SUPERSEDES edges. */
  private static Trace smallTrace() {
    try {
      Path dir = Files.createTempDirectory("query-fuzz");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      Map<Long, String> texts = new HashMap<>();
      Map<Long, float[]> vectors = new HashMap<>();
      Trace t = Trace.open(dir, texts::get, new MapRecall(vectors));
      String[] roles = {"user", "assistant", "tool", "observation", "assistant", "user"};
      for (long id = 1; id <= 12; id++) {
        String session = id <= 6 ? "conv-1" : "conv-2";
        texts.put(id, "turn " + id + (id % 3 == 0 ? " about Lisbon" : " about Berlin"));
        vectors.put(id, new float[] {id % 2, id % 3, 1});
        t.append(new Event(id, session, roles[(int) (id - 1) % roles.length], id * 10, id, id,
            id % 4 == 0 ? Map.of("k", id, "tag", "x") : Map.of()));
      }
      t.addEdge("REFERS_TO", 2, 1);
      t.addEdge("REFERS_TO", 8, 3);
      t.addEdge("CAUSED_BY", 9, 8);
      t.addEdge("SUPERSEDES", 10, 4, 40, Edge.OPEN);
      t.invalidateEdges("SUPERSEDES", 10, 4, 70);
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }

  /** Exact recall over a map, in event-id space. */
  private record MapRecall(Map<Long, float[]> vectors) implements VectorRecall {
    @Override
    public List<Hit> recall(float[] query, int k, LongPredicate filter) {
      List<Hit> hits = new ArrayList<>();
      vectors.forEach((id, v) -> {
        float s = similarity(id, query);
        if (!Float.isNaN(s) && (filter == null || filter.test(id))) {
          hits.add(new Hit(id, s));
        }
      });
      hits.sort(Comparator.comparingDouble(h -> -h.score()));
      return hits.subList(0, Math.min(k, hits.size()));
    }

    @Override
    public float similarity(long eventId, float[] query) {
      float[] v = vectors.get(eventId);
      if (v == null || v.length != query.length) {
        return Float.NaN;
      }
      float dot = 0;
      for (int i = 0; i < v.length; i++) {
        dot += v[i] * query[i];
      }
      return dot;
    }
  }
}
