package dev.aeon.query.lang;

/**
 * The one exception a query can fail with: a syntax, semantic or type error, or an evaluation error,
 * with the line and column (1-based) of the offending token and a caret excerpt of that line:
 * <pre>
 * line 1, column 15: expected ')' but found 'RETURN'
 *   MATCH (e:user RETURN e
 *                 ^
 * </pre>
 */
public final class QueryException extends RuntimeException {

  /**
   * Longest reason kept whole. A reason quotes names, literals and expressions of the statement, which may be as long
   * as the statement itself (a name of a million characters): a longer one keeps its two ends.
   */
  static final int MAX_REASON = 1_000;
  private static final int HEAD = 600;
  private static final int TAIL = 200;

  private final String reason;
  private final int line;
  private final int column;

  public QueryException(String source, int offset, String reason) {
    String clipped = clip(reason);
    int[] lc = lineColumn(source, offset);
    super(format(source, offset, lc, clipped), null, false, false);
    this.reason = clipped;
    this.line = lc[0];
    this.column = lc[1];
  }

  /** The message without position and excerpt. */
  public String reason() {
    return reason;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The reason, or its first {@link #HEAD} and last {@link #TAIL} characters with "..." between (no pair cut). */
  private static String clip(String reason) {
    if (reason.length() <= MAX_REASON) {
      return reason;
    }
    int head = Character.isHighSurrogate(reason.charAt(HEAD - 1)) ? HEAD - 1 : HEAD;
    int tail = reason.length() - TAIL;
    tail = Character.isLowSurrogate(reason.charAt(tail)) ? tail + 1 : tail;
    return reason.substring(0, head) + "..." + reason.substring(tail);
  }

  private static int[] lineColumn(String source, int offset) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(Math.max(offset, 0), source.length());
    for (int i = 0; i < end; i++) {
      if (source.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    // in characters, as size() counts them: a character beyond U+FFFF is two chars of a String
    return new int[] {line, source.codePointCount(lineStart, end) + 1};
  }

  private static String format(String source, int offset, int[] lc, String reason) {
    int at = Math.min(Math.max(offset, 0), source.length());
    int start = source.lastIndexOf('\n', at - 1) + 1;
    int end = source.indexOf('\n', at);
    String text = source.substring(start, end < 0 ? source.length() : end);
    int caret = at - start;
    // keep long lines readable: show at most 60 characters either side of the caret (never half a character)
    int from = text.codePointCount(0, caret) > 60 ? text.offsetByCodePoints(caret, -60) : 0;
    int to = text.codePointCount(caret, text.length()) > 60 ? text.offsetByCodePoints(caret, 60) : text.length();
    String excerpt = (from > 0 ? "..." : "") + text.substring(from, to) + (to < text.length() ? "..." : "");
    int pad = text.codePointCount(from, caret) + (from > 0 ? 3 : 0);
    StringBuilder sb = new StringBuilder();
    sb.append("line ").append(lc[0]).append(", column ").append(lc[1]).append(": ").append(reason)
        .append("\n  ");
    for (int i = 0; i < excerpt.length(); i++) {
      char c = excerpt.charAt(i);
      sb.append(c == '\t' || Character.isISOControl(c) ? ' ' : c);
    }
    sb.append("\n  ").append(" ".repeat(pad)).append('^');
    return sb.toString();
  }
}
