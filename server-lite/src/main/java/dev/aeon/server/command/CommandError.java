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
}
