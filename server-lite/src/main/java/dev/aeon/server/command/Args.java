package dev.aeon.server.command;

import dev.aeon.common.AsciiCase;
import dev.aeon.common.NumberLiterals;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of one command (index 0 is the command name) with a cursor for option parsing, and parsers
 * that fail with the error messages Redis uses.
 */
public final class Args {

  private final byte[][] raw;
  private int cursor = 1;

  public Args(byte[][] raw) {
    this.raw = raw;
  }

  public int size() {
    return raw.length;
  }

  public byte[] bytes(int i) {
    return raw[i];
  }

  public String string(int i) {
    return new String(raw[i], StandardCharsets.UTF_8);
  }

  /**
   * Argument {@code i} as text, refused unless it is valid UTF-8. For names the engine stores as text (keys,
   * elements, sessions): decoding with replacement would make distinct byte strings, such as {@code \xff} and
   * {@code \xfe}, the same name.
   */
  public String text(int i, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw[i])).toString();
    } catch (CharacterCodingException e) {
      throw CommandError.err(what + " is not valid UTF-8 (names, texts and values are text here, not arbitrary bytes)");
    }
  }

  /** No command's name is longer, in bytes: a longer name is not decoded (it may be a megabyte). */
  static final int LONGEST_NAME = 64;

  /** The command name in lower case, as looked up in the table; empty if longer than any command's. */
  public String name() {
    return raw[0].length > LONGEST_NAME ? "" : lower(0);
  }

  /**
   * Argument {@code i} as an error echoes it ({@link CommandError#clip}), decoding no more of it than that shows:
   * 64 characters take at most 192 bytes of UTF-8 (a surrogate pair takes 4 for 2 characters).
   */
  public String clipped(int i) {
    return CommandError.clip(new String(raw[i], 0, Math.min(raw[i].length, 256), StandardCharsets.UTF_8));
  }

  /** Argument {@code i} with its ASCII letters in lower case ({@link AsciiCase}): a name or keyword to compare. */
  public String lower(int i) {
    return AsciiCase.lower(string(i));
  }

  // --- cursor ---

  public int position() {
    return cursor;
  }

  public void position(int i) {
    cursor = i;
  }

  public boolean hasNext() {
    return cursor < raw.length;
  }

  public int remaining() {
    return raw.length - cursor;
  }

  public String nextString() {
    require(1);
    return string(cursor++);
  }

  /** The next argument as text, refused unless it is valid UTF-8 ({@link #text}). */
  public String nextText(String what) {
    require(1);
    return text(cursor++, what);
  }

  public byte[] nextBytes() {
    require(1);
    return raw[cursor++];
  }

  /**
   * Consumes the next argument if it equals {@code keyword} but for the case of its ASCII letters ({@link
   * AsciiCase}).
   */
  public boolean accept(String keyword) {
    if (cursor < raw.length && AsciiCase.equalsIgnoreCase(string(cursor), keyword)) {
      cursor++;
      return true;
    }
    return false;
  }

  /** The next argument, its ASCII letters upper-cased ({@link AsciiCase}), without consuming it; null at the end. */
  public String peekKeyword() {
    return cursor < raw.length ? AsciiCase.upper(string(cursor)) : null;
  }

  public long nextLong() {
    return parseLong(nextString());
  }

  public int nextInt(int min, int max, String what) {
    long v = nextLong();
    if (v < min || v > max) {
      throw CommandError.err(what + " must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  public double nextDouble() {
    return parseDouble(nextString());
  }

  /**
   * Refuses a subcommand given with another number of arguments than {@code n} (its name included, as Redis
   * counts them), with Redis' error naming it as {@code command|subcommand}.
   */
  public void requireSize(int n) {
    if (raw.length != n) {
      throw CommandError.err("wrong number of arguments for '" + lower(0) + "|" + lower(1) + "' command");
    }
  }

  private void require(int n) {
    if (cursor + n > raw.length) {
      throw CommandError.syntax();
    }
  }

  /** An integer written as Redis writes one: no sign but '-', no leading zero ("+5", "05" and "-0" are refused). */
  public static long parseLong(String s) {
    try {
      long v = Long.parseLong(s);
      if (Long.toString(v).equals(s)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw CommandError.err("value is not an integer or out of range");
  }

  /**
   * A float as Redis reads one: no space around it, no Java suffix ("1f", "0d"), not NaN. Java's parser would
   * take those. Nor a nonzero number nearer to 0 than any double ("1e-400"), which Java reads as 0.0 and Redis
   * refuses (strtod's ERANGE with 0), while it takes a number rounded to a subnormal double ("1e-320"). Nor one
   * beyond a double's range ("1e400"), which Java reads as an infinity and Redis refuses (ERANGE with HUGE_VAL);
   * an infinity written as one ("Infinity") is taken, as Redis takes "inf".
   */
  public static double parseDouble(String s) {
    try {
      double v = Double.parseDouble(s); // takes surrounding spaces and a suffix, which are checked here
      char first = s.charAt(0);
      char last = s.charAt(s.length() - 1);
      if (!Double.isNaN(v) && first > ' ' && last > ' ' && "fFdD".indexOf(last) < 0 // ' ' and below: trimmed
          && !NumberLiterals.underflows(s, v) && (Double.isFinite(v) || s.endsWith("Infinity"))) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw CommandError.err("value is not a valid float");
  }
}
