package dev.aeon.bench.util;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@code ./aeon bench NAME}: flags ({@code --quick}) and options with one value each
 * ({@code --dir DIR} or {@code --dir=DIR}). Anything else, and a value of the wrong kind, is refused with the usage
 * line and exit status 2: a benchmark that ignored what it did not know would take a mistyped {@code --quick} for a
 * full run, which takes minutes to hours. {@code --help} (or {@code -h}) prints the usage line and exits 0.
 */
public final class BenchArgs {

  private final String bench;
  private final String usage;
  private final boolean exitOnProblem;
  private final Set<String> flags;
  private final Map<String, String> values;

  private BenchArgs(String bench, String usage, boolean exitOnProblem, Set<String> flags, Map<String, String> values) {
    this.bench = bench;
    this.usage = usage;
    this.exitOnProblem = exitOnProblem;
    this.flags = flags;
    this.values = values;
  }

  /**
   * Parses the arguments of {@code ./aeon bench NAME}, or prints the problem and the usage and exits.
   *
   * @param specs what the bench takes, in the order of its usage line: {@code "--quick"} is a flag,
   *     {@code "--events N"} an option whose value the usage line calls N, and {@code "!--dataset NAME"} one that
   *     must be given (see {@link #required}), which the usage line shows without brackets
   */
  public static BenchArgs parseOrExit(String bench, String[] args, String... specs) {
    String usage = usage(bench, specs);
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) { // as every other command takes it
      System.out.println(usage);
      System.exit(0);
    }
    try {
      return parse(bench, args, true, specs);
    } catch (IllegalArgumentException e) {
      exit(bench, usage, e.getMessage());
      throw e; // not reached
    }
  }

  /**
   * Parses the arguments; throws IllegalArgumentException for the first one it does not take, and so does
   * {@link #fail} on what it returns (a bench's tests read its command line with this).
   */
  public static BenchArgs parse(String bench, String[] args, String... specs) {
    return parse(bench, args, false, specs);
  }

  private static BenchArgs parse(String bench, String[] args, boolean exitOnProblem, String... specs) {
    Set<String> flagNames = new HashSet<>();
    Set<String> optionNames = new HashSet<>();
    for (String spec : specs) {
      spec = spec.startsWith("!") ? spec.substring(1) : spec;
      int space = spec.indexOf(' ');
      (space < 0 ? flagNames : optionNames).add(space < 0 ? spec : spec.substring(0, space));
    }
    Set<String> given = new HashSet<>();
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      if (equals > 0 && optionNames.contains(arg.substring(0, equals))) { // --dir=DIR as well as --dir DIR
        values.put(arg.substring(0, equals), arg.substring(equals + 1));
      } else if (flagNames.contains(arg)) {
        given.add(arg);
      } else if (optionNames.contains(arg)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        values.put(arg, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    return new BenchArgs(bench, usage(bench, specs), exitOnProblem, given, values);
  }

  static String usage(String bench, String... specs) {
    StringBuilder usage = new StringBuilder("usage: ./aeon bench ").append(bench);
    for (String spec : specs) {
      usage.append(spec.startsWith("!") ? " " + spec.substring(1) : " [" + spec + "]");
    }
    return usage.toString();
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }

  /** The option's value, or null when it was not given. */
  public String value(String option) {
    return values.get(option);
  }

  /** The option's value, or {@code otherwise} when it was not given. */
  public String value(String option, String otherwise) {
    return values.getOrDefault(option, otherwise);
  }

  /** The option's value, which must be given. */
  public String required(String option) {
    String v = values.get(option);
    if (v == null) {
      fail(option + " is required");
    }
    return v;
  }

  /** The option's value as a positive whole number, or {@code otherwise} when it was not given. */
  public int positiveInt(String option, int otherwise) {
    return wholeNumber(option, otherwise, 1, "a positive whole number");
  }

  /** The option's value as a whole number of at least 0, or {@code otherwise} when it was not given. */
  public int nonNegativeInt(String option, int otherwise) {
    return wholeNumber(option, otherwise, 0, "a whole number of at least 0");
  }

  private int wholeNumber(String option, int otherwise, int least, String what) {
    String v = values.get(option);
    if (v == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= least) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail(option + " needs " + what + ", got '" + v + "'");
    return otherwise; // not reached
  }

  /** The option's value as a number above 0 and at most {@code atMost}, or {@code otherwise} when it was not given. */
  public double positiveNumber(String option, double otherwise, double atMost) {
    String v = values.get(option);
    return v == null ? otherwise : positiveNumber(option, v, atMost);
  }

  /** The option's comma-separated numbers, each above 0 and at most {@code atMost}, or {@code otherwise}. */
  public float[] positiveNumbers(String option, float[] otherwise, double atMost) {
    String v = values.get(option);
    if (v == null) {
      return otherwise;
    }
    String[] parts = v.split(",", -1);
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = (float) positiveNumber(option, parts[i].trim(), atMost);
    }
    return out;
  }

  private double positiveNumber(String option, String v, double atMost) {
    try {
      double d = Double.parseDouble(v);
      if (d > 0 && d <= atMost) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String bound = atMost < Double.MAX_VALUE
        ? " and at most " + BigDecimal.valueOf(atMost).stripTrailingZeros().toPlainString() : "";
    fail(option + " needs a number above 0" + bound + ", got '" + v + "'");
    return Double.NaN; // not reached
  }

  /** Reports a problem with the command line: exits 2 with the usage line (throws in tests). */
  public void fail(String problem) {
    if (!exitOnProblem) {
      throw new IllegalArgumentException(problem);
    }
    exit(bench, usage, problem);
  }

  private static void exit(String bench, String usage, String problem) {
    System.err.println("aeon bench " + bench + ": " + problem);
    System.err.println(usage);
    System.exit(2);
  }
}
