package dev.aeon.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The server's log: one line per event, with a timestamp, easy to grep and to parse; on standard output, and the
 * warnings on standard error, where the engine's own warnings (java.util.logging) and every command's errors go.
 */
public final class ServerLog {

  private ServerLog() {}

  public static void info(String message) {
    System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " aeon-server " + message);
    System.out.flush();
  }

  public static void warn(String message) {
    System.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " aeon-server WARN " + message);
    System.err.flush();
  }
}
