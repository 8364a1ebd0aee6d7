package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import dev.aeon.query.lang.QueryException;
import dev.aeon.query.lang.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end of every pipeline: RETURN's projection or grouping and aggregation, then DISTINCT, ORDER BY,
 * SKIP and LIMIT. Without ORDER BY, DISTINCT or aggregates it stops the pipeline once it has enough rows.
 * A {@link WithOp} that must see every row first projects through one too.
 */
final class ResultSink extends EvaluatingOperator {

  /**
   * Most values a result may hold while it is built: a returned or sort value of a row, a group, a value
   * collected or remembered by {@code DISTINCT}, each weighed by its size ({@link Values#weight}: a long
   * string counts as many values). A statement may match far more rows than memory holds (a
   * cartesian product of a few patterns), and the engine runs in a server: past this bound it fails
   * instead of running the process out of memory. The bound is the statement's, shared by its projections
   * ({@link HeldValues}). ORDER BY with LIMIT keeps only the rows it may return.
   */
  static final long MAX_HELD = 10_000_000;

  /**
   * A sort key: a returned column, or an expression; one that reads RETURN's aliases is evaluated by
   * {@link Sorting}, any other over the row before projection.
   */
  record SortKey(int column, Expr expr, boolean usesAliases, boolean descending) {}

  /**
   * How sort expressions are evaluated: over the row before projection extended with the returned
   * columns that have an alias, each at its slot in the evaluator's scope ({@code -1}: no alias).
   */
  record Sorting(Evaluator evaluator, int[] aliasSlots) {

    Object eval(Expr e, Object[] row, Object[] out) {
      Object[] extended = Arrays.copyOf(row, evaluator.scope.size());
      for (int i = 0; i < aliasSlots.length; i++) {
        if (aliasSlots[i] >= 0) {
          extended[aliasSlots[i]] = out[i];
        }
      }
      return evaluator.eval(e, extended);
    }
  }

  private final Statement.Return ret;
  private final List<Expr.Call> aggregates;
  private final List<SortKey> sort;
  private final Sorting sorting; // null if no sort key reads an alias
  private final long skip;
  private final long limit;
  private final List<Object[]> rows = new ArrayList<>();
  /** The rows DISTINCT has kept so far, by {@link #distinctKey}; null without DISTINCT or with aggregates. */
  private final Set<List<Object>> distinctRows;
  /** What {@link #distinctRows} weighs ({@link Values#keyWeight}). */
  private long remembered;
  /** What this projection holds, its share of {@link #statementHeld}. */
  private long held;
  private final HeldValues statementHeld;
  private final Map<List<Object>, Group> groups = new LinkedHashMap<>();
  /** The returned expressions without aggregates: a group's key. */
  private final List<Expr> groupingKeys;
  /**
   * The row slot of the scan whose events come in the order of the first sort key ({@link #stopOnSortedRows}),
   * else -1. Such rows carry the event's slot after their sort values: ties sort by it, as they came from the
   * scan in its index's order.
   */
  private int sortedScanVar = -1;
  private Object lastFirstKey;

  /** A group: its first row, and an accumulator per aggregate call, in the order of {@link #aggregates}. */
  private record Group(Object[] row, Accumulator[] accumulators) {}

  ResultSink(Evaluator ev, Statement.Return ret, List<Expr.Call> aggregates, List<SortKey> sort, Sorting sorting,
      long skip, long limit, HeldValues statementHeld) {
    super(ev);
    this.ret = ret;
    this.aggregates = aggregates;
    this.sort = sort;
    this.sorting = sorting;
    this.skip = skip;
    this.limit = limit;
    this.statementHeld = statementHeld;
    this.distinctRows = ret.distinct() && aggregates.isEmpty() ? new HashSet<>() : null;
    this.groupingKeys = aggregates.isEmpty() ? List.of()
        : ret.items().stream().map(Statement.Item::expr).filter(e -> !Expr.containsAggregate(e)).toList();
  }

  private boolean aggregating() {
    return !aggregates.isEmpty();
  }

  /**
   * The expression of the first sort key (a returned column's, for a key naming one) if this sink could stop
   * early on rows that come in its order: it sorts, has a LIMIT, and neither aggregates nor uses DISTINCT. Else null;
   * also for a key that reads the projection's aliases, as its variables are not the row's: in {@code RETURN m AS e
   * ORDER BY e.ts}, {@code e.ts} is m's timestamp.
   */
  Expr firstSortKeyToStopOn() {
    if (sort.isEmpty() || limit < 0 || skip + limit < 0 || aggregating() || ret.distinct()
        || sort.getFirst().usesAliases()) {
      return null;
    }
    SortKey k = sort.getFirst();
    return k.column() >= 0 ? ret.items().get(k.column()).expr() : k.expr();
  }

  boolean firstSortDescending() {
    return sort.getFirst().descending();
  }

  /**
   * Rows will come in the order of the first sort key, its ties in any order, each from an event of the scan
   * binding {@code scanVar}: once skip + limit rows and every tie of the last one's first key have come, no
   * later row can be returned, and the sink stops. The result is the same as with every row: ties of all keys
   * sort by the event's slot, the order the scan's index would have yielded them in.
   */
  void stopOnSortedRows(int scanVar) {
    sortedScanVar = scanVar;
  }

  /** Whether a row can be returned only once every row has come: to aggregate, tell apart or sort them. */
  boolean needsEveryRow() {
    return aggregating() || ret.distinct() || !sort.isEmpty();
  }

  long skip() {
    return skip;
  }

  /** LIMIT, or -1 without one. */
  long limit() {
    return limit;
  }

  /** Projects, groups or remembers a row: what it keeps of the row, {@link HeldValues} counts. */
  @Override
  boolean process(Object[] row) {
    if (aggregating()) {
      List<Object> key = groupingKeys.isEmpty() ? List.of() : new ArrayList<>(groupingKeys.size());
      for (Expr e : groupingKeys) {
        key.add(groupingKey(ev, ret.pos(), ev.eval(e, row)));
      }
      Group g = groups.get(key);
      if (g == null) {
        // the group keeps the whole row, not its key alone: a list beside the key was held but not counted
        hold(Values.keyWeight(key) + weight(row));
        g = new Group(row.clone(), newAccumulators());
        groups.put(key, g);
      }
      for (Accumulator a : g.accumulators()) {
        hold(a.add(ev, row));
      }
      return true;
    }
    int n = ret.items().size();
    Object[] out = new Object[n + sort.size() + (sortedScanVar >= 0 ? 1 : 0)];
    for (int i = 0; i < n; i++) {
      out[i] = ev.eval(ret.items().get(i).expr(), row);
    }
    if (distinctRows != null) {
      List<Object> key = distinctKey(ev, ret.pos(), out, n);
      if (!distinctRows.add(key)) {
        return wantsMore();
      }
      long keyWeight = Values.keyWeight(key);
      remembered += keyWeight;
      hold(keyWeight);
    }
    for (int i = 0; i < sort.size(); i++) {
      SortKey k = sort.get(i);
      out[n + i] = sortValue(k, row, out);
    }
    if (sortedScanVar >= 0) {
      if (rows.size() >= skip + limit && Values.orderCompare(out[n], lastFirstKey, ev.visits) != 0) {
        return false; // this row and every one after it sort after skip + limit rows already here
      }
      lastFirstKey = out[n];
      out[out.length - 1] = ((NodeRef) row[sortedScanVar]).slot();
    }
    hold(weight(out));
    rows.add(out);
    long keep = skip + limit;
    if (!sort.isEmpty() && limit >= 0 && keep >= 0 && keep <= MAX_HELD && rows.size() > 2 * keep + 1024) {
      // only the first skip + limit rows in sort order can be returned: a stable sort keeps ties in
      // the order they came, so sorting now and later gives the order of one sort at the end (DISTINCT
      // sorts by returned columns only, so a row dropped here drops its duplicates, which it remembers)
      rows.sort(comparator(n));
      rows.subList((int) keep, rows.size()).clear();
      long kept = remembered;
      for (Object[] r : rows) {
        kept += weight(r);
      }
      statementHeld.release(held - kept);
      held = kept;
    }
    return wantsMore();
  }

  /** Whether rows to come may still be returned: always, unless the first skip + limit are all here. */
  private boolean wantsMore() {
    return !sort.isEmpty() || limit < 0 || rows.size() < skip + limit
        || skip + limit < 0; // skip + limit overflowed: never reached
  }

  private static long weight(Object[] values) {
    long w = 0;
    for (Object v : values) {
      w += Values.weight(v);
    }
    return w;
  }

  /** The key by which DISTINCT tells rows apart: their first {@code n} (returned) values. */
  private static List<Object> distinctKey(Evaluator ev, int pos, Object[] out, int n) {
    List<Object> key = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      key.add(groupingKey(ev, pos, out[i]));
    }
    return key;
  }

  /**
   * {@link Values#groupingKey} of a value that may be held: weighed first, as the key is a copy of it whole. A list
   * holding one list many times over, nested, is small, but its key is as large as its weight: building it before
   * weighing it ran the process out of memory (after minutes) where the result's bound was to refuse it.
   */
  static Object groupingKey(Evaluator ev, int pos, Object v) {
    if (Values.keyWeight(v, MAX_HELD) > MAX_HELD) {
      throw tooLarge(ev, pos);
    }
    return Values.groupingKey(v);
  }

  private void hold(long values) {
    held += values;
    if (!statementHeld.add(values)) {
      throw tooLarge(ev, ret.pos());
    }
  }

  private static QueryException tooLarge(Evaluator ev, int pos) {
    return ev.error(pos, "result too large: more than " + MAX_HELD + " values held (returned and sort"
        + " values of the rows, groups, collected and distinct values); add LIMIT, aggregate or narrow the pattern");
  }

  /** A sort key's value for a row ({@code row} before projection, {@code out} its returned columns). */
  private Object sortValue(SortKey k, Object[] row, Object[] out) {
    if (k.column() >= 0) {
      return out[k.column()];
    }
    return k.usesAliases() ? sorting.eval(k.expr(), row, out) : ev.eval(k.expr(), row);
  }

  private Accumulator[] newAccumulators() {
    Accumulator[] a = new Accumulator[aggregates.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = new Accumulator(aggregates.get(i));
    }
    return a;
  }

  /** The final table: {@link #rows()} with the engine's values in place of the graph's references. */
  QueryResult finish(List<String> columns) {
    List<List<Object>> table = new ArrayList<>();
    for (Object[] r : rows()) {
      for (int i = 0; i < r.length; i++) {
        try {
          r[i] = Values.returned(r[i], ev.graph);
        } catch (IllegalArgumentException e) {
          Statement.Item item = ret.items().get(i);
          throw ev.error(item.expr().pos(), "column '" + item.column() + "' holds " + e.getMessage());
        }
      }
      table.add(java.util.Collections.unmodifiableList(Arrays.asList(r)));
    }
    return new QueryResult(List.copyOf(columns), java.util.Collections.unmodifiableList(table));
  }

  /**
   * The rows in their final order, after SKIP and LIMIT, each holding its returned columns only; called once,
   * after the last row was pushed. {@link #release} then lets the statement's other projections hold more.
   */
  List<Object[]> rows() {
    int n = ret.items().size();
    if (aggregating()) {
      if (groups.isEmpty() && groupingKeys.isEmpty()) {
        groups.put(List.of(), new Group(new Object[ev.scope.size()], newAccumulators()));
      }
      for (Group g : groups.values()) {
        Map<Expr.Call, Object> values = new IdentityHashMap<>();
        for (int i = 0; i < aggregates.size(); i++) {
          values.put(aggregates.get(i), g.accumulators()[i].result(ev));
        }
        Object[] out = new Object[n + sort.size()];
        for (int i = 0; i < n; i++) {
          out[i] = ev.eval(ret.items().get(i).expr(), g.row(), values);
        }
        for (int i = 0; i < sort.size(); i++) {
          out[n + i] = sortValue(sort.get(i), g.row(), out);
        }
        rows.add(out);
      }
    }
    List<Object[]> result = rows;
    if (ret.distinct() && aggregating()) { // rows without aggregates were told apart as they came
      Set<List<Object>> seen = new HashSet<>();
      result = new ArrayList<>();
      for (Object[] r : rows) {
        if (seen.add(distinctKey(ev, ret.pos(), r, n))) {
          result.add(r);
        }
      }
    }
    if (!sort.isEmpty()) {
      result.sort(comparator(n));
    }
    int from = (int) Math.min(skip, result.size());
    // from + limit may overflow
    int to = limit < 0 ? result.size() : from + (int) Math.min(result.size() - from, limit);
    return result.subList(from, to).stream().map(r -> r.length == n ? r : Arrays.copyOf(r, n)).toList();
  }

  /** Drops every row, group and value held, once the rows were passed on; the sink is done. */
  void release() {
    rows.clear();
    groups.clear();
    if (distinctRows != null) {
      distinctRows.clear();
    }
    statementHeld.release(held);
    held = 0;
    remembered = 0;
  }

  private Comparator<Object[]> comparator(int n) {
    Comparator<Object[]> c = (a, b) -> 0;
    for (int i = 0; i < sort.size(); i++) {
      int at = n + i;
      boolean desc = sort.get(i).descending();
      // nulls sort last ascending and first descending, as in Cypher
      Comparator<Object[]> k = (a, b) -> Values.orderCompare(a[at], b[at], ev.visits);
      c = c.thenComparing(desc ? k.reversed() : k);
    }
    if (sortedScanVar >= 0) {
      int slot = n + sort.size();
      c = c.thenComparing(r -> (Integer) r[slot]);
    }
    return c;
  }

  @Override
  String describe() {
    StringBuilder sb = new StringBuilder(aggregating() ? "Aggregate " : "Project ");
    if (ret.distinct()) {
      sb.append("DISTINCT ");
    }
    sb.append(String.join(", ", ret.items().stream().map(Statement.Item::column).toList()));
    if (!sort.isEmpty()) {
      sb.append(" | Sort ").append(String.join(", ", sort.stream()
          .map(k -> (k.column() >= 0 ? ret.items().get(k.column()).column() : Expr.render(k.expr()))
              + (k.descending() ? " DESC" : "")).toList()));
    }
    if (skip > 0) {
      sb.append(" | Skip ").append(skip);
    }
    if (limit >= 0) {
      sb.append(" | Limit ").append(limit);
    }
    return sb.toString();
  }
}
