package dev.aeon.server.command;

import dev.aeon.common.AsciiCase;
import dev.aeon.server.resp.RespWriter;
import java.io.IOException;
import java.util.List;

/**
 * The arguments of a command that lists names page by page, as Redis' SCAN: {@code cursor [MATCH pattern]
 * [COUNT count] [TYPE type]}, and its reply: the next cursor (0 at the end) and the names of the page.
 *
 * @param pattern a glob ({@link Glob}), or null for every name
 * @param count the most names a page holds before the pattern filters them (default 10, as in Redis)
 * @param type the type asked for, lower case, or null for any
 */
public record ScanArgs(long cursor, Glob pattern, int count, String type) {

  static final int DEFAULT_COUNT = 10;
  /** The most names one page looks at, so that a reply stays small whatever COUNT asks; a larger COUNT gets this. */
  public static final int MAX_COUNT = 100_000;

  /** Reads the arguments from argument 1 on; TYPE only if {@code typeAllowed}. */
  public static ScanArgs read(Args a, boolean typeAllowed) {
    a.position(1);
    long cursor = cursor(a.nextString());
    Glob pattern = null;
    int count = DEFAULT_COUNT;
    String type = null;
    while (a.hasNext()) {
      String option = AsciiCase.upper(a.nextString());
      if (!a.hasNext()) {
        throw CommandError.syntax();
      }
      switch (option) {
        case "MATCH" -> pattern = Glob.of(a.nextString());
        case "COUNT" -> count = count(a.nextLong());
        case "TYPE" -> {
          if (!typeAllowed) {
            throw CommandError.syntax();
          }
          type = AsciiCase.lower(a.nextString());
        }
        default -> throw CommandError.syntax();
      }
    }
    return new ScanArgs(cursor, pattern, count, type);
  }

  /** As in Redis, a count below 1 is a syntax error; one above {@link #MAX_COUNT} is read as that. */
  private static int count(long count) {
    if (count < 1) {
      throw CommandError.syntax();
    }
    return (int) Math.min(count, MAX_COUNT);
  }

  /** Redis' cursors are unsigned; these are below 2^63, so anything else names no position. */
  private static long cursor(String s) {
    try {
      long cursor = Long.parseLong(s);
      if (cursor >= 0) {
        return cursor;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw CommandError.err("invalid cursor");
  }

  public boolean matches(String name) {
    return pattern == null || pattern.matches(name);
  }

  /** The reply: a two-element array of the next cursor, as a bulk string, and the names. */
  public static void reply(RespWriter w, long next, List<String> names) throws IOException {
    w.array(2).bulk(Long.toString(next)).array(names.size());
    for (String name : names) {
      w.bulk(name);
    }
  }
}
