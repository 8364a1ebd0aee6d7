package dev.aeon.common;

/**
 * Numbers written in decimal (JSON, the query language, a command's float argument) that a double holds as another
 * value, the same way in every module.
 */
public final class NumberLiterals {

  private NumberLiterals() {}

  /**
   * Whether {@code literal}, which reads as the double {@code value}, names a nonzero number nearer to 0 than any
   * double ({@code 1e-400}), which reads as 0.0 (or -0.0): a value of another meaning, as an infinity is for
   * {@code 1e400}. A number only rounded to a double keeps its meaning and is not one: {@code 0.1}, {@code 1e-320}
   * (held with fewer digits, as a subnormal) and {@code 0e-400}, which is 0. A hexadecimal float ({@code 0x1p-2000},
   * as C and Java read one) has its digits before its {@code p}.
   */
  public static boolean underflows(String literal, double value) {
    if (value != 0) {
      return false;
    }
    boolean hex = literal.indexOf('x') >= 0 || literal.indexOf('X') >= 0;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (hex ? c == 'p' || c == 'P' : c == 'e' || c == 'E') {
        return false; // the exponent: every digit before it was 0
      }
      if ((c >= '1' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))) {
        return true;
      }
    }
    return false;
  }
}
