package dev.aeon.engine.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stop asked by Ctrl-C (SIGINT) or SIGTERM while an export or import runs. The JVM runs its shutdown hooks on such a
 * signal and then ends, so the command used to end where it stood, with no word: an export left its temporary file
 * beside FILE (as large as what it had written) and its snapshot in DIR's {@code tmp/}, an import into a new DIR left
 * a memory directory the user never got. Here a hook asks the command to stop, which its work sees at its next
 * step ({@link #throwIfAsked}) and fails there, undoing what it wrote as any failure does; the hook waits for the
 * command to say it has ended ({@link #ended}), at most {@link #WAIT_SECONDS}, and the JVM then exits with the
 * signal's status (130 for SIGINT, 143 for SIGTERM).
 */
final class Stopping {

  /** How long the hook waits for the command to undo its work; past it the JVM ends as after a crash. */
  static final long WAIT_SECONDS = 60;

  private final CountDownLatch asked = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);

  private Stopping() {}

  /** A stop never asked: for a command run in a caller's JVM, whose signals are the caller's. */
  static Stopping never() {
    return new Stopping();
  }

  /** A stop asked by a shutdown hook, which says so on standard error as {@code command}, then waits for the end. */
  static Stopping onSignal(String command) {
    Stopping stopping = new Stopping();
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("aeon-stop").unstarted(() -> {
      if (stopping.ended.getCount() == 0) {
        return; // the command ended by itself: System.exit
      }
      System.err.println(command + ": stopping: undoing what it wrote ...");
      stopping.asked.countDown();
      try {
        if (!stopping.ended.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
          System.err.println(command + ": not stopped within " + WAIT_SECONDS + " s; ending as after a crash");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    return stopping;
  }

  /** Whether a stop was asked. */
  boolean asked() {
    return asked.getCount() == 0;
  }

  /** Throws once a stop is asked: called at each step of the work, which fails there as it does for any failure. */
  void throwIfAsked() {
    if (asked()) {
      throw new Stopped();
    }
  }

  /** Whether {@code failure} is the stop's ({@link #throwIfAsked}), thrown as it is or as the cause of another. */
  static boolean stopped(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof Stopped) {
        return true;
      }
    }
    return false;
  }

  /** What {@link #throwIfAsked} throws. */
  private static final class Stopped extends IllegalStateException {
    Stopped() {
      super("stopped by a signal (Ctrl-C or SIGTERM)");
    }
  }

  /** Says that the command has ended (its output printed): called before it exits, however it ends. */
  void ended() {
    ended.countDown();
  }

  /** Waits until a stop is asked (tests hold a command part way until then). */
  void awaitAsked() throws InterruptedException {
    asked.await();
  }
}
