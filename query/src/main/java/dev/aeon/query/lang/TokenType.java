package dev.aeon.query.lang;

/** Kinds of tokens; keywords are identifiers the parser recognises case-insensitively. */
public enum TokenType {
  IDENT, STRING, INTEGER, FLOAT, PARAM,
  LPAREN("("), RPAREN(")"), LBRACKET("["), RBRACKET("]"), LBRACE("{"), RBRACE("}"),
  COMMA(","), COLON(":"), DOT("."), DOTDOT(".."), PIPE("|"), STAR("*"), PLUS("+"), MINUS("-"),
  SLASH("/"), PERCENT("%"), EQ("="), NEQ("<>"), LT("<"), LE("<="), GT(">"), GE(">="),
  ARROW_RIGHT("->"), ARROW_LEFT("<-"), SEMICOLON(";"), EOF("end of input");

  private final String symbol;

  TokenType() {
    this.symbol = null;
  }

  TokenType(String symbol) {
    this.symbol = symbol;
  }

  /** How an error message names this kind of token. */
  public String describe() {
    return symbol != null ? "'" + symbol + "'" : name().toLowerCase(java.util.Locale.ROOT);
  }
}
