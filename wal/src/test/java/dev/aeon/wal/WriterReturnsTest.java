package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the flusher spins for its writers and when it blocks at once, by the lengths of its last idle waits. */
class WriterReturnsTest {

  private static final long WINDOW = 100_000;
  private static final long SOON = 20_000;
  private static final long LATE = 5_000_000;

  @Test
  void aNewLogBlocksUntilItsWritersHaveComeBackSevenTimesInEight() {
    WriterReturns r = new WriterReturns(WINDOW);
    assertFalse(r.spinNext(), "a log that has not seen its writers yet blocks at once");
    for (int i = 1; i < WriterReturns.SPIN_WHEN; i++) {
      r.waited(SOON);
      assertFalse(r.spinNext(), i + " returns of " + WriterReturns.WAITS + " are not enough");
    }
    r.waited(SOON);
    assertTrue(r.spinNext());
  }

  @Test
  void aWaitOfExactlyTheWindowCountsAsAReturn() {
    WriterReturns r = new WriterReturns(WINDOW);
    for (int i = 0; i < WriterReturns.WAITS; i++) {
      r.waited(WINDOW);
    }
    assertTrue(r.spinNext());
    r.waited(WINDOW + 1);
    r.waited(WINDOW + 1);
    assertFalse(r.spinNext(), "two waits in eight beyond the window");
  }

  /** An engine's paced remember and forget: the forget comes back soon, the next remember after milliseconds. */
  @Test
  void aWriterThatComesBackEveryOtherTimeNeverMakesItSpin() {
    WriterReturns r = new WriterReturns(WINDOW);
    for (int i = 0; i < 100; i++) {
      r.waited(i % 2 == 0 ? SOON : LATE);
      assertFalse(r.spinNext(), "wait " + i);
    }
  }

  @Test
  void closedLoopWritersKeepItSpinningThroughOneLateReturnInEight() {
    WriterReturns r = new WriterReturns(WINDOW);
    for (int i = 0; i < WriterReturns.WAITS; i++) {
      r.waited(SOON);
    }
    for (int i = 0; i < 100; i++) {
      r.waited(i % WriterReturns.WAITS == 0 ? LATE : SOON);
      assertTrue(r.spinNext(), "wait " + i);
    }
  }

  @Test
  void writersThatStopComingBackMakeItBlockAfterTwoWaits() {
    WriterReturns r = new WriterReturns(WINDOW);
    for (int i = 0; i < WriterReturns.WAITS; i++) {
      r.waited(SOON);
    }
    r.waited(LATE);
    assertTrue(r.spinNext());
    r.waited(LATE);
    assertFalse(r.spinNext());
  }
}
