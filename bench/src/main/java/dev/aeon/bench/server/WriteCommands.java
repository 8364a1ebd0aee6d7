package dev.aeon.bench.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The argument lists of the writes the server benches send through redis-benchmark ({@link OneClient}, {@link
 * PipelinedWrites}): a vector given as numbers whose first component redis-benchmark draws per request, and the
 * MEM.ADD and VADD that store one event of it.
 */
final class WriteCommands {

  private WriteCommands() {}

  /**
   * {@code VALUES dimension first 1 2 ... dimension-1}: {@code first} holds redis-benchmark's {@code __rand_int__}
   * (as a whole number, or a fraction's digits), so that each request's vector differs.
   */
  static List<String> values(int dimension, String first) {
    List<String> v = new ArrayList<>(List.of("VALUES", Integer.toString(dimension), first));
    for (int i = 1; i < dimension; i++) {
      v.add(Integer.toString(i));
    }
    return v;
  }

  /** {@code MEM.ADD bench-session user text VECTOR vector...}: one event a request. */
  static List<String> memAdd(String text, List<String> vector) {
    List<String> add = new ArrayList<>(List.of("MEM.ADD", "bench-session", "user", text, "VECTOR"));
    add.addAll(vector);
    return add;
  }

  /** {@code VADD key vector... e__rand_int__}: one element a request, replacing one of the name drawn before. */
  static List<String> vadd(String key, List<String> vector) {
    List<String> vadd = new ArrayList<>(List.of("VADD", key));
    vadd.addAll(vector);
    vadd.add("e__rand_int__");
    return vadd;
  }
}
