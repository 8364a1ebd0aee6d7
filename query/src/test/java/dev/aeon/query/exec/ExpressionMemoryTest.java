package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.*;

import dev.aeon.query.lang.QueryException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements whose expressions build more than a statement may hold ({@link BuiltValues}), run in a JVM of a heap
 * small enough that each of them ran it out of memory: each now fails with the bound's error, and the next
 * statement runs.
 */
class ExpressionMemoryTest extends OnConversation {

  private static final String HEAP = "-Xmx512m";

  /** A string of 2^n characters, doubled n times by reduce (+ allows 2^26). */
  private static String doubled(int n) {
    return "reduce(s = 'x', i IN range(1, " + n + ") | s + s)";
  }

  private static final List<String> STATEMENTS = List.of(
      // one list: 60 million integers
      "RETURN size(range(1, 60000000))",
      // 8,000 lists of 8,000: 64 million, which a comprehension allowed (fewer than 67,108,864)
      "RETURN size([x IN range(1, 8000) | range(1, 8000)])",
      // lists that each fit, three at once: in a row, and in the rows of nested UNWINDs
      "WITH range(1, 9000000) AS a, range(1, 9000000) AS b, range(1, 9000000) AS c RETURN size(a + b + c)",
      "UNWIND range(1, 9000000) AS a UNWIND range(1, 9000000) AS b UNWIND range(1, 9000000) AS c RETURN a LIMIT 1",
      // a string of 33 million characters split into as many strings
      "RETURN size(split(" + doubled(25) + ", ''))",
      // 16 strings of 67 million characters that replace made
      "RETURN size([i IN range(1, 16) | replace(" + doubled(22) + ", 'x', 'xxxxxxxxxxxxxxxx')])",
      // a list holding one list 2^40 times over, nested: small, but copied whole by toString
      "RETURN size(toString(reduce(acc = [], x IN range(1, 40) | [acc, acc])))",
      // COLLECT of 361 matches of lists of 200,000
      "MATCH (e {id: 1}) RETURN size(COLLECT { MATCH (a), (b) RETURN range(1, 200000) })");

  @Test
  void statementsThatRanTheHeapOutOfMemoryFailWithTheBoundsErrorAndTheNextOneRuns(@TempDir Path childDir)
      throws Exception {
    List<String> lines = runInSmallHeap(childDir, STATEMENTS);
    String tooLarge = "error: expressions too large: more than " + BuiltValues.MAX_BUILT + " values built and held"
        + " at once (the lists, strings and maps a statement's expressions build); build smaller lists and strings";
    List<String> expected = new ArrayList<>(java.util.Collections.nCopies(STATEMENTS.size(), tooLarge));
    expected.add("next: [[Hi, I just moved to Lisbon!]]");
    assertEquals(expected, lines, "the outcomes of, in order:\n" + String.join("\n", STATEMENTS));
  }

  private Object value(String statement) {
    List<List<Object>> rows = c.trace.query(statement, Map.of()).rows();
    assertEquals(1, rows.size(), statement);
    return rows.getFirst().getFirst();
  }

  /** Each of these built more than the bound in all, but held far less of it at once. */
  @Test
  void whatIsDroppedIsNoLongerCounted() {
    // a row's values, once it went through: 18 million in all, 6 million at once
    assertEquals(18_000_000L, value("UNWIND range(1, 3) AS i WITH i, range(1, 6000000) AS r RETURN sum(size(r))"));
    assertEquals(2_000_000L, value("UNWIND range(1, 2000000) AS i WITH i, split('a b c d', ' ') AS p"
        + " WHERE size(p) = 4 RETURN count(*)"));
    // a function's arguments, an element's temporaries, the accumulators before the last
    assertEquals(18_000_000L, value("RETURN size(range(1, 9000000)) + size(range(1, 9000000))"));
    assertEquals(2_000_000L, value("RETURN size([x IN range(1, 2000000) | size(split(toString(x) + ' a b c', ' '))])"));
    assertEquals(10_000L, value("RETURN size(reduce(acc = [], x IN range(1, 10000) | acc + [x]))"));
    // what COLLECT collects stays counted while its pattern's rows are dropped: 361 lists of 20,001 and of 30,001
    String collect = "MATCH (e {id: 1}) RETURN size(COLLECT { MATCH (a), (b) RETURN range(1, %d) })";
    assertEquals(361L, value(collect.formatted(20_000)));
    assertTrue(assertThrows(QueryException.class, () -> c.trace.query(collect.formatted(30_000), Map.of())).reason()
        .startsWith("expressions too large"));
  }

  private static List<String> runInSmallHeap(Path dir, List<String> statements) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, HEAP, "-cp", System.getProperty("java.class.path"),
        SmallHeapStatements.class.getName(), dir.toString()));
    command.addAll(statements);
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    } finally {
      if (!child.waitFor(5, TimeUnit.MINUTES)) {
        child.destroyForcibly();
      }
    }
    return lines;
  }
}
