package dev.aeon.common;

/**
 * Logging on a path that must go on whatever the logging does: a close that must still close the rest, a background
 * thread that must keep running, a caller whose work succeeded. A log handler that throws, or memory run out again as
 * the line is made, would otherwise end that path, and there is nothing else to tell it to: what {@code logging}
 * throws is dropped.
 */
public final class Quietly {

  private Quietly() {}

  /** Runs {@code logging}, dropping what it throws. */
  public static void log(Runnable logging) {
    try {
      logging.run();
    } catch (RuntimeException | Error notLogged) {
      // see the class comment
    }
  }
}
