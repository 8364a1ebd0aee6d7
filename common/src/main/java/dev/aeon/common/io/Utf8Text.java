package dev.aeon.common.io;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Text as the stores write it, UTF-8, where an unpaired surrogate (half of a pair, alone) becomes '?': a
 * string holding one would be read back as another, and two names differing only there would become one
 * ("s\uD800" and "s\uDBFF" both "s?"). Such strings are refused before anything is stored.
 */
public final class Utf8Text {

  private Utf8Text() {}

  /**
   * {@code s}, if it holds no unpaired surrogate.
   *
   * @throws IllegalArgumentException naming {@code what}, the surrogate and where it is
   */
  public static String requireWellFormed(String what, String s) {
    int i = unpairedSurrogate(s);
    if (i >= 0) {
      throw new IllegalArgumentException(what + " holds an unpaired surrogate (U+"
          + Integer.toHexString(s.charAt(i)).toUpperCase(Locale.ROOT) + ") at index " + i
          + ": it is not text, and would be stored as '?'");
    }
    return s;
  }

  /** Where the first unpaired surrogate of {@code s} is, or -1 if it has none. */
  public static int unpairedSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The UTF-8 bytes of {@code s}, checked by {@link #requireWellFormed}. */
  public static byte[] encode(String what, String s) {
    return requireWellFormed(what, s).getBytes(StandardCharsets.UTF_8);
  }
}
