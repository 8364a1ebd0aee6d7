package dev.aeon.query.lang;

import dev.aeon.common.AsciiCase;

/**
 * A token: its kind, its text (decoded for strings, without the backticks of a quoted name), where it starts and
 * ends in the source, and whether it is a name quoted with backticks.
 */
public record Token(TokenType type, String text, int start, int end, boolean quoted) {

  public Token(TokenType type, String text, int start, int end) {
    this(type, text, start, end, false);
  }

  /**
   * Whether this is the keyword {@code kw}, but for the case of its ASCII letters ({@link AsciiCase}: a long s is
   * no S). A name quoted with backticks never is: quoting is how a statement names a variable {@code `null`} or
   * {@code `distinct`}.
   */
  public boolean is(String kw) {
    return type == TokenType.IDENT && !quoted && AsciiCase.equalsIgnoreCase(text, kw);
  }

  /** How an error message names this token. */
  public String describe() {
    return switch (type) {
      case EOF -> "end of input";
      case STRING -> "string '" + text + "'";
      case PARAM -> "parameter $" + text;
      default -> "'" + text + "'";
    };
  }
}
