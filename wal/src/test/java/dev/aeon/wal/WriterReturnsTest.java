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
  void aNewLogBlocksUntilItsWritersHaveComeBackFiveTimesInEight() {
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

  /**
   * An engine's writer on a busy machine: it parks for its acknowledgement, and now and then waits for a core
   * before it comes back, beyond the window, here one time in four. Each of its other returns a blocked flusher
   * would make pay for a wake-up. With 7 of the last 8 returns required (before), the flusher blocked at once for
   * 75 of these 100 waits.
   */
  @Test
  void aWriterLateOneTimeInFourKeepsItSpinning() {
    WriterReturns r = new WriterReturns(WINDOW);
    for (int i = 0; i < WriterReturns.WAITS; i++) {
      r.waited(SOON);
    }
    for (int i = 0; i < 100; i++) {
      r.waited(i % 4 == 3 ? LATE : SOON);
      assertTrue(r.spinNext(), "wait " + i);
    }
  }

  /** Three late returns in eight, none two in a row: still spinning; a fourth in the eight, blocking. */
  @Test
  void threeLateReturnsInEightKeepItSpinningAndAFourthMakesItBlock() {
    WriterReturns r = new WriterReturns(WINDOW);
    for (int i = 0; i < WriterReturns.WAITS; i++) {
      r.waited(SOON);
    }
    for (long wait : new long[] {LATE, SOON, LATE, SOON, LATE, SOON}) {
      r.waited(wait);
      assertTrue(r.spinNext(), "at most three late returns in eight");
    }
    r.waited(LATE);
    assertFalse(r.spinNext(), "four late returns in eight");
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
