package dev.aeon.common.ebr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.FailingLog;
import dev.aeon.common.testing.LoggedWarnings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The background reclaimer that several {@link Epochs} domains share. */
class ReclaimerTest {

  /**
   * One domain whose resource throws an Error as it closes does not end the reclamation of the others: the
   * thread they share used to die of it, and their retired resources then waited for a batch or their close.
   */
  @Test
  void anErrorClosingOneDomainsResourceLeavesTheSharedThreadServingTheOthers() throws Exception {
    try (Reclaimer shared = new Reclaimer(Duration.ofMillis(5))) {
      Epochs faulty = new Epochs(Epochs.Config.defaults(), shared);
      Epochs healthy = new Epochs(Epochs.Config.defaults(), shared);
      try {
        faulty.retire(() -> {
          throw new AssertionError("a bug in a resource's close");
        });
        for (long deadline = System.nanoTime() + 10_000_000_000L; faulty.pending() > 0; Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, "the faulty resource was not reclaimed in the background");
        }
        CountDownLatch closed = new CountDownLatch(1);
        healthy.retire(closed::countDown);
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the other domain is no longer reclaimed in the background");
      } finally {
        faulty.close();
        healthy.close();
      }
    }
  }

  /**
   * A retired resource waits at least a period before the reclaimer looks at it, also when other domains
   * schedule theirs meanwhile: each schedule woke the thread from its wait for the period, so that with many
   * busy domains it reclaimed as often as they retired, and batches of one cost a handshake each.
   */
  @Test
  void anotherDomainsRetirementDoesNotCutThePeriodShort() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (Reclaimer shared = new Reclaimer(Duration.ofHours(1))) {
      Thread thread = reclaimerStartedSince(before).orElseThrow();
      Epochs a = new Epochs(Epochs.Config.defaults(), shared);
      Epochs b = new Epochs(Epochs.Config.defaults(), shared);
      try {
        CountDownLatch closed = new CountDownLatch(2);
        a.retire(closed::countDown);
        for (long deadline = System.nanoTime() + 10_000_000_000L; thread.getState() != Thread.State.TIMED_WAITING;
            Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, "the reclaimer does not wait for the period");
        }
        b.retire(closed::countDown);
        assertFalse(closed.await(500, TimeUnit.MILLISECONDS), "reclaimed long before the period of an hour");
        assertEquals(2, a.pending() + b.pending());
      } finally {
        a.close();
        b.close();
      }
    }
  }

  /**
   * Domains that share a {@link Reclaimer} are each reclaimed by it, also after another one closed, and its
   * one thread waits without a timeout while nothing is pending in any of them.
   */
  @Test
  void aSharedReclaimerServesEveryDomainAndSleepsWhileNothingIsPending() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (Reclaimer shared = new Reclaimer(Duration.ofMillis(5))) {
      Thread thread = reclaimerStartedSince(before).orElseThrow();
      Epochs a = new Epochs(Epochs.Config.defaults(), shared);
      Epochs b = new Epochs(Epochs.Config.defaults(), shared);
      CountDownLatch closed = new CountDownLatch(2);
      a.retire(closed::countDown);
      b.retire(closed::countDown);
      assertTrue(closed.await(10, TimeUnit.SECONDS), "not reclaimed in the background");
      a.close();
      CountDownLatch held = new CountDownLatch(1);
      try (Guard g = b.enter()) {
        b.retire(held::countDown);
        Thread.sleep(20); // looked at while the reader holds it back
        assertEquals(1, held.getCount(), "closed under a reader");
      }
      assertTrue(held.await(10, TimeUnit.SECONDS), "not reclaimed after the reader left");
      Thread.State state = thread.getState();
      for (long deadline = System.nanoTime() + 10_000_000_000L; state != Thread.State.WAITING
          && System.nanoTime() < deadline; state = thread.getState()) {
        Thread.sleep(1);
      }
      assertEquals(Thread.State.WAITING, state, "the reclaimer of quiet domains wakes on a timer");
      b.close();
    }
    assertTrue(reclaimerStartedSince(before).isEmpty(), "close leaves the thread");
  }

  /**
   * A domain whose retired resources fail to close pass after pass (here each overflows the stack, which the
   * reclaimer gets: a VirtualMachineError is not handed to onCloseFailure) is logged once, with the stack trace,
   * and its recovery once: every failed pass logged an error, 20 a second at the default period.
   */
  @Test
  void aFailureEveryPassIsLoggedOnceAndItsRecoveryOnce() throws Exception {
    try (LoggedWarnings logged = LoggedWarnings.of(Epochs.class);
        Reclaimer shared = new Reclaimer(Duration.ofMillis(1))) {
      Epochs domain = new Epochs(Epochs.Config.defaults(), shared);
      try {
        for (int pass = 1; pass <= 10; pass++) { // one resource a pass: the next is retired once this one is taken
          domain.retire(() -> overflow(0));
          for (long deadline = System.nanoTime() + 10_000_000_000L; domain.pending() > 0; Thread.sleep(1)) {
            assertTrue(System.nanoTime() < deadline, "not reclaimed in the background");
          }
        }
        domain.retire(() -> {});
        for (long deadline = System.nanoTime() + 10_000_000_000L; logged.info().isEmpty(); Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, () -> "no recovery logged; " + logged.list().size()
              + " lines for 10 failed passes");
        }
      } finally {
        domain.close();
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> warnings.size() + " lines for 10 failed passes: " + warnings);
      assertTrue(warnings.getFirst().startsWith("reclaiming retired resources failed (it is tried again at the"
          + " next pass; the same failure is not logged again): java.lang.StackOverflowError"), warnings.getFirst());
      assertTrue(logged.thrown().getFirst() instanceof StackOverflowError, "without its stack trace");
      assertEquals(List.of("reclaiming retired resources works again after 10 failed runs"), logged.info());
    }
  }

  /**
   * A pass that closes nothing (a reader holds back what is pending) is not taken for a success: between two
   * passes that failed the same way it logged that reclamation works again, and the second failure was logged
   * anew with its stack trace, while nothing had worked.
   */
  @Test
  void aPassThatClosesNothingIsNoRecovery() throws Exception {
    try (LoggedWarnings logged = LoggedWarnings.of(Epochs.class);
        Reclaimer shared = new Reclaimer(Duration.ofMillis(1))) {
      Epochs domain = new Epochs(Epochs.Config.defaults(), shared);
      try {
        domain.retire(() -> overflow(0));
        awaitNothingPending(domain); // a pass that failed
        AtomicInteger scans = new AtomicInteger();
        try (Guard g = domain.enter()) {
          domain.retire(() -> overflow(0));
          domain.afterScanForTests = scans::incrementAndGet;
          for (long deadline = System.nanoTime() + 10_000_000_000L; scans.get() < 2; Thread.sleep(1)) {
            assertTrue(System.nanoTime() < deadline, "no pass while the reader held the resource back");
          }
          // the second scan is the second pass's: the first, which closed nothing, has ended
        }
        domain.afterScanForTests = null;
        awaitNothingPending(domain); // the same failure again
        domain.retire(() -> {});
        for (long deadline = System.nanoTime() + 10_000_000_000L; logged.info().isEmpty(); Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, "no recovery logged");
        }
      } finally {
        domain.close();
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> warnings.size() + " lines for 2 failed passes: " + warnings
          + ", and " + logged.info());
      assertEquals(List.of("reclaiming retired resources works again after 2 failed runs"), logged.info());
    }
  }

  private static void awaitNothingPending(Epochs domain) throws InterruptedException {
    for (long deadline = System.nanoTime() + 10_000_000_000L; domain.pending() > 0; Thread.sleep(1)) {
      assertTrue(System.nanoTime() < deadline, "not reclaimed in the background");
    }
  }

  /**
   * A failure of the logging of a failed pass (a log handler that throws; or memory run out again as the line is
   * made) does not end the shared thread: thrown out of its loop, it ended it, and no domain had its retired
   * resources reclaimed in the background again.
   */
  @Test
  void aLogHandlerThatThrowsLeavesTheSharedThreadReclaiming() throws Exception {
    try (FailingLog broken = FailingLog.of(Epochs.class);
        Reclaimer shared = new Reclaimer(Duration.ofMillis(1))) {
      Epochs domain = new Epochs(Epochs.Config.defaults(), shared);
      try {
        domain.retire(() -> overflow(0));
        for (long deadline = System.nanoTime() + 10_000_000_000L; domain.pending() > 0; Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, "the faulty resource was not reclaimed in the background");
        }
        CountDownLatch closed = new CountDownLatch(1);
        domain.retire(closed::countDown);
        assertTrue(closed.await(10, TimeUnit.SECONDS), "no longer reclaimed in the background");
      } finally {
        domain.close();
      }
    }
  }

  /** Never returns: a close with a bug. */
  private static int overflow(int depth) {
    return overflow(depth + 1) + 1;
  }

  /** The reclaimer thread started since {@code before} was taken, if it runs. */
  private static Optional<Thread> reclaimerStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.getName().equals("aeon-ebr-reclaimer")).findFirst();
  }
}
