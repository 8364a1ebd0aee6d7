package dev.aeon.server.command;

/**
 * Redis-style glob matching for CONFIG GET, KEYS and SCAN patterns: {@code *}, {@code ?}, {@code [abc]},
 * {@code [a-z]}, {@code [^abc]} and {@code \x} for a literal x. Greedy with one backtrack point, so any pattern
 * costs at most pattern x text steps.
 */
public final class Glob {

  private Glob() {}

  public static boolean matches(String p, String t) {
    int pi = 0;
    int ti = 0;
    int starP = -1;
    int starT = 0;
    while (ti < t.length()) {
      int next = pi < p.length() ? step(p, pi, t.charAt(ti)) : -1;
      if (pi < p.length() && p.charAt(pi) == '*') {
        starP = pi++;
        starT = ti;
      } else if (next >= 0) {
        pi = next;
        ti++;
      } else if (starP >= 0) {
        pi = starP + 1;
        ti = ++starT;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  /** If the pattern element at {@code pi} (not '*') matches {@code ch}, the index after it; else -1. */
  private static int step(String p, int pi, char ch) {
    char c = p.charAt(pi);
    if (c == '?') {
      return pi + 1;
    }
    if (c == '\\' && pi + 1 < p.length()) {
      return p.charAt(pi + 1) == ch ? pi + 2 : -1;
    }
    if (c == '[') {
      int close = p.indexOf(']', pi + 1);
      if (close > pi) {
        boolean negated = close > pi + 1 && p.charAt(pi + 1) == '^';
        return inClass(p, negated ? pi + 2 : pi + 1, close, ch) != negated ? close + 1 : -1;
      }
    }
    return c == ch ? pi + 1 : -1;
  }

  private static boolean inClass(String p, int from, int to, char ch) {
    for (int i = from; i < to; i++) {
      if (i + 2 < to && p.charAt(i + 1) == '-') {
        if (ch >= p.charAt(i) && ch <= p.charAt(i + 2)) {
          return true;
        }
        i += 2;
      } else if (p.charAt(i) == ch) {
        return true;
      }
    }
    return false;
  }
}
