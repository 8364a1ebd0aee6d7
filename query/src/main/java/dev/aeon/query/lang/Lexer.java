package dev.aeon.query.lang;

import dev.aeon.common.NumberLiterals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a statement into tokens. Whitespace and comments ({@code // ...}, {@code /* ... *}{@code /})
 * are skipped; strings take single or double quotes with backslash escapes; identifiers may be quoted
 * with backticks.
 */
public final class Lexer {

  /** Longest statement accepted, in characters: a bound that keeps a hostile input cheap to reject. */
  public static final int MAX_LENGTH = 1 << 20;

  static final String LONG_MIN_DIGITS = "9223372036854775808";

  private final String src;
  private int pos;

  private Lexer(String src) {
    this.src = src;
  }

  public static List<Token> tokenize(String src) {
    if (src.length() > MAX_LENGTH) {
      throw new QueryException(src.substring(0, 80), 0, "statement longer than " + MAX_LENGTH + " characters");
    }
    Lexer l = new Lexer(src);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = l.next();
      out.add(t);
    } while (t.type() != TokenType.EOF);
    return out;
  }

  private QueryException error(int at, String reason) {
    return new QueryException(src, at, reason);
  }

  private Token next() {
    skipBlank();
    int start = pos;
    if (pos >= src.length()) {
      return new Token(TokenType.EOF, "", start, start);
    }
    char c = src.charAt(pos);
    if (Character.isLetter(src.codePointAt(pos)) || c == '_') {
      skipNamePart();
      return new Token(TokenType.IDENT, src.substring(start, pos), start, pos);
    }
    if (c >= '0' && c <= '9') {
      return number(start);
    }
    return switch (c) {
      case '\'', '"' -> string(start, c);
      case '`' -> quotedIdent(start);
      case '$' -> param(start);
      default -> symbol(start, c);
    };
  }

  private void skipBlank() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (src.startsWith("//", pos)) {
        int nl = src.indexOf('\n', pos);
        pos = nl < 0 ? src.length() : nl + 1;
      } else if (src.startsWith("/*", pos)) {
        int end = src.indexOf("*/", pos + 2);
        if (end < 0) {
          throw error(pos, "unterminated comment");
        }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  private Token number(int start) {
    while (digitAt(pos)) {
      pos++;
    }
    boolean isFloat = false;
    // "1..3" is a range, not the float "1." followed by ".3"
    if (pos < src.length() && src.charAt(pos) == '.' && digitAt(pos + 1)) {
      isFloat = true;
      pos++;
      while (digitAt(pos)) {
        pos++;
      }
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (digitAt(pos)) {
        isFloat = true;
        while (digitAt(pos)) {
          pos++;
        }
      } else {
        pos = save;
      }
    }
    if (pos < src.length() && (Character.isLetter(src.codePointAt(pos)) || src.charAt(pos) == '_')) {
      throw error(pos, "unexpected '" + Character.toString(src.codePointAt(pos)) + "' after number");
    }
    String text = src.substring(start, pos);
    // -9223372036854775808 is the one literal whose digits alone do not fit: the parser checks its sign
    if (!isFloat && !(text.equals(LONG_MIN_DIGITS) && start > 0 && src.charAt(start - 1) == '-')) {
      try {
        Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw error(start, "integer " + abbreviate(text) + " does not fit in 64 bits");
      }
    } else {
      double value = Double.parseDouble(text);
      if (Double.isInfinite(value)) {
        throw error(start, "number " + abbreviate(text) + " is too large");
      }
      if (NumberLiterals.underflows(text, value)) { // 1e-400 as 0.0 would be another value, as 1e400 as infinity
        throw error(start, "number " + abbreviate(text) + " is too small (it would be 0.0)");
      }
    }
    return new Token(isFloat ? TokenType.FLOAT : TokenType.INTEGER, text, start, pos);
  }

  /**
   * An ASCII digit at {@code i}. Not {@link Character#isDigit}: numbers are parsed by Long and Double,
   * which reject the other Unicode digits.
   */
  private boolean digitAt(int i) {
    return i < src.length() && src.charAt(i) >= '0' && src.charAt(i) <= '9';
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String abbreviate(String s) {
    return s.length() <= 30 ? s : s.substring(0, 27) + "...";
  }

  private Token string(int start, char quote) {
    StringBuilder sb = new StringBuilder();
    int high = -1; // where a high surrogate starts (an escape, or half of a character) until its low half follows
    pos++;
    while (true) {
      if (pos >= src.length()) {
        throw error(start, "unterminated string");
      }
      int at = pos;
      char c = src.charAt(pos++);
      if (c == quote) {
        if (high >= 0) {
          throw unpairedSurrogate(high, sb.charAt(sb.length() - 1));
        }
        return new Token(TokenType.STRING, sb.toString(), start, pos);
      }
      if (c == '\\') {
        if (pos >= src.length()) {
          throw error(start, "unterminated string");
        }
        char e = src.charAt(pos++);
        c = switch (e) {
          case '\\', '\'', '"' -> e;
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          case 'u' -> {
            // exactly four hex digits: Integer.parseInt alone would also accept a leading + or -
            if (pos + 4 > src.length() || !src.substring(pos, pos + 4).chars().allMatch(Lexer::isHexDigit)) {
              throw error(pos - 2, "bad unicode escape");
            }
            pos += 4;
            yield (char) Integer.parseInt(src.substring(pos - 4, pos), 16);
          }
          default -> throw error(pos - 2, "unknown escape '\\" + e + "'");
        };
      }
      // Half of a surrogate pair alone (an escape such as \\ud83d) is not text: UTF-8 would carry it as '?'.
      if (high >= 0 && !Character.isLowSurrogate(c)) {
        throw unpairedSurrogate(high, sb.charAt(sb.length() - 1));
      }
      if (high < 0 && Character.isLowSurrogate(c)) {
        throw unpairedSurrogate(at, c);
      }
      high = Character.isHighSurrogate(c) ? at : -1;
      sb.append(c);
    }
  }

  private QueryException unpairedSurrogate(int at, char half) {
    return error(at, "unpaired surrogate \\u" + Integer.toHexString(half).toUpperCase(Locale.ROOT)
        + " in a string: a character beyond U+FFFF is escaped as a pair, as \\uD83D\\uDE00");
  }

  private Token quotedIdent(int start) {
    int end = src.indexOf('`', start + 1);
    if (end < 0) {
      throw error(start, "unterminated `identifier`");
    }
    if (end == start + 1) {
      throw error(start, "empty `identifier`");
    }
    pos = end + 1;
    return new Token(TokenType.IDENT, src.substring(start + 1, end), start, pos, true);
  }

  private Token param(int start) {
    pos++;
    int nameStart = pos;
    skipNamePart();
    if (pos == nameStart) {
      throw error(start, "expected a parameter name after '$'");
    }
    return new Token(TokenType.PARAM, src.substring(nameStart, pos), start, pos);
  }

  /**
   * Skips letters, digits and underscores. By code point, not char: a letter outside the Basic
   * Multilingual Plane (CJK Extension B, mathematical letters) is two chars, neither of them a letter.
   */
  private void skipNamePart() {
    while (pos < src.length()) {
      int cp = src.codePointAt(pos);
      if (!Character.isLetterOrDigit(cp) && cp != '_') {
        return;
      }
      pos += Character.charCount(cp);
    }
  }

  private Token symbol(int start, char c) {
    char d = pos + 1 < src.length() ? src.charAt(pos + 1) : '\0';
    TokenType t = switch (c) {
      case '(' -> TokenType.LPAREN;
      case ')' -> TokenType.RPAREN;
      case '[' -> TokenType.LBRACKET;
      case ']' -> TokenType.RBRACKET;
      case '{' -> TokenType.LBRACE;
      case '}' -> TokenType.RBRACE;
      case ',' -> TokenType.COMMA;
      case ':' -> TokenType.COLON;
      case '.' -> d == '.' ? TokenType.DOTDOT : TokenType.DOT;
      case '|' -> TokenType.PIPE;
      case '*' -> TokenType.STAR;
      case '+' -> TokenType.PLUS;
      case '-' -> d == '>' ? TokenType.ARROW_RIGHT : TokenType.MINUS;
      case '/' -> TokenType.SLASH;
      case '%' -> TokenType.PERCENT;
      case '=' -> TokenType.EQ;
      case '!' -> d == '=' ? TokenType.NEQ : null;
      case '<' -> d == '>' ? TokenType.NEQ : d == '=' ? TokenType.LE : d == '-' ? TokenType.ARROW_LEFT : TokenType.LT;
      case '>' -> d == '=' ? TokenType.GE : TokenType.GT;
      case ';' -> TokenType.SEMICOLON;
      default -> null;
    };
    if (t == null) {
      int cp = src.codePointAt(start);
      // also the spaces Character.isWhitespace leaves out (no-break spaces) and the format characters (a zero-width
      // space, a byte order mark), which print as a space or as nothing
      boolean invisible = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
          || Character.getType(c) == Character.FORMAT
          || (Character.isSurrogate(c) && Character.charCount(cp) == 1); // a lone half of a pair
      String shown = invisible ? String.format("\\u%04x", (int) c) : Character.toString(cp);
      throw error(start, "unexpected character '" + shown + "'");
    }
    boolean two = t == TokenType.DOTDOT || t == TokenType.ARROW_RIGHT || t == TokenType.NEQ || t == TokenType.LE
        || t == TokenType.ARROW_LEFT || t == TokenType.GE;
    pos += two ? 2 : 1;
    return new Token(t, src.substring(start, pos), start, pos);
  }
}
