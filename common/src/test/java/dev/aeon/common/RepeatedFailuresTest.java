package dev.aeon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void aKindIsTheClassAndThePlaceOfTheFailureAndOfItsCauses() {
    assertEquals(RepeatedFailures.kind(fullAt(1)), RepeatedFailures.kind(fullAt(2)));
    assertNotEquals(RepeatedFailures.kind(fullAt(1)), RepeatedFailures.kind(at(1, new IOException("other"))));
    assertNotEquals(RepeatedFailures.kind(new IllegalStateException()), RepeatedFailures.kind(new RuntimeException()));
  }

  private static UncheckedIOException fullAt(long position) {
    return at(position, new IOException("No space left on device"));
  }

  /** Wraps each cause at the same place, as a checkpoint does. */
  private static UncheckedIOException at(long position, IOException cause) {
    return new UncheckedIOException("cannot write at byte " + position, cause);
  }
}
