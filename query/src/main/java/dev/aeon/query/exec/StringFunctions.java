package dev.aeon.query.exec;

import dev.aeon.query.lang.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * The string functions. Positions and lengths count characters (code points), as {@code size()} does, so that a
 * character outside the Basic Multilingual Plane is never cut in half. Each argument is non-null here
 * ({@link Functions} returns null for a null argument).
 */
final class StringFunctions {

  private StringFunctions() {}

  static Object call(Evaluator ev, Expr.Call c, List<Object> args) {
    String s = string(ev, c, args.getFirst(), "a string");
    return switch (c.name()) {
      // no longer than the string they are taken from
      case "trim" -> ev.built(s.strip(), c.pos());
      case "ltrim" -> ev.built(s.stripLeading(), c.pos());
      case "rtrim" -> ev.built(s.stripTrailing(), c.pos());
      case "left" -> ev.built(s.substring(0, offset(s, count(ev, c, args.get(1), "length"))), c.pos());
      case "right" -> ev.built(s.substring(offset(s, Math.max(0, s.codePointCount(0, s.length())
          - count(ev, c, args.get(1), "length")))), c.pos());
      case "substring" -> ev.built(substring(ev, c, s, args), c.pos());
      case "split" -> split(ev, c, s, string(ev, c, args.get(1), "a string as delimiter"));
      case "replace" -> replace(ev, c, s, string(ev, c, args.get(1), "a string to search"),
          string(ev, c, args.get(2), "a string as replacement"));
      default -> throw ev.error(c.pos(), "unknown function " + c.name() + "()");
    };
  }

  /** {@code substring(s, start[, length])}: from character {@code start} (0 is the first), to the end or for length. */
  private static String substring(Evaluator ev, Expr.Call c, String s, List<Object> args) {
    long start = count(ev, c, args.get(1), "start");
    int from = offset(s, start);
    if (args.size() == 2) {
      return s.substring(from);
    }
    long length = count(ev, c, args.get(2), "length");
    String rest = s.substring(from);
    return rest.substring(0, offset(rest, length));
  }

  /**
   * The parts of {@code s} between the delimiters, empty ones included; each character for an empty delimiter. Each
   * part is counted as it is built, with its place in the list: a string of millions of characters splits into as
   * many strings.
   */
  private static List<Object> split(Evaluator ev, Expr.Call c, String s, String delimiter) {
    ev.build(1, c.pos());
    List<Object> out = new ArrayList<>();
    if (delimiter.isEmpty()) {
      ev.build(2L * s.codePointCount(0, s.length()), c.pos());
      s.codePoints().forEach(cp -> out.add(Character.toString(cp)));
      return out;
    }
    int from = 0;
    for (int at = s.indexOf(delimiter); at >= 0; at = s.indexOf(delimiter, from)) {
      out.add(part(ev, c, s, from, at));
      from = at + delimiter.length();
    }
    out.add(part(ev, c, s, from, s.length()));
    return out;
  }

  private static String part(Evaluator ev, Expr.Call c, String s, int from, int to) {
    ev.build(1, c.pos()); // its place in the list
    return ev.built(s.substring(from, to), c.pos());
  }

  /**
   * Every occurrence of {@code search} replaced, left to right; an empty one matches before each character and at
   * the end. The result is bounded as {@code +} bounds a string ({@link Arithmetic#MAX_CONCATENATED}).
   */
  private static String replace(Evaluator ev, Expr.Call c, String s, String search, String replacement) {
    List<Object> parts = split(ev, c, s, search);
    if (search.isEmpty()) { // the characters: an empty string before the first and after the last
      parts.addFirst("");
      parts.add("");
    }
    long length = s.length() - (long) search.length() * (parts.size() - 1)
        + (long) replacement.length() * (parts.size() - 1);
    if (length > Arithmetic.MAX_CONCATENATED) {
      throw ev.error(c.pos(), "replace() would make a string of " + length + " characters, more than "
          + Arithmetic.MAX_CONCATENATED);
    }
    ev.build(1 + length / 16, c.pos());
    StringBuilder out = new StringBuilder((int) length);
    for (int i = 0; i < parts.size(); i++) {
      out.append(i == 0 ? "" : replacement).append((String) parts.get(i));
    }
    return out.toString();
  }

  /** The UTF-16 offset of character {@code n} of {@code s}, or its length if it has fewer characters. */
  private static int offset(String s, long n) {
    int at = 0;
    for (long i = 0; i < n && at < s.length(); i++) {
      at += Character.charCount(s.codePointAt(at));
    }
    return at;
  }

  private static String string(Evaluator ev, Expr.Call c, Object v, String what) {
    if (v instanceof String s) {
      return s;
    }
    throw Functions.wrong(ev, c, v, what);
  }

  /** A non-negative integer argument. */
  private static long count(Evaluator ev, Expr.Call c, Object v, String what) {
    if (v instanceof Long n && n >= 0) {
      return n;
    }
    throw ev.error(c.pos(), Functions.displayName(c) + " needs a non-negative integer as " + what + " but got "
        + (v instanceof Long ? Values.display(v) : Values.typeName(v)));
  }
}
