package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.testing.FailingLog;
import dev.aeon.common.testing.LoggedWarnings;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduling of background checkpoints on the checkpoint threads that the namespaces of an {@code Aeon}
 * share, with stand-in checkpoints that tests hold or fail at will.
 */
class CheckpointsTest {

  private static final long LIMIT = 1_000;

  @TempDir
  Path dir;

  private BackgroundThreads threads;
  private final List<Wal> wals = new ArrayList<>();
  private final List<Checkpoints> checkpoints = new ArrayList<>();

  @BeforeEach
  void start() {
    threads = new BackgroundThreads();
  }

  @AfterEach
  void stop() throws Exception {
    for (Checkpoints c : checkpoints) {
      c.stop();
    }
    threads.close();
    for (Wal w : wals) {
      w.close();
    }
  }

  private Checkpoints checkpoints(String namespace, Duration interval, Checkpoints.Action action) throws Exception {
    Wal wal = Wal.open(dir.resolve(namespace).resolve("wal"), WalOptions.defaults());
    wals.add(wal);
    Checkpoints c = new Checkpoints(action, wal, EngineTest.options().withCheckpoints(LIMIT, interval), threads);
    checkpoints.add(c);
    return c;
  }

  /**
   * While one namespace's background checkpoint is held up (a slow disk), its writers reaching the size limit
   * do not take the other checkpoint thread too: the other namespaces are still checkpointed. The second look
   * at the busy namespace used to wait on the thread for the first checkpoint to end.
   */
  @Test
  void aNamespaceWhoseCheckpointIsHeldUpDoesNotTakeBothCheckpointThreads() throws Exception {
    CountDownLatch slowRunning = new CountDownLatch(1);
    CountDownLatch releaseSlow = new CountDownLatch(1);
    Checkpoints slow = checkpoints("slow", Duration.ofMillis(20), erase -> {
      slowRunning.countDown();
      try {
        releaseSlow.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CountDownLatch otherRan = new CountDownLatch(1);
    Checkpoints other = checkpoints("other", Duration.ofHours(1), erase -> otherRan.countDown());
    try {
      slow.logged(10); // below the limit: checkpointed once the interval has passed, then held up
      assertTrue(slowRunning.await(10, TimeUnit.SECONDS), "no background checkpoint of the slow namespace");
      slow.logged((int) LIMIT); // reaches the limit meanwhile: a look now, at a namespace that is busy
      other.logged((int) LIMIT); // reaches its limit: due now
      assertTrue(otherRan.await(10, TimeUnit.SECONDS),
          "another namespace was not checkpointed while one namespace's checkpoint was held up");
    } finally {
      releaseSlow.countDown();
    }
  }

  /**
   * A look that finds a caller's checkpoint of its namespace under way leaves it (rather than wait for it on a
   * checkpoint thread), and that checkpoint's end looks again: when it fails, the bytes logged are still
   * checkpointed in the background.
   */
  @Test
  void aLookThatFindsACheckpointUnderWayIsTakenUpWhenItEnds() throws Exception {
    CountDownLatch callerRunning = new CountDownLatch(1);
    CountDownLatch releaseCaller = new CountDownLatch(1);
    CountDownLatch backgroundRan = new CountDownLatch(1);
    Checkpoints c = checkpoints("ns", Duration.ofHours(1), erase -> {
      if (Thread.currentThread().getName().startsWith("aeon-checkpoint-")) {
        backgroundRan.countDown();
        return;
      }
      callerRunning.countDown();
      try {
        releaseCaller.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new java.io.IOException("the caller's checkpoint fails");
    });
    Thread caller = Thread.ofPlatform().start(() -> {
      try {
        c.runNow();
      } catch (RuntimeException expected) {
        // the caller's checkpoint fails, as planned
      }
    });
    try {
      assertTrue(callerRunning.await(10, TimeUnit.SECONDS), "the caller's checkpoint did not start");
      long looks = threads.checkpoints.getCompletedTaskCount();
      c.logged((int) LIMIT); // due now, while the caller's checkpoint holds the namespace
      for (long deadline = System.nanoTime() + 10_000_000_000L;
          threads.checkpoints.getCompletedTaskCount() == looks; Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, "the look waits for the caller's checkpoint to end");
      }
      assertEquals(1, backgroundRan.getCount(), "a background checkpoint ran beside the caller's");
    } finally {
      releaseCaller.countDown();
      caller.join(10_000);
    }
    assertTrue(backgroundRan.await(10, TimeUnit.SECONDS),
        "the bytes logged were not checkpointed after the caller's checkpoint failed");
  }

  /**
   * A background checkpoint that throws an Error (an assertion, a stack overflow in a store) is logged and
   * retried after an interval, like one that throws an exception. The executor kept the Error in a future
   * nobody reads, and the namespace was never checkpointed in the background again: its later writes
   * schedule no look, since only the first bytes after a checkpoint do.
   */
  @Test
  void aBackgroundCheckpointThatThrowsAnErrorIsRetried() throws Exception {
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch retried = new CountDownLatch(1);
    Checkpoints c = checkpoints("ns", Duration.ofMillis(20), erase -> {
      if (runs.incrementAndGet() == 1) {
        throw new AssertionError("a bug in a store");
      }
      retried.countDown();
    });
    c.logged((int) LIMIT);
    assertTrue(retried.await(10, TimeUnit.SECONDS), "not retried after an Error (" + runs.get() + " run)");
  }

  /**
   * A background checkpoint whose failure cannot be logged (a log handler that throws; or memory run out again as
   * the line is made) is still retried after an interval: the retry was scheduled after the logging, and the
   * namespace was never checkpointed in the background again.
   */
  @Test
  void aFailedCheckpointIsRetriedWhenItsLoggingFails() throws Exception {
    try (FailingLog broken = FailingLog.of(Checkpoints.class)) {
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch retried = new CountDownLatch(1);
      Checkpoints c = checkpoints("ns", Duration.ofMillis(20), erase -> {
        if (runs.incrementAndGet() == 1) {
          throw new IOException("No space left on device");
        }
        retried.countDown();
      });
      c.logged((int) LIMIT);
      assertTrue(retried.await(10, TimeUnit.SECONDS), "not retried after a failure (" + runs.get() + " run)");
    }
  }

  /**
   * A background checkpoint whose failure could not be logged is retried, and the same failure at the retry is logged
   * once the log works: it counted as logged, so a full device that a broken log handler (or memory run out as the
   * line was made) hid once went unsaid until checkpoints worked again.
   */
  @Test
  void aFailureThatCouldNotBeLoggedIsLoggedAtTheRetry() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch repaired = new CountDownLatch(1);
    try (FailingLog broken = FailingLog.of(Checkpoints.class); // first: the lines it refuses reach no other handler
        LoggedWarnings logged = LoggedWarnings.of(Checkpoints.class)) {
      Checkpoints c = checkpoints("ns", Duration.ofMillis(20), erase -> {
        int run = runs.incrementAndGet();
        if (run == 2) {
          Uninterruptibly.await(repaired::await); // the retry fails once the log works again
        }
        if (run <= 2) {
          throw new IOException("No space left on device");
        }
      });
      c.logged((int) LIMIT);
      for (long deadline = System.nanoTime() + 10_000_000_000L; broken.threads().isEmpty(); Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, "no background checkpoint failed");
      }
      broken.close();
      repaired.countDown();
      for (long deadline = System.nanoTime() + 10_000_000_000L; logged.info().isEmpty(); Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, () -> "no recovery logged after " + runs.get() + " runs");
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> "the retry's failure was not logged: " + warnings);
      assertTrue(warnings.getFirst().startsWith("checkpointing namespace 'ns' failed (in the background"),
          warnings::getFirst);
      assertEquals(List.of("checkpointing namespace 'ns' works again after 2 failed runs"), logged.info());
    }
  }

  /**
   * A caller's checkpoint that succeeds after background ones failed does not throw when the line that says so
   * cannot be logged: it succeeded.
   */
  @Test
  void aCallersCheckpointSucceedsWhenItsRecoveryCannotBeLogged() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (FailingLog broken = FailingLog.of(Checkpoints.class)) {
      Checkpoints c = checkpoints("ns", Duration.ofHours(1), erase -> {
        if (runs.incrementAndGet() == 1) {
          throw new IOException("No space left on device");
        }
      });
      c.logged((int) LIMIT);
      for (long deadline = System.nanoTime() + 10_000_000_000L; runs.get() == 0; Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, "no background checkpoint");
      }
      c.runNow(); // waits for the background one, which holds the lock while it fails
      assertEquals(2, runs.get());
      assertEquals(1, c.count());
    }
  }

  /**
   * A background checkpoint that fails the same way run after run, with a message that changes every run (a
   * byte offset here; an LSN, a count or a path elsewhere), is logged once, with its stack trace, and the first
   * that succeeds after it once: failures were compared by their text, and each run's was logged anew.
   */
  @Test
  void aFailureWhoseMessageChangesEveryRunIsLoggedOnceAndTheRecoveryOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (LoggedWarnings logged = LoggedWarnings.of(Checkpoints.class)) {
      Checkpoints c = checkpoints("ns", Duration.ofMillis(1), erase -> {
        int run = runs.incrementAndGet();
        if (run <= 5) {
          throw new UncheckedIOException("cannot write atlas.pages at byte " + run * 4096,
              new IOException("No space left on device"));
        }
      });
      c.logged((int) LIMIT);
      for (long deadline = System.nanoTime() + 10_000_000_000L; logged.info().isEmpty(); Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, () -> "no recovery logged after " + runs.get() + " runs; "
            + logged.list().size() + " lines: " + logged.list());
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> warnings.size() + " lines for 5 failed runs: " + warnings);
      assertEquals("checkpointing namespace 'ns' failed (in the background; it is tried again after the"
          + " checkpoint interval; the same failure is not logged again): java.io.UncheckedIOException: cannot write"
          + " atlas.pages at byte 4096, caused by java.io.IOException: No space left on device", warnings.getFirst());
      assertEquals(1, logged.thrown().size(), "logged with its stack trace");
      assertEquals(List.of("checkpointing namespace 'ns' works again after 5 failed runs"),
          logged.info());
    }
  }

  /**
   * A caller's checkpoint that succeeds ends the record of the background ones' failures, as one of theirs does:
   * it left the record as it was, so that after it the same failure of a background checkpoint was not logged,
   * though the work had succeeded in between, and the log never said that checkpoints worked again.
   */
  @Test
  void aCallersCheckpointThatSucceedsEndsTheBackgroundFailures() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean backgroundFails = new java.util.concurrent.atomic.AtomicBoolean(true);
    try (LoggedWarnings logged = LoggedWarnings.of(Checkpoints.class)) {
      Checkpoints c = checkpoints("ns", Duration.ofMillis(1), erase -> {
        if (backgroundFails.get() && Thread.currentThread().getName().startsWith("aeon-checkpoint-")) {
          throw new IOException("No space left on device");
        }
      });
      c.logged((int) LIMIT);
      awaitLines(logged::list, 1);
      c.runNow(); // the caller's checkpoint succeeds; nothing is left to checkpoint in the background
      assertEquals(1, logged.info().size(), () -> "no recovery logged after the caller's checkpoint: " + logged.info());
      c.logged((int) LIMIT); // the background checkpoint fails again
      awaitLines(logged::list, 2);
      backgroundFails.set(false);
      awaitLines(logged::info, 2);
      assertEquals(2, logged.thrown().size(), "each failure after a success logged with its stack trace");
      for (String line : logged.info()) {
        assertTrue(line.matches("checkpointing namespace 'ns' works again after \\d+ failed runs?"), line);
      }
      assertTrue(logged.list().getLast().startsWith("checkpointing namespace 'ns' failed (in the background; it is"
          + " tried again after the checkpoint interval; the same failure is not logged again): "),
          logged.list().getLast());
    }
  }

  private static void awaitLines(java.util.function.Supplier<List<String>> lines, int count) throws Exception {
    for (long deadline = System.nanoTime() + 10_000_000_000L; lines.get().size() < count; Thread.sleep(1)) {
      assertTrue(System.nanoTime() < deadline, () -> "not " + count + " lines: " + lines.get());
    }
  }

  /**
   * Callers' checkpoints (compactions, the last ones at close) that take long do not hold back another
   * namespace's background pause: they ran whole on the pause threads, and two of them left none for the
   * pauses of every other namespace.
   */
  @Test
  void longCallersCheckpointsLeaveThePauseThreadsToBackgroundPauses() throws Exception {
    int callers = BackgroundThreads.PAUSE_THREADS;
    CountDownLatch callersRunning = new CountDownLatch(callers);
    CountDownLatch releaseCallers = new CountDownLatch(1);
    List<Thread> callerThreads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Checkpoints busy = checkpoints("compacting-" + i, Duration.ofHours(1), erase -> {
        callersRunning.countDown();
        try {
          releaseCallers.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      callerThreads.add(Thread.ofPlatform().start(() -> busy.runNow(true)));
    }
    CountDownLatch paused = new CountDownLatch(1);
    Checkpoints[] other = new Checkpoints[1];
    other[0] = checkpoints("other", Duration.ofHours(1), erase -> other[0].duringPause(() -> {
      paused.countDown();
      return null;
    }));
    try {
      assertTrue(callersRunning.await(10, TimeUnit.SECONDS), "the callers' checkpoints did not start");
      other[0].logged((int) LIMIT);
      assertTrue(paused.await(10, TimeUnit.SECONDS), "a background pause waited behind callers' checkpoints");
    } finally {
      releaseCallers.countDown();
      for (Thread t : callerThreads) {
        t.join(10_000);
      }
    }
  }
}
