package dev.aeon.query.exec;

import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import dev.aeon.query.trace.TextResolver;
import dev.aeon.query.trace.TraceGraph;
import dev.aeon.query.trace.VectorRecall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs statements of the query language against a trace: parse, check, plan, execute. Thread-safe
 * (each call builds its own plan); reads never block the trace's writer.
 */
public final class QueryRunner {

  private final TraceGraph graph;
  private final TextResolver text;
  private final VectorRecall vectors;
  private final ParsedStatements parsed = new ParsedStatements();

  public QueryRunner(TraceGraph graph, TextResolver text, VectorRecall vectors) {
    this.graph = graph;
    this.text = text;
    this.vectors = vectors;
  }

  /**
   * Runs a statement with its parameters (null: none). An {@code EXPLAIN} statement returns its plan, one line per
   * row in column {@code plan}, without running it. Throws {@link QueryException} for any error in the
   * statement or its parameters.
   */
  public QueryResult query(String statement, Map<String, Object> params) {
    return query(statement, params, Duration.ZERO);
  }

  /**
   * As {@link #query(String, Map)}, stopping the statement with a {@link QueryException} once it has run for
   * {@code timeLimit} (zero: no limit).
   */
  public QueryResult query(String statement, Map<String, Object> params, Duration timeLimit) {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(timeLimit, "timeLimit");
    if (timeLimit.isNegative()) {
      throw new IllegalArgumentException("timeLimit must be zero (no limit) or positive: " + timeLimit);
    }
    // The parser bounds nesting and chains (a + b + ... or a.b.c...), and parameters are bounded when
    // read; the catch is a backstop for a thread with a small stack, not the bound itself (parsing the
    // deepest statement accepted recurses too)
    try {
      Statement st = parsed.parse(statement);
      Planner.Plan plan = plan(st, params, new Deadline(timeLimit));
      if (st.explain()) {
        return new QueryResult(List.of("plan"), plan.explain().stream().map(l -> List.<Object>of(l)).toList());
      }
      plan.head().push(new Object[plan.rowSize()]);
      plan.withs().forEach(WithOp::flush);
      return plan.sink().finish(plan.columns());
    } catch (StackOverflowError e) {
      throw tooDeep(statement);
    }
  }

  /** The plan of a statement (with or without EXPLAIN), one operator per line in execution order. */
  public String explain(String statement, Map<String, Object> params) {
    Objects.requireNonNull(statement, "statement");
    try {
      Statement st = parsed.parse(statement);
      return String.join("\n", plan(st, params, new Deadline(Duration.ZERO)).explain());
    } catch (StackOverflowError e) {
      throw tooDeep(statement);
    }
  }

  private static QueryException tooDeep(String statement) {
    return new QueryException(statement, 0, "query too deep to evaluate");
  }

  private Planner.Plan plan(Statement st, Map<String, Object> params, Deadline deadline) {
    Scope scope = new Scope();
    Evaluator ev = new Evaluator(graph, text, vectors, st.source(), scope, params == null ? Map.of() : params,
        deadline);
    return new Planner(st, ev).plan();
  }
}
