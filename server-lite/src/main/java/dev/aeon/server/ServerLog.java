package dev.aeon.server;

import dev.aeon.common.RepeatedFailures;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's log: one line per event, with a timestamp, easy to grep and to parse; on standard output, and the
 * warnings on standard error, where the engine's own warnings (java.util.logging) and every command's errors go.
 */
public final class ServerLog {

  /** How many kinds of internal error get a stack trace: past it, a defect hit in many places logs lines only. */
  private static final int MAX_TRACED = 1000;
  /** The kinds of internal error whose stack trace was logged ({@link RepeatedFailures#kind}). */
  private static final Set<String> TRACED = ConcurrentHashMap.newKeySet();

  private ServerLog() {}

  public static void info(String message) {
    System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " aeon-server " + message);
    System.out.flush();
  }

  public static void warn(String message) {
    System.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " aeon-server WARN " + message);
    System.err.flush();
  }

  /**
   * A warning about an internal error, a defect of the server rather than a client's mistake: the first time an
   * error of its {@linkplain RepeatedFailures#kind kind} is logged, its stack trace follows the line, so that the
   * log says where it happened; later ones are the line alone, so that a defect every client meets does not flood
   * the log. Once per process, not once per episode as {@link RepeatedFailures} does for work that runs again and
   * again: a command or a connection that fails has no later run of its own whose success would end an episode,
   * and the other clients' commands that succeed meanwhile say nothing of this defect.
   */
  public static void warn(String message, Throwable internal) {
    String kind = RepeatedFailures.kind(internal);
    warn(message, internal, TRACED.size() < MAX_TRACED && TRACED.add(kind));
  }

  /**
   * A warning followed by its failure's stack trace every time, for a caller that logs a kind of failure once
   * per episode itself ({@link RepeatedTask}, through {@link RepeatedFailures}): the once-per-process rule of
   * {@link #warn(String, Throwable)} logged a periodic task's failure that came back after a run that succeeded
   * without the trace that says where it failed.
   */
  static void warnWithTrace(String message, Throwable failure) {
    warn(message, failure, true);
  }

  private static void warn(String message, Throwable failure, boolean trace) {
    synchronized (System.err) { // the trace under its line, not between another thread's lines
      warn(message);
      if (trace) {
        failure.printStackTrace(System.err);
        System.err.flush();
      }
    }
  }
}
