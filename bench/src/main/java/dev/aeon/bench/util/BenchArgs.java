package dev.aeon.bench.util;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of a benchmark that takes flags ({@code --quick}) and options with one value each
 * ({@code --dir DIR}). Anything else is refused, with the usage line and exit status 2: a benchmark that
 * ignored what it did not know would take a mistyped {@code --quick} for a full run, which takes minutes
 * to hours.
 */
public final class BenchArgs {

  private final Set<String> flags;
  private final Map<String, String> values;

  private BenchArgs(Set<String> flags, Map<String, String> values) {
    this.flags = flags;
    this.values = values;
  }

  /**
   * Parses the arguments of {@code ./aeon bench NAME}, or prints the problem and the usage and exits.
   *
   * @param flags the flags it takes
   * @param options the options that take a value, each with the name of its value for the usage line
   */
  public static BenchArgs parseOrExit(String bench, String[] args, List<String> flags, Map<String, String> options) {
    try {
      return parse(args, flags, options);
    } catch (IllegalArgumentException e) {
      StringBuilder usage = new StringBuilder("usage: ./aeon bench ").append(bench);
      flags.forEach(f -> usage.append(" [").append(f).append(']'));
      options.forEach((o, value) -> usage.append(" [").append(o).append(' ').append(value).append(']'));
      System.err.println("aeon bench " + bench + ": " + e.getMessage());
      System.err.println(usage);
      System.exit(2);
      throw e; // not reached
    }
  }

  /** Parses the arguments; throws IllegalArgumentException naming the first one it does not take. */
  static BenchArgs parse(String[] args, List<String> flags, Map<String, String> options) {
    Set<String> given = new HashSet<>();
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (flags.contains(arg)) {
        given.add(arg);
      } else if (options.containsKey(arg)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        values.put(arg, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    return new BenchArgs(given, values);
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }

  /** The option's value, or null when it was not given. */
  public String value(String option) {
    return values.get(option);
  }

  /** The option's value as a positive whole number, or {@code otherwise} when it was not given; else exits 2. */
  public int positiveInt(String option, int otherwise) {
    String v = values.get(option);
    if (v == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println("aeon bench: " + option + " needs a positive whole number, got '" + v + "'");
    System.exit(2);
    return otherwise; // not reached
  }
}
