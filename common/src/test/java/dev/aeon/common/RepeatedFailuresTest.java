package dev.aeon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What background work that runs again and again logs of its failures. */
class RepeatedFailuresTest {

  private final List<String> lines = new ArrayList<>();
  private final List<Throwable> traced = new ArrayList<>();
  private final RepeatedFailures failures = new RepeatedFailures("test work", (line, failure) -> {
    lines.add(line);
    traced.add(failure);
  }, lines::add);

  /**
   * The same failure with a message that changes every run (a byte count here, as an LSN or a path would) is one
   * failure: compared by its text, as the engine's checkpoints did, each run's was logged anew.
   */
  @Test
  void aFailureWhoseMessageChangesEveryRunIsLoggedOnceWithItsStackTrace() {
    List<Throwable> thrown = new ArrayList<>();
    for (int run = 1; run <= 5; run++) {
      thrown.add(fullAt(run * 4096L));
      failures.failed(thrown.getLast(), "it is tried again every interval");
    }
    failures.succeeded();
    failures.succeeded();
    assertEquals(List.of("test work failed (it is tried again every interval; the same failure is not logged again):"
        + " java.io.UncheckedIOException: cannot write at byte 4096, caused by java.io.IOException: No space left on"
        + " device", "test work works again after 5 failed runs"), lines);
    assertEquals(1, traced.size());
    assertSame(thrown.getFirst(), traced.getFirst());
  }

  /**
   * Two failures that take turns are each logged once, and after a success that is logged, a failure is logged
   * anew; a wrapper thrown at one place is told apart by its cause.
   */
  @Test
  void eachKindIsLoggedOnceUntilTheWorkSucceeds() {
    for (int run = 0; run < 4; run++) {
      failures.failed(run % 2 == 0 ? fullAt(run) : new IllegalStateException("closed"), "again");
    }
    failures.failed(at(0, new IOException("Input/output error")), "again"); // the same wrapper, another cause
    failures.succeeded();
    failures.failed(fullAt(0), "again");
    assertEquals(5, lines.size(), lines.toString());
    assertEquals("test work works again after 5 failed runs", lines.get(3));
    assertEquals(4, traced.size());
  }

  /**
   * A failure whose warning could not be logged (a log handler that throws, or memory run out as the line is made) is
   * warned of at its next run: it counted as logged, and the same failure was never warned of until the work
   * succeeded, however long it went on failing. The handler's failure is the caller's to swallow.
   */
  @Test
  void aFailureWhoseWarningCouldNotBeLoggedIsWarnedOfAtItsNextRun() {
    AtomicBoolean broken = new AtomicBoolean(true);
    RepeatedFailures once = new RepeatedFailures("test work", (line, failure) -> {
      if (broken.getAndSet(false)) {
        throw new IllegalStateException("the log handler failed");
      }
      lines.add(line);
    }, lines::add);
    assertThrows(IllegalStateException.class, () -> once.failed(fullAt(1), "again"));
    once.failed(fullAt(2), "again");
    once.failed(fullAt(3), "again");
    once.succeeded();
    assertEquals(List.of("test work failed (again; the same failure is not logged again): java.io.UncheckedIOException:"
        + " cannot write at byte 2, caused by java.io.IOException: No space left on device",
        "test work works again after 3 failed runs"), lines);
  }

  @Test
  void aKindIsTheClassAndThePlaceOfTheFailureAndOfItsCauses() {
    assertEquals(RepeatedFailures.kind(fullAt(1)), RepeatedFailures.kind(fullAt(2)));
    assertNotEquals(RepeatedFailures.kind(fullAt(1)), RepeatedFailures.kind(at(1, new IOException("other"))));
    assertNotEquals(RepeatedFailures.kind(new IllegalStateException()), RepeatedFailures.kind(new RuntimeException()));
  }

  /**
   * A fault of a mapped file (a {@code SIGBUS}, thrown as an {@code InternalError}) is one failure however the JIT ran
   * the read: interpreted, its top frame is {@code Unsafe.getIntUnaligned}; compiled, that intrinsic has no frame of
   * its own and the top one is its caller's. The kind was taken from the top frame, so the same failure was warned
   * of twice. The place is the first frame outside the JDK, which a call from another place of the engine changes.
   */
  @Test
  void aFailureThrownInsideTheJdkIsOfOneKindWhateverItsJdkFrames() {
    StackTraceElement unsafe = jdkFrame("jdk.internal.misc.Unsafe", "getIntUnaligned", 3591);
    StackTraceElement scoped = jdkFrame("jdk.internal.misc.ScopedMemoryAccess", "getIntUnalignedInternal", 3171);
    StackTraceElement copy = new StackTraceElement("dev.aeon.blob.Collector", "copy", "Collector.java", 120);
    StackTraceElement read = new StackTraceElement("dev.aeon.blob.BlobArena", "read", "BlobArena.java", 300);
    String interpreted = RepeatedFailures.kind(thrownAt(unsafe, scoped, copy));
    assertEquals(interpreted, RepeatedFailures.kind(thrownAt(scoped, copy)));
    assertNotEquals(interpreted, RepeatedFailures.kind(thrownAt(unsafe, scoped, read)));
    assertEquals(RepeatedFailures.kind(thrownAt(unsafe)), RepeatedFailures.kind(thrownAt(unsafe)), "no frame of ours");
    assertNotEquals(RepeatedFailures.kind(thrownAt(unsafe)), RepeatedFailures.kind(thrownAt(scoped)));
  }

  private static StackTraceElement jdkFrame(String className, String method, int line) {
    String file = className.substring(className.lastIndexOf('.') + 1) + ".java";
    return new StackTraceElement(null, "java.base", null, className, method, file, line);
  }

  private static InternalError thrownAt(StackTraceElement... frames) {
    InternalError e = new InternalError("a fault occurred in an unsafe memory access operation");
    e.setStackTrace(frames);
    return e;
  }

  private static UncheckedIOException fullAt(long position) {
    return at(position, new IOException("No space left on device"));
  }

  /** Wraps each cause at the same place, as a checkpoint does. */
  private static UncheckedIOException at(long position, IOException cause) {
    return new UncheckedIOException("cannot write at byte " + position, cause);
  }
}
