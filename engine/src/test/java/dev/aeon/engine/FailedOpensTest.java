package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedOpensTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final FailedOpens opens = new FailedOpens(now::get);

  @Test
  void aFailureIsThrownAgainForOneSecondThenTheOpenIsTriedAgain() {
    IllegalStateException failure = new IllegalStateException("the log is damaged");
    opens.failed("a", failure);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    assertSame(failure, assertThrows(IllegalStateException.class, () -> opens.throwIfRecent("a")));
    assertDoesNotThrow(() -> opens.throwIfRecent("b"));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertDoesNotThrow(() -> opens.throwIfRecent("a"));
  }

  /** Names that failed once and were never opened again were kept for good, each with its exception. */
  @Test
  void failuresOlderThanASecondAreNotKept() {
    for (int i = 0; i < 1_000; i++) {
      opens.failed("ns-" + i, new IllegalStateException("no space left on device"));
    }
    assertEquals(1_000, opens.size());
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    opens.failed("later", new IllegalStateException("no space left on device"));
    assertEquals(1, opens.size());
  }

  /** An InternalError (a mapped file cut short during replay) is thrown again as it is, as an exception is. */
  @Test
  void anInternalErrorIsThrownAgainForOneSecond() {
    InternalError failure = new InternalError("a fault occurred in an unsafe memory access operation");
    opens.failed("a", failure);
    assertSame(failure, assertThrows(InternalError.class, () -> opens.throwIfRecent("a")));
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertDoesNotThrow(() -> opens.throwIfRecent("a"));
  }

  /** Running out of heap or stack says nothing of the namespace's files: the next open is tried at once. */
  @Test
  void runningOutOfHeapOrStackIsNotKept() {
    opens.failed("heap", new OutOfMemoryError("Java heap space"));
    opens.failed("stack", new StackOverflowError());
    assertEquals(0, opens.size());
    assertDoesNotThrow(() -> opens.throwIfRecent("heap"));
    assertDoesNotThrow(() -> opens.throwIfRecent("stack"));
  }
}
