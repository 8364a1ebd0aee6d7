package dev.aeon.server;

import dev.aeon.common.Quietly;
import dev.aeon.common.RepeatedFailures;

/**
 * A periodic task of the server, guarded: a ScheduledExecutorService cancels a task whose run throws, without a
 * word, so a failure of one run (a RuntimeException, or an Error such as memory run out) is caught here, logged,
 * and the next interval tries again. As the engine's background work does ({@link RepeatedFailures}), a failure
 * of a kind logged since the last run that succeeded is not logged again (it would be, every interval), and the
 * first run that succeeds after failures says so; the first failure of a kind after that is logged again, with
 * its stack trace.
 */
final class RepeatedTask implements Runnable {

  private final Runnable work;
  private final RepeatedFailures failures;

  /** {@code what} names the work in the log: "{@code <what> failed}". */
  RepeatedTask(String what, Runnable work) {
    this.work = work;
    this.failures = new RepeatedFailures(what, ServerLog::warnWithTrace, ServerLog::info);
  }

  @Override
  public void run() {
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      // Quietly: memory run out again while logging it, thrown from here, would end the task all the same
      Quietly.log(() -> failures.failed(e, "it is tried again every interval"));
      return;
    }
    Quietly.log(failures::succeeded); // the recovery line unwritten (memory run out), thrown, would end the task
  }
}
