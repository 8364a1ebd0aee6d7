package dev.aeon.query.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * A list built value by value (a list comprehension's, COLLECT's), bounded as {@code range()} and {@code +} bound
 * theirs: no more than {@link Arithmetic#MAX_CONCATENATED} values, weighed as a result is ({@link Values#weight}: a
 * list by its elements, a string by every 16 characters).
 */
final class BoundedList {

  private final List<Object> values = new ArrayList<>();
  private long weight;

  /** Adds {@code value}; false, adding nothing, if the list would hold more than the bound. */
  boolean add(Object value) {
    weight += Values.weight(value);
    if (weight > Arithmetic.MAX_CONCATENATED) {
      return false;
    }
    values.add(value);
    return true;
  }

  List<Object> values() {
    return values;
  }
}
