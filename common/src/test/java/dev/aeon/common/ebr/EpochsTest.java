package dev.aeon.common.ebr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.FailingLog;
import dev.aeon.common.testing.LoggedWarnings;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deterministic checks of the protocol with readers parked at known points. */
class EpochsTest {

  private static Epochs manual() {
    return new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1_000)
        .withCloseTimeout(Duration.ofMillis(200)));
  }

  /**
   * A resource whose close throws an Error (here an AssertionError; the InternalError of a mapping cut short is the
   * real case, below) is reported, and the rest of its batch is still closed: they had left the pending list, so
   * nothing would have closed them later.
   */
  @Test
  void anErrorClosingOneRetiredResourceLeavesNoneOfItsBatchUnclosed() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    AtomicInteger closed = new AtomicInteger();
    try (Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1_000)
        .withOnCloseFailure(reported::add))) {
      ebr.retire(closed::incrementAndGet);
      ebr.retire(() -> {
        throw new AssertionError("close failed");
      });
      ebr.retire(closed::incrementAndGet);
      assertEquals(3, ebr.reclaim());
      assertEquals(2, closed.get(), "the resources after the failing one were closed too");
      assertEquals(1, reported.size());
      assertEquals("close failed", reported.get(0).getMessage());
      assertEquals(0, ebr.pending());
    }
  }

  /**
   * A resource whose close faults on a mapped file that another process cut short (a {@code SIGBUS}, which the JVM
   * throws as an {@code InternalError}, as the blob arena's erasure of freed blobs meets it) failed to close, as any
   * close that throws: it goes to {@code onCloseFailure}. Taken for a failure of the JVM (an InternalError is a
   * VirtualMachineError), it was thrown to whoever reclaimed, here the retirement of another resource.
   */
  @Test
  void anInternalErrorFromAMappedFileCutShortIsAFailedCloseLikeAnyOther(@TempDir Path dir) throws IOException {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    Path file = dir.resolve("mapped");
    try (Arena arena = Arena.ofShared();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(2)
            .withOnCloseFailure(reported::add))) {
      MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, 1 << 20, arena);
      channel.truncate(0);
      ebr.retire(() -> mapped.set(ValueLayout.JAVA_LONG, 1 << 19, 0L)); // zeroes a freed blob, as an erasure does
      AtomicInteger closed = new AtomicInteger();
      ebr.retire(closed::incrementAndGet); // the batch is full: this retirement reclaims it
      assertEquals(1, closed.get());
      assertEquals(1, reported.size(), reported::toString);
      assertTrue(reported.getFirst() instanceof InternalError, reported.getFirst()::toString);
      assertEquals(0, ebr.pending());
    }
  }

  @Test
  void withoutReadersRetiredResourcesCloseOnReclaim() {
    try (Epochs ebr = manual()) {
      AtomicInteger closed = new AtomicInteger();
      ebr.retire(closed::incrementAndGet);
      ebr.retire(closed::incrementAndGet);
      assertEquals(0, closed.get(), "retire below the batch size must not close inline");
      assertEquals(2, ebr.reclaim());
      assertEquals(2, closed.get());
      assertEquals(0, ebr.pending());
    }
  }

  @Test
  void aReaderInsideAGuardHoldsBackOnlyWhatWasRetiredAfterItEntered() throws Exception {
    try (Epochs ebr = manual()) {
      AtomicInteger before = new AtomicInteger();
      AtomicInteger after = new AtomicInteger();
      ebr.retire(before::incrementAndGet);
      CountDownLatch leave = new CountDownLatch(1);
      Thread reader = heldReader(ebr, Thread.ofPlatform(), leave);
      ebr.retire(after::incrementAndGet);
      assertEquals(1, ebr.reclaim(), "the resource retired before the reader entered is safe");
      assertEquals(1, before.get());
      assertEquals(0, after.get(), "closed while a reader that could see it was inside its guard");
      assertFalse(ebr.awaitReclaimed(Duration.ofMillis(50)), "must time out while the reader stays");
      leave.countDown();
      reader.join();
      assertTrue(ebr.awaitReclaimed(Duration.ofSeconds(5)));
      assertEquals(1, after.get());
    }
  }

  /**
   * The race of a reclaim against a retirement: a reader enters after the reclaim scanned its slot, picks up
   * the published resource, which is then unpublished and retired before the reclaim picks what to close.
   */
  @Test
  void aResourceRetiredDuringAReclaimScanIsNotClosedUnderAReaderTheScanMissed() {
    try (Epochs ebr = manual()) {
      AtomicInteger closed = new AtomicInteger();
      Guard[] reader = new Guard[1];
      ebr.afterScanForTests = () -> {
        ebr.afterScanForTests = null;
        reader[0] = ebr.enter();            // sees the published resource
        ebr.retire(closed::incrementAndGet); // the writer unpublishes and retires it
      };
      ebr.reclaim();
      assertEquals(0, closed.get(), "closed while a reader could still use it");
      reader[0].close();
      ebr.reclaim();
      assertEquals(1, closed.get());
    }
  }

  @Test
  void nestedGuardsLeaveTheEpochOnlyAtTheOutermostClose() {
    try (Epochs ebr = manual()) {
      AtomicInteger closed = new AtomicInteger();
      Guard outer = ebr.enter();
      Guard inner = ebr.enter();
      assertSame(outer, inner, "one reusable guard per thread");
      ebr.retire(closed::incrementAndGet);
      inner.close();
      assertTrue(ebr.inGuard());
      assertEquals(0, ebr.reclaim());
      outer.close();
      assertFalse(ebr.inGuard());
      assertEquals(1, ebr.reclaim());
      assertThrows(IllegalStateException.class, outer::close, "closing more often than entering is misuse");
    }
  }

  @Test
  void aThreadThatDiedInsideAGuardDoesNotBlockReclamationAndItsSlotIsReused() throws Exception {
    try (Epochs ebr = manual()) {
      Thread leaker = Thread.ofPlatform().start(ebr::enter); // enters and dies without closing
      leaker.join();
      AtomicInteger closed = new AtomicInteger();
      ebr.retire(closed::incrementAndGet);
      assertEquals(1, ebr.reclaim());
      int slots = ebr.slotCount();
      Thread.ofPlatform().start(() -> ebr.enter().close()).join();
      assertEquals(slots, ebr.slotCount(), "the dead thread's slot should have been recycled");
    }
  }

  /**
   * The common pool's workers erase their thread locals after each task, so a reader's guard, kept in a thread
   * local, was gone at its thread's next task: each task's first enter claimed another slot, and the slots of
   * those live threads were never recycled. Readers on {@code CompletableFuture.supplyAsync} or a parallel
   * stream grew the slot table (and every reclaim's scan of it) by about one slot per task, for good.
   */
  @Test
  void readersOnTheCommonPoolKeepTheirThreadsSlotsAcrossTasks() {
    try (Epochs ebr = manual()) {
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 2_000; i++) {
        CompletableFuture.runAsync(() -> {
          ran.add(Thread.currentThread());
          ebr.enter().close();
        }).join();
      }
      assertTrue(ebr.slotCount() <= ran.size(), ebr.slotCount() + " slots for " + ran.size() + " threads");
      AtomicInteger closed = new AtomicInteger();
      ebr.retire(closed::incrementAndGet);
      assertEquals(1, ebr.reclaim(), "no reader is inside a guard");
    }
  }

  /**
   * A close on an interrupted thread (a server stopping on an interrupt) waits for a reader as any close does,
   * backing off between looks, and leaves the interrupt set: a park returns at once while the thread is
   * interrupted, so the wait looked at the slots without pause until its timeout (a namespace's close waits up
   * to 2 minutes for its reads), a core busy the whole time. Looks are counted, not time.
   */
  @Test
  void anInterruptedWaitForAReaderBacksOffAndKeepsTheInterrupt() throws Exception {
    try (Epochs ebr = manual()) {
      CountDownLatch leave = new CountDownLatch(1);
      Thread reader = heldReader(ebr, Thread.ofPlatform(), leave);
      ebr.retire(() -> { });
      AtomicInteger looks = new AtomicInteger();
      ebr.afterScanForTests = looks::incrementAndGet;
      Thread.currentThread().interrupt();
      try {
        assertFalse(ebr.awaitReclaimed(Duration.ofMillis(300)));
        assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept");
      } finally {
        Thread.interrupted();
        ebr.afterScanForTests = null;
        leave.countDown();
        reader.join();
      }
      // backing off from 10 us to 5 ms, about 70 looks in 300 ms; without a pause, hundreds of thousands
      assertTrue(looks.get() < 1_000, looks.get() + " looks at the slots in 300 ms");
    }
  }

  @Test
  void closeFailuresGoToTheHandlerAndNeverToReaders() {
    List<Throwable> seen = new ArrayList<>();
    Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO)
        .withReclaimBatch(1).withOnCloseFailure(seen::add));
    ebr.retire(() -> {
      throw new IllegalStateException("boom");
    });
    assertEquals(1, seen.size());
    assertEquals("boom", seen.getFirst().getMessage());
    ebr.close();
  }

  /**
   * With the default handler, a close that fails for every batch (an unmap or a file deletion refused, the same
   * way each time) is logged once, with its stack trace, and the first batch that closes without a failure once:
   * every failed close logged a warning, one a retirement here.
   */
  @Test
  void aCloseThatFailsEveryBatchIsLoggedOnceAndItsRecoveryOnce() {
    try (LoggedWarnings logged = LoggedWarnings.of(Epochs.class);
        Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1))) {
      for (int batch = 1; batch <= 10; batch++) {
        ebr.retire(() -> {
          throw new java.io.IOException("Operation not permitted");
        });
      }
      AtomicInteger closed = new AtomicInteger();
      ebr.retire(closed::incrementAndGet);
      assertEquals(1, closed.get());
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> warnings.size() + " lines for 10 failed closes: " + warnings);
      assertEquals("reclaiming retired resources failed (a resource whose close failed is not closed again; the"
          + " same failure is not logged again): java.io.IOException: Operation not permitted", warnings.getFirst());
      assertEquals(1, logged.thrown().size(), "logged with its stack trace");
      assertEquals(List.of("reclaiming retired resources works again after 10 failed runs"), logged.info());
    }
  }

  /**
   * A log that cannot be written (a log handler that throws; or memory run out again as the line is made) leaves
   * no resource of a batch unclosed when one fails to close, and fails no retirement whose batch closed: the
   * default handler's warning, thrown from it, ended the batch, whose rest was no longer pending.
   */
  @Test
  void aLogThatCannotBeWrittenLeavesNoResourceUnclosed() {
    AtomicInteger closed = new AtomicInteger();
    try (FailingLog broken = FailingLog.of(Epochs.class); Epochs ebr = manual()) {
      ebr.retire(() -> {
        throw new java.io.IOException("Operation not permitted");
      });
      ebr.retire(closed::incrementAndGet);
      assertEquals(2, ebr.reclaim());
      assertEquals(1, closed.get(), "the resource after the failing one was not closed");
      ebr.retire(closed::incrementAndGet);
      assertEquals(1, ebr.reclaim(), "the batch that closed all it took logs that reclamation works again");
      assertEquals(2, closed.get());
    }
  }

  /**
   * An onCloseFailure of the caller's that throws does not end the batch: the resources after the one whose close
   * failed were no longer pending, and were never closed. The batch is closed, then the handler's first failure is
   * thrown, with the others suppressed.
   */
  @Test
  void aHandlerThatThrowsLeavesNoResourceOfItsBatchUnclosed() {
    AtomicInteger closed = new AtomicInteger();
    try (Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1_000)
        .withOnCloseFailure(EpochsTest::throwingHandler))) {
      ebr.retire(failingToClose("first"));
      ebr.retire(closed::incrementAndGet);
      ebr.retire(failingToClose("second"));
      ebr.retire(closed::incrementAndGet);
      IllegalStateException thrown = assertThrows(IllegalStateException.class, ebr::reclaim);
      assertEquals(2, closed.get(), "the resources after the failing one were not closed");
      assertEquals(0, ebr.pending());
      assertEquals("the handler failed on: first", thrown.getMessage());
      assertEquals(List.of("the handler failed on: second"),
          List.of(thrown.getSuppressed()).stream().map(Throwable::getMessage).toList());
    }
  }

  /**
   * A close of the domain whose onCloseFailure throws closes every resource still pending, then throws the
   * handler's first failure: it threw from its wait for readers, leaving the rest pending and never closed.
   */
  @Test
  void aCloseWhoseHandlerThrowsClosesEverythingPending() {
    AtomicInteger closed = new AtomicInteger();
    Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1_000)
        .withOnCloseFailure(EpochsTest::throwingHandler));
    ebr.retire(failingToClose("first"));
    ebr.retire(closed::incrementAndGet);
    ebr.retire(failingToClose("second"));
    ebr.retire(closed::incrementAndGet);
    IllegalStateException thrown = assertThrows(IllegalStateException.class, ebr::close);
    assertEquals(2, closed.get(), "resources left unclosed");
    assertEquals(0, ebr.pending());
    assertEquals("the handler failed on: first", thrown.getMessage());
    ebr.retire(closed::incrementAndGet);
    assertEquals(3, closed.get(), "the domain is closed: a later retirement is closed at once");
  }

  /**
   * The background reclaimer with an onCloseFailure that throws closes the whole batch, and does not hand the
   * handler's own failure back to it: the handler is given what a resource's close threw, nothing else. The
   * handler's failure is the reclaimer's, logged as such.
   */
  @Test
  void theBackgroundReclaimerClosesTheBatchOfAHandlerThatThrows() throws Exception {
    List<Throwable> handed = new CopyOnWriteArrayList<>();
    CountDownLatch closed = new CountDownLatch(1);
    try (LoggedWarnings logged = LoggedWarnings.of(Epochs.class);
        Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ofMillis(1))
            .withReclaimBatch(1_000).withOnCloseFailure(t -> {
              handed.add(t);
              throwingHandler(t);
            }))) {
      ebr.retire(failingToClose("first"));
      ebr.retire(closed::countDown);
      assertTrue(closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "the rest of the batch was not closed");
      for (long deadline = System.nanoTime() + 10_000_000_000L; logged.list().isEmpty(); Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, "the handler's failure was not logged");
      }
      assertEquals(List.of("first"), handed.stream().map(Throwable::getMessage).toList());
      assertTrue(logged.list().getFirst().startsWith("reclaiming retired resources failed (it is tried again at the"
          + " next pass; the same failure is not logged again): java.lang.IllegalStateException: the handler failed"
          + " on: first"), logged.list().getFirst());
    }
  }

  /**
   * A background pass whose batch fails (here the caller's onCloseFailure throws) while a reader holds a resource back
   * and the stall warning cannot be logged (a log handler that throws) throws the batch's failure, the log's suppressed
   * in it: the warning, logged in a finally, replaced it, and the reclaimer recorded the log handler's failure as the
   * reclamation's.
   */
  @Test
  void aStallWarningThatCannotBeLoggedDoesNotReplaceTheReclaimFailure() throws Exception {
    CountDownLatch leave = new CountDownLatch(1);
    try (FailingLog broken = FailingLog.of(Epochs.class);
        Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withReclaimBatch(1_000)
            .withStallWarning(Duration.ofNanos(1)).withOnCloseFailure(EpochsTest::throwingHandler))) {
      ebr.retire(failingToClose("first"));
      Thread reader = heldReader(ebr, Thread.ofPlatform(), leave);
      try {
        ebr.retire(() -> { }); // held back by the reader: a stall to warn of
        IllegalStateException thrown = assertThrows(IllegalStateException.class, ebr::reclaimInBackground);
        assertEquals("the handler failed on: first", thrown.getMessage(), thrown::toString);
        assertEquals(List.of("the log handler failed"),
            List.of(thrown.getSuppressed()).stream().map(Throwable::getMessage).toList());
        assertEquals(1, ebr.pending());
      } finally {
        leave.countDown();
        reader.join();
      }
    }
  }

  /**
   * A retirement whose inline reclaim throws (a batch of one, the caller's onCloseFailure throwing) still wakes the
   * background reclaimer: it was woken after the reclaim only, so a resource another thread retired meanwhile (which
   * saw two pending, and so woke nothing), held back by a reader, stayed pending until the next retirement. The
   * other thread's reclaim is held after its scan of the slots until this one has thrown, so that this one closes
   * the failing resource.
   */
  @Test
  void aRetirementWhoseInlineReclaimThrowsStillWakesTheBackgroundReclaimer() throws Exception {
    CountDownLatch leave = new CountDownLatch(1);
    CountDownLatch heldBackClosed = new CountDownLatch(1);
    CountDownLatch otherScanned = new CountDownLatch(1);
    CountDownLatch otherGoesOn = new CountDownLatch(1);
    AtomicReference<Thread> reader = new AtomicReference<>();
    AtomicReference<Thread> other = new AtomicReference<>();
    try (Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimBatch(1)
        .withReclaimInterval(Duration.ofMillis(5)).withOnCloseFailure(EpochsTest::throwingHandler))) {
      ebr.afterScanForTests = () -> { // this thread's reclaim, after its scan: no reader is inside yet
        ebr.afterScanForTests = () -> { // the other thread's
          otherScanned.countDown();
          awaitInHook(otherGoesOn);
        };
        try {
          reader.set(heldReader(ebr, Thread.ofPlatform(), leave));
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        other.set(Thread.ofPlatform().start(() -> ebr.retire(heldBackClosed::countDown)));
        awaitInHook(otherScanned);
        ebr.afterScanForTests = null;
      };
      assertThrows(IllegalStateException.class, () -> ebr.retire(failingToClose("first")));
      otherGoesOn.countDown();
      other.get().join();
      assertEquals(1, ebr.pending(), "the reader holds the other thread's resource back");
      leave.countDown();
      reader.get().join();
      assertTrue(heldBackClosed.await(10, java.util.concurrent.TimeUnit.SECONDS),
          "the resource held back was not reclaimed in the background once its reader had left");
    }
  }

  /**
   * A close that times out on a reader still inside its guard closes everything pending when its warning cannot be
   * logged (a log handler that throws): the warning, logged before, threw out of the close, and the resources it had
   * taken off the pending list were never closed.
   */
  @Test
  void aCloseWhoseWarningOfAReaderCannotBeLoggedClosesEverythingPending() throws Exception {
    CountDownLatch leave = new CountDownLatch(1);
    AtomicInteger closed = new AtomicInteger();
    Epochs ebr = manual(); // waits 200 ms for the reader
    Thread reader = heldReader(ebr, Thread.ofPlatform(), leave);
    try (FailingLog broken = FailingLog.of(Epochs.class)) {
      ebr.retire(closed::incrementAndGet);
      ebr.close();
      assertEquals(1, closed.get(), "the resource held back was not closed");
      assertEquals(0, ebr.pending());
      assertEquals(List.of(Thread.currentThread()), broken.threads(), "the warning was not logged");
    } finally {
      leave.countDown();
      reader.join();
    }
  }

  /** Waits for {@code latch} in a test hook, which cannot throw a checked exception. */
  private static void awaitInHook(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, java.util.concurrent.TimeUnit.SECONDS), "the other thread did not get there");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static AutoCloseable failingToClose(String message) {
    return () -> {
      throw new java.io.IOException(message);
    };
  }

  private static void throwingHandler(Throwable closeFailure) {
    throw new IllegalStateException("the handler failed on: " + closeFailure.getMessage());
  }

  @Test
  void closeClosesWhatIsPendingAndLaterRetirementsAtOnce() {
    Epochs ebr = manual();
    AtomicInteger closed = new AtomicInteger();
    ebr.retire(closed::incrementAndGet);
    ebr.close();
    assertEquals(1, closed.get());
    ebr.retire(closed::incrementAndGet);
    assertEquals(2, closed.get());
  }

  @Test
  void backgroundReclaimerClosesWithoutExplicitCalls() throws Exception {
    try (Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ofMillis(5)))) {
      CountDownLatch closed = new CountDownLatch(1);
      ebr.retire(closed::countDown);
      assertTrue(closed.await(10, java.util.concurrent.TimeUnit.SECONDS));
    }
  }

  /**
   * With a batch of one, a retirement reclaims inline; one a reader holds back stays pending, and the
   * background reclaimer, asleep while nothing was pending, must still be woken to close it once the reader
   * has left (it was not: the wake-up came only on the path below the batch size).
   */
  @Test
  void aRetirementHeldBackByAReaderIsReclaimedInTheBackgroundWithABatchOfOne() throws Exception {
    try (Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimBatch(1)
        .withReclaimInterval(Duration.ofMillis(5)))) {
      Thread.sleep(50); // the reclaimer has found nothing pending and sleeps
      CountDownLatch closed = new CountDownLatch(1);
      try (Guard g = ebr.enter()) {
        ebr.retire(closed::countDown); // the inline reclaim cannot close it: this reader may see it
      }
      assertEquals(1, ebr.pending());
      assertTrue(closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "never reclaimed");
    }
  }

  /**
   * Close ends the reclaimer even when a resource it was closing swallowed the interrupt close sends: the
   * reclaimer then found nothing pending and slept without a timeout while close waited for another thread's
   * reclaim, and close then waited for the reclaimer for good.
   */
  @Test
  void closeEndsAReclaimerWhoseResourceSwallowedTheInterrupt() throws Exception {
    Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ofMillis(1)));
    CountDownLatch reclaimerClosing = new CountDownLatch(1);
    ebr.retire(() -> {
      reclaimerClosing.countDown();
      try {
        Thread.sleep(10_000); // a close that waits, and takes an interrupt as its end
      } catch (InterruptedException swallowed) {
        // the interrupt status is cleared
      }
    });
    assertTrue(reclaimerClosing.await(10, java.util.concurrent.TimeUnit.SECONDS));
    CountDownLatch otherClosing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ebr.retire(() -> {
      otherClosing.countDown();
      release.await();
    });
    Thread other = Thread.ofPlatform().start(ebr::reclaim); // closes the second one, while close waits for it
    assertTrue(otherClosing.await(10, java.util.concurrent.TimeUnit.SECONDS));
    Thread closer = Thread.ofPlatform().start(ebr::close);
    Thread.sleep(300); // the reclaimer, interrupted out of its resource, finds nothing pending
    release.countDown();
    other.join(10_000);
    closer.join(10_000);
    assertFalse(closer.isAlive(), "close waits for a reclaimer that sleeps for good");
  }

  /**
   * A timeout too long for a long of nanoseconds ("as long as it takes") is waited as such: awaitReclaimed
   * and close threw an ArithmeticException instead, close after it had stopped the reclaimer and before it
   * closed anything, so what was retired stayed unclosed; a reclaimer with such a period failed to start.
   */
  @Test
  void aTimeoutBeyondLongNanosecondsIsWaitedNotAnOverflow() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO).withCloseTimeout(forever));
    AtomicInteger closed = new AtomicInteger();
    ebr.retire(closed::incrementAndGet);
    assertTrue(ebr.awaitReclaimed(forever));
    assertEquals(1, closed.get());
    ebr.retire(closed::incrementAndGet);
    ebr.close();
    assertEquals(2, closed.get());
    assertEquals(0, ebr.pending());
    try (Epochs slow = new Epochs(Epochs.Config.defaults().withReclaimInterval(forever))) {
      slow.retire(closed::incrementAndGet);
    }
    assertEquals(3, closed.get());
  }

  /**
   * A reader that stays inside a guard holds back every resource retired after it entered; the background
   * reclaimer says so once, naming the reader's thread, instead of letting the memory stay unfreed without a
   * word.
   */
  @Test
  void aReaderHoldingResourcesBackIsWarnedOfOnceByName() throws Exception {
    CountDownLatch leave = new CountDownLatch(1);
    AtomicInteger closed = new AtomicInteger();
    try (LoggedWarnings logged = LoggedWarnings.of(Epochs.class);
        Epochs ebr = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ofMillis(5))
            .withStallWarning(Duration.ofMillis(50)))) {
      Thread reader = heldReader(ebr, Thread.ofPlatform().name("slow-reader"), leave);
      ebr.retire(closed::incrementAndGet);
      ebr.retire(closed::incrementAndGet);
      for (long deadline = System.nanoTime() + 10_000_000_000L; logged.list().isEmpty(); Thread.sleep(1)) {
        assertTrue(System.nanoTime() < deadline, "no warning of the reader holding resources back");
      }
      Thread.sleep(200); // forty more passes of the reclaimer over the same stall
      leave.countDown();
      reader.join();
      assertTrue(ebr.awaitReclaimed(Duration.ofSeconds(10)));
      assertEquals(2, closed.get());
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.getFirst().startsWith("2 retired resources are not freed"), warnings.getFirst());
      assertTrue(warnings.getFirst().contains("'slow-reader'"), warnings.getFirst());
    }
  }

  /** Starts a reader that enters a guard of {@code ebr} and stays inside until {@code leave}; returns once inside. */
  private static Thread heldReader(Epochs ebr, Thread.Builder builder, CountDownLatch leave)
      throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    Thread reader = builder.start(() -> {
      try (Guard g = ebr.enter()) {
        inside.countDown();
        leave.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    inside.await();
    return reader;
  }
}
