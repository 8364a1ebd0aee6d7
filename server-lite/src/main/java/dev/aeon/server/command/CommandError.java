package dev.aeon.server.command;

/**
 * A command failed in an expected way; its message is the RESP error sent to the client and starts with a
 * stable prefix ({@code ERR}, {@code WRONGTYPE}, {@code NOAUTH}, {@code WRONGPASS}, {@code NOPROTO}).
 */
public final class CommandError extends RuntimeException {

  public CommandError(String message) {
    super(message, null, false, false);
  }

  public static CommandError err(String message) {
    return new CommandError("ERR " + message);
  }

  public static CommandError syntax() {
    return new CommandError("ERR syntax error");
  }

  /** An option the command does not know, echoed as sent ({@link #clip clipped}). */
  public static CommandError unknownOption(String command, String given) {
    return err("unknown " + command + " option '" + clip(given) + "'");
  }

  /**
   * A client's argument as an error echoes it: whole if short, else its first 64 characters (never half of a
   * surrogate pair) and "...", so that a megabyte sent where a word was expected is not sent back.
   */
  public static String clip(String s) {
    if (s.length() <= 64) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(63)) ? 63 : 64;
    return s.substring(0, end) + "...";
  }
}
