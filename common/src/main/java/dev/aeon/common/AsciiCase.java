package dev.aeon.common;

/**
 * Case of command names and keywords as Redis compares them: ASCII letters only (strcasecmp and tolower in the C
 * locale); the query language's keywords and function names are compared so too. Java's Unicode case folding would
 * read {@code VALUE\u017F} (long s, upper-cased to {@code S}) as VALUES and {@code \u212AEYS} (Kelvin sign, lower-cased
 * to {@code k}) as KEYS, names a Redis client or server never takes for them; here a letter outside ASCII is left as
 * it is, so such a name or keyword matches none.
 */
public final class AsciiCase {

  private AsciiCase() {}

  /** {@code s} with its ASCII letters a-z in upper case, every other character as it is. */
  public static String upper(String s) {
    return shift(s, 'a', 'z', 'A' - 'a');
  }

  /** {@code s} with its ASCII letters A-Z in lower case, every other character as it is. */
  public static String lower(String s) {
    return shift(s, 'A', 'Z', 'a' - 'A');
  }

  /** Whether {@code a} and {@code b} are equal but for the case of their ASCII letters. */
  public static boolean equalsIgnoreCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) { // no copies: the query parser asks this of every name it reads
      if (upper(a.charAt(i)) != upper(b.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static char upper(char ch) {
    return ch >= 'a' && ch <= 'z' ? (char) (ch - ('a' - 'A')) : ch;
  }

  private static String shift(String s, char from, char to, int by) {
    char[] chars = null; // copied only if a letter changes
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= from && ch <= to) {
        if (chars == null) {
          chars = s.toCharArray();
        }
        chars[i] = (char) (ch + by);
      }
    }
    return chars == null ? s : new String(chars);
  }
}
