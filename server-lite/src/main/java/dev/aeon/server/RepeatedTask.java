package dev.aeon.server;

/**
 * A periodic task of the server, guarded: a ScheduledExecutorService cancels a task whose run throws, without a
 * word, so a failure of one run (a RuntimeException, or an Error such as memory run out) is caught here, logged,
 * and the next interval tries again. A failure of the same {@link ServerLog#kind} as the last one is not logged
 * again (it would be, every interval), and the first run that succeeds after failures says so.
 */
final class RepeatedTask implements Runnable {

  private final String what;
  private final Runnable work;
  /** The last run's failure kind, or null after a run that succeeded; runs are one at a time, on one thread. */
  private String lastFailure;
  private long failures;

  /** {@code what} names the work in the log: "{@code <what> failed}". */
  RepeatedTask(String what, Runnable work) {
    this.what = what;
    this.work = work;
  }

  @Override
  public void run() {
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      failures++;
      try {
        String kind = ServerLog.kind(e);
        if (!kind.equals(lastFailure)) {
          ServerLog.warn(what + " failed (it is tried again every interval; the same failure is not logged again): "
              + e, e);
        }
        lastFailure = kind;
      } catch (RuntimeException | Error notLogged) {
        // memory run out again while logging it: thrown from here, it would end the task all the same
      }
      return;
    }
    if (failures > 0) {
      ServerLog.info(what + " works again after " + failures + " failed runs");
      failures = 0;
      lastFailure = null;
    }
  }
}
