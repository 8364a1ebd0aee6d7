package dev.aeon.query.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The table a query returns. Values are null, Long, Double, String, Boolean, float[] (vectors),
 * List, Map, {@link dev.aeon.query.trace.Event} (nodes) or {@link dev.aeon.query.trace.Edge}.
 */
public record QueryResult(List<String> columns, List<List<Object>> rows) {

  public int size() {
    return rows.size();
  }

  /** The values of one column, in row order. */
  public List<Object> column(String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column '" + name + "' in " + columns);
    }
    List<Object> out = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      out.add(row.get(i));
    }
    return out;
  }

  /** A plain-text table, for people. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(String.join(" | ", columns)).append('\n');
    for (List<Object> row : rows) {
      sb.append(String.join(" | ", row.stream().map(Values::display).toList())).append('\n');
    }
    return sb.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").toString();
  }
}
