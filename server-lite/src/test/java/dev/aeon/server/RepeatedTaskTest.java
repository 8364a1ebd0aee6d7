package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's periodic tasks (the idle reaper, the namespace closer) run on a ScheduledExecutorService, which
 * cancels a task whose run throws, without a word: idle clients were then never disconnected again, or idle
 * namespaces never closed. Guarded, a run that fails is logged and the next interval tries again; the same
 * failure every interval is logged once, with its stack trace, and the recovery in one line.
 */
class RepeatedTaskTest {

  @Test
  @Timeout(30)
  void aRunThatFailsIsLoggedOnceAndTheNextRunGoesOn() throws Exception {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch healthy = new CountDownLatch(2);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      scheduler.scheduleWithFixedDelay(new RepeatedTask("test work", () -> {
        int run = runs.incrementAndGet();
        if (run <= 3) { // the same failure three times, its message differing as a count in it would
          throw new IllegalStateException("broken for the " + run + ". time");
        }
        if (run == 4) { // an Error, as memory run out would be
          throw new AssertionError("an invariant broken");
        }
        healthy.countDown();
      }), 1, 1, TimeUnit.MILLISECONDS);
      healthy.await(); // never returned before: the first failure ended the task
    } finally {
      scheduler.shutdownNow();
      scheduler.awaitTermination(1, TimeUnit.MINUTES);
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String warned = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, warned.split(" WARN ", -1).length - 1, warned);
    assertTrue(warned.contains("WARN test work failed (it is tried again every interval; the same failure is not"
        + " logged again): java.lang.IllegalStateException: broken for the 1. time\n"), warned);
    assertTrue(warned.contains("WARN test work failed (it is tried again every interval; the same failure is not"
        + " logged again): java.lang.AssertionError: an invariant broken\n"), warned);
    // each with its stack trace once, which says where it failed
    assertEquals(1, warned.split("java.lang.IllegalStateException: broken for the 1. time\n\tat dev.aeon.server."
        + "RepeatedTaskTest", -1).length - 1, warned);
    assertEquals(1, warned.split("java.lang.AssertionError: an invariant broken\n\tat dev.aeon.server."
        + "RepeatedTaskTest", -1).length - 1, warned);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("test work works again after 4 failed runs"),
        out.toString(StandardCharsets.UTF_8));
  }
  /**
   * A task that fails, works again, then fails the same way logs the second episode's failure with its stack trace,
   * as RepeatedFailures does for the engine's background work: the server's log traced a kind of failure once per
   * process, so the second warning came without the trace that says where it failed.
   */
  @Test
  void theSameFailureAfterARecoveryIsLoggedWithItsStackTraceAgain() {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger runs = new AtomicInteger();
    RepeatedTask task = new RepeatedTask("test work", () -> {
      if (runs.incrementAndGet() != 2) { // runs 1 and 3 fail at the same place, run 2 succeeds
        throw new IllegalStateException("broken in run " + runs.get());
      }
    });
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      task.run();
      task.run();
      task.run();
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String warned = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, warned.split(" WARN ", -1).length - 1, warned);
    for (int run : new int[] {1, 3}) {
      assertEquals(1, warned.split("java.lang.IllegalStateException: broken in run " + run + "\n\tat dev.aeon.server."
          + "RepeatedTaskTest", -1).length - 1, warned);
    }
  }

  /**
   * A run that succeeds after failures and cannot log so (standard output throws; memory run out as the line is
   * made) does not throw either: it did, and the ScheduledExecutorService cancelled the task for good, as the guard
   * is there to prevent for a failure of the work itself.
   */
  @Test
  void aRecoveryThatCannotBeLoggedDoesNotEndTheTask() {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    AtomicInteger runs = new AtomicInteger();
    RepeatedTask task = new RepeatedTask("test work", () -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("broken once");
      }
    });
    System.setOut(new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        throw new IllegalStateException("standard output is gone");
      }
    }, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      task.run(); // fails, logged on standard error
      org.junit.jupiter.api.Assertions.assertDoesNotThrow(task::run); // works again, which cannot be logged
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    assertEquals(2, runs.get());
  }
}
