package dev.aeon.query.lang;

/** A token: its kind, its text (decoded for strings), and where it starts and ends in the source. */
public record Token(TokenType type, String text, int start, int end) {

  /** Whether this is the (case-insensitive) keyword {@code kw}. */
  public boolean is(String kw) {
    return type == TokenType.IDENT && text.equalsIgnoreCase(kw);
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
