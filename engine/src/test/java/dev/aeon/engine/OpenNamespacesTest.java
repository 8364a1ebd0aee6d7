package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry of open namespaces ({@link OpenNamespaces}) when a namespace's open fails. */
class OpenNamespacesTest {

  @TempDir Path dir;

  /**
   * An open that fails with an Error (an InternalError: the blob arena cut short under its mapping while the log is
   * replayed, as {@code RecoveryErrorTest} makes real) leaves no usage record behind, and above all no lease: a lease
   * whose open threw one was never released, so that the namespace, once it opened, counted as leased for good and
   * {@code closeIdleNamespaces} never closed it; and a plain use kept its usage record. Exceptions did neither.
   */
  @Test
  void anOpenThatFailsWithAnErrorLeavesNoUsageRecordAndNoLease() {
    AeonOptions options = EngineTest.options();
    MemoryDirectory directory = MemoryDirectory.open(dir, d -> d);
    try (BackgroundThreads threads = new BackgroundThreads()) {
      boolean[] failNext = {false};
      AtomicLong now = new AtomicLong(1_000);
      OpenNamespaces namespaces = new OpenNamespaces(directory, options, threads, (name, files) -> {
        if (failNext[0]) {
          failNext[0] = false;
          throw new InternalError("a fault occurred in an unsafe memory access operation");
        }
        return DurableMemory.open(name, files, options, threads);
      }, new FailedOpens(now::get));
      failNext[0] = true;
      assertThrows(InternalError.class, () -> namespaces.namespace("used", true));
      assertEquals(0, namespaces.usageRecords(), "the failed use's usage record is kept");

      failNext[0] = true;
      assertThrows(InternalError.class, () -> namespaces.lease("leased", true));
      assertEquals(0, namespaces.usageRecords(), "the failed lease's usage record is kept");
      now.addAndGet(TimeUnit.SECONDS.toNanos(1)); // the failed open is thrown again for a second
      namespaces.lease("leased", true).close();
      assertEquals(List.of("leased"), namespaces.closeIdle(Duration.ZERO),
          "the lease of the failed open still holds the namespace");
      namespaces.closeAll(List.of());
    } finally {
      directory.release();
    }
  }

  /**
   * An open that failed with an InternalError (the blob arena cut short under its mapping while the log is replayed)
   * is thrown again to the calls of the next second without opening the files again, as an exception is: it was not
   * recorded, so every caller (a server calls {@code namespace} for every command) ran a whole recovery again, which
   * failed again. After that second the open is tried again.
   */
  @Test
  void anOpenThatFailedWithAnInternalErrorIsThrownAgainForASecond() {
    AtomicLong now = new AtomicLong(1_000);
    AtomicInteger opens = new AtomicInteger();
    withNamespaces(now, opens, () -> new InternalError("a fault occurred in an unsafe memory access operation"),
        namespaces -> {
          InternalError first = assertThrows(InternalError.class, () -> namespaces.namespace("a", true));
          InternalError again = assertThrows(InternalError.class, () -> namespaces.namespace("a", true));
          assertSame(first, again, "the open was tried again at once");
          assertThrows(InternalError.class, () -> namespaces.lease("a", true));
          assertEquals(1, opens.get(), "opens tried within the second");
          assertEquals(0, namespaces.usageRecords(), "a usage record of a failed open is kept");

          now.addAndGet(TimeUnit.SECONDS.toNanos(1));
          namespaces.namespace("a", true).remember(Remember.event("s", "user", "opened at last"));
          assertEquals(2, opens.get(), "opens tried once the second passed");
        });
  }

  /**
   * An open that ran out of heap or of stack is not thrown again: those tell of this JVM at that moment (a full heap,
   * the caller's deep stack), not of the namespace's files, and the next caller may well open it.
   */
  @Test
  void anOpenThatRanOutOfMemoryOrStackIsTriedAgainAtOnce() {
    List<Supplier<Error>> errors = List.of(() -> new OutOfMemoryError("Java heap space"), StackOverflowError::new);
    for (Supplier<Error> error : errors) {
      AtomicInteger opens = new AtomicInteger();
      withNamespaces(new AtomicLong(1_000), opens, error, namespaces -> {
        Error first = assertThrows(Error.class, () -> namespaces.namespace("a", true));
        assertEquals(error.get().getClass(), first.getClass());
        assertEquals(0, namespaces.namespace("a", true).stats().events());
        assertEquals(2, opens.get(), "the open was not tried again after " + first);
      });
    }
  }

  /**
   * Runs {@code test} on the namespaces of {@link #dir}, whose failed opens are timed by {@code now}: the first open
   * throws what {@code firstFailure} gives, the others open the namespace; {@code opens} counts them.
   */
  private void withNamespaces(AtomicLong now, AtomicInteger opens, Supplier<? extends Error> firstFailure,
      Consumer<OpenNamespaces> test) {
    AeonOptions options = EngineTest.options();
    MemoryDirectory directory = MemoryDirectory.open(dir, d -> d);
    try (BackgroundThreads threads = new BackgroundThreads()) {
      OpenNamespaces namespaces = new OpenNamespaces(directory, options, threads, (name, files) -> {
        if (opens.incrementAndGet() == 1) {
          throw firstFailure.get();
        }
        return DurableMemory.open(name, files, options, threads);
      }, new FailedOpens(now::get));
      try {
        test.accept(namespaces);
      } finally {
        namespaces.closeAll(List.of());
      }
    } finally {
      directory.release();
    }
  }
}
