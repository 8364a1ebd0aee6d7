package dev.aeon.server.command;

/**
 * Redis-style glob matching for CONFIG GET, KEYS and SCAN patterns: {@code *}, {@code ?}, {@code [abc]},
 * {@code [a-z]} (or {@code [z-a]}), {@code [^abc]} and {@code \x} for a literal x, also inside brackets. An
 * unclosed {@code [} runs to the end of the pattern, as in Redis.
 *
 * <p>Two differences from Redis. Redis matches bytes, this matches characters (Unicode code points), so
 * {@code ?} matches one {@code é} or one emoji where Redis would need two or four: keys here are text. And
 * {@code [a-]} holds {@code a} and {@code -}, where Redis reads a range from {@code a} to {@code ]} and goes
 * on reading the class past that {@code ]}.
 *
 * <p>Greedy with one backtrack point, so any pattern costs at most pattern x text steps. A pattern is read once
 * ({@link #of}) and matched against every name of a listing.
 */
public final class Glob {

  private final int[] p;

  private Glob(int[] codePoints) {
    this.p = codePoints;
  }

  public static Glob of(String pattern) {
    return new Glob(pattern.codePoints().toArray());
  }

  public boolean matches(String text) {
    int[] t = text.codePoints().toArray();
    int pi = 0;
    int ti = 0;
    int starP = -1;
    int starT = 0;
    while (ti < t.length) {
      if (pi < p.length && p[pi] == '*') {
        starP = pi++;
        starT = ti;
        continue;
      }
      int next = pi < p.length ? step(p, pi, t[ti]) : -1;
      if (next >= 0) {
        pi = next;
        ti++;
      } else if (starP >= 0) {
        pi = starP + 1;
        ti = ++starT;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] == '*') {
      pi++;
    }
    return pi == p.length;
  }

  /** If the pattern element at {@code pi} (not '*') matches {@code ch}, the index after it; else -1. */
  private static int step(int[] p, int pi, int ch) {
    int c = p[pi];
    if (c == '?') {
      return pi + 1;
    }
    if (c == '\\' && pi + 1 < p.length) {
      return p[pi + 1] == ch ? pi + 2 : -1;
    }
    if (c == '[') {
      return bracket(p, pi + 1, ch);
    }
    return c == ch ? pi + 1 : -1;
  }

  /** Matches {@code ch} against the class that starts at {@code i}, just after its '['. */
  private static int bracket(int[] p, int i, int ch) {
    boolean negated = i < p.length && p[i] == '^';
    if (negated) {
      i++;
    }
    boolean match = false;
    while (i < p.length && p[i] != ']') {
      if (p[i] == '\\' && i + 1 < p.length) {
        match |= p[i + 1] == ch;
        i += 2;
      } else if (i + 2 < p.length && p[i + 1] == '-' && p[i + 2] != ']') {
        int low = Math.min(p[i], p[i + 2]);
        int high = Math.max(p[i], p[i + 2]);
        match |= ch >= low && ch <= high;
        i += 3;
      } else {
        match |= p[i] == ch;
        i++;
      }
    }
    // Past the ']', or at the end of an unclosed class.
    int after = Math.min(i + 1, p.length);
    return match != negated ? after : -1;
  }
}
