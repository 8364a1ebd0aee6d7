package dev.aeon.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The server's log: one line per event on standard output, with a timestamp, easy to grep and to parse. */
public final class ServerLog {

  private ServerLog() {}

  public static void info(String message) {
    System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " aeon-server " + message);
    System.out.flush();
  }

  public static void warn(String message) {
    System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " aeon-server WARN " + message);
    System.out.flush();
  }
}
