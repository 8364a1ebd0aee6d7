package dev.aeon.common;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How values a Java caller hands over are read and named, the same way in every module. */
public final class JavaValues {

  private JavaValues() {}

  /**
   * A float as the decimal it was written as: {@code 0.1f} becomes the double 0.1, not 0.10000000149011612
   * (the float's exact value), so that a Float attribute equals the literal 0.1 in a filter or a query.
   */
  public static double decimal(float f) {
    return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f;
  }

  /**
   * The type of a value as a caller would name it: {@code List} for {@code List.of(1, 2)} (not the JDK's
   * {@code List12}), {@code int[]} for an int array (not {@code [I}).
   */
  public static String typeName(Object v) {
    return switch (v) {
      case List<?> l -> "List";
      case Set<?> s -> "Set";
      case Collection<?> c -> "Collection";
      case Map<?, ?> m -> "Map";
      default -> v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName() + "[]"
          : v.getClass().getSimpleName().isEmpty() ? v.getClass().getName() : v.getClass().getSimpleName();
    };
  }
}
