package dev.aeon.query.exec;

import dev.aeon.query.lang.QueryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The child JVM of {@link ExpressionMemoryTest}: runs each statement of its arguments after the first (a directory
 * to keep the trace in) on the hand-written conversation, as the engine runs them (30 seconds at most), and prints
 * one line for each: {@code error: REASON}, {@code rows: N} or {@code out of memory}; then {@code next: ROWS}, what
 * an ordinary statement returns after them.
 */
final class SmallHeapStatements {

  private SmallHeapStatements() {}

  public static void main(String[] args) throws Exception {
    Conversation c = new Conversation(Path.of(args[0]));
    for (String statement : Arrays.asList(args).subList(1, args.length)) {
      String outcome;
      try {
        outcome = "rows: " + c.trace.query(statement, Map.of(), Duration.ofSeconds(30)).rows().size();
      } catch (QueryException e) {
        outcome = "error: " + e.reason();
      } catch (OutOfMemoryError e) {
        outcome = "out of memory";
      }
      System.out.println(outcome);
    }
    System.out.println("next: " + c.trace.query("MATCH (e {id: 4}) RETURN e.text", Map.of()).rows());
    c.trace.close();
  }
}
