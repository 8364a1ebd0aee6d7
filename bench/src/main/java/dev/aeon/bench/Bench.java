package dev.aeon.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;

/**
 * Entry point of {@code ./aeon bench NAME [ARGS]}: finds the class {@code dev.aeon.bench.NAME.<Name>Bench}
 * and runs its {@code main(String[])} with the remaining arguments. New benchmarks need no registration.
 */
public final class Bench {

  private Bench() {}

  private static final String USAGE = """
      usage: ./aeon bench NAME [--quick] [options]
        NAME: every benchmark is listed by ./aeon help; ./aeon bench NAME --help prints its options
      """;

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.print(USAGE);
      System.exit(2);
    }
    // ./aeon help promises COMMAND --help for every command; without a NAME it was read as one.
    if (args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      System.exit(0);
    }
    String name = args[0].toLowerCase(Locale.ROOT);
    if (!name.matches("[a-z][a-z0-9]*")) {
      fail("not a benchmark name: '" + args[0] + "'");
    }
    String className = "dev.aeon.bench." + name + "."
        + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Bench";
    Method main;
    try {
      main = Class.forName(className).getMethod("main", String[].class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      fail("no benchmark named '" + name + "' (looked for " + className + ")");
      return;
    }
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void fail(String message) {
    System.err.println("aeon bench: " + message);
    System.exit(2);
  }
}
