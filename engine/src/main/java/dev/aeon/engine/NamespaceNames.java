package dev.aeon.engine;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What may name a namespace ({@link Aeon#checkName}), and how a refused name is shown in the error: a name is a
 * folder under {@code ns/}, and the error goes to logs and to a server's clients.
 */
final class NamespaceNames {

  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0," + (Aeon.MAX_NAMESPACE_NAME - 1) + "}");

  private NamespaceNames() {}

  /** Whether {@code name} (not null) can name a namespace. */
  static boolean isName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Throws an {@link IllegalArgumentException} saying why, unless {@code name} can name a namespace. */
  static void check(String name) {
    Objects.requireNonNull(name, "name");
    if (!isName(name)) {
      throw new IllegalArgumentException("bad namespace name " + shown(name)
          + ": use 1-" + Aeon.MAX_NAMESPACE_NAME + " letters, digits, '_', '.', '-', starting with a letter or digit");
    }
  }

  /**
   * A refused name as its error shows it: on one line, control, line-breaking and invisible formatting characters
   * (U+2028, bidirectional overrides) as {@code ?} (they would forge a line in a log, or reorder what it shows), and
   * only the first 64 characters (code points) of one too long to be a name (a caller may pass anything).
   */
  private static String shown(String name) {
    int characters = name.codePointCount(0, name.length());
    int end = characters <= Aeon.MAX_NAMESPACE_NAME ? name.length()
        : name.offsetByCodePoints(0, Aeon.MAX_NAMESPACE_NAME);
    StringBuilder shown = new StringBuilder("'");
    name.substring(0, end).codePoints().forEach(c -> shown.appendCodePoint(unseen(c) ? '?' : c));
    return end == name.length() ? shown.append("'").toString()
        : shown.append("...' (").append(characters).append(" characters)").toString();
  }

  private static boolean unseen(int c) {
    int type = Character.getType(c);
    return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT;
  }
}
