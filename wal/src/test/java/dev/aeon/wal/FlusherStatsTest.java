package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the flusher's idle waits are counted by their writers' return, and what the counts say. */
class FlusherStatsTest {

  /** Each bound belongs to its own class; past the last bound, the last class. */
  @Test
  void returnsAreCountedInTheClassOfTheirFirstBoundNotBelowThem() {
    ReturnClasses classes = new ReturnClasses();
    for (long nanos : new long[] {0, 25_000, 25_001, 50_000, 99_999, 100_000, 100_001, 200_000, 1_000_000,
        1_000_001, Long.MAX_VALUE}) {
      classes.count(nanos);
    }
    assertEquals(List.of(2L, 2L, 2L, 2L, 1L, 2L), classes.counts());
  }

  @Test
  void withinTheWindowAreTheClassesUpToIt() {
    FlusherStats stats = new FlusherStats(9, 4, 2, 3, List.of(1L, 2L, 3L, 4L, 5L, 6L));
    assertEquals(100, FlusherStats.WINDOW_MICROS);
    assertEquals(6, stats.returnsWithinWindow());
    assertEquals(15, stats.returnsLate());
    assertEquals("spun 9 (in vain 2), blocked 4 (a spin would have caught 3); returns <=25us 1, <=50us 2,"
        + " <=100us 3, <=200us 4, <=1000us 5, more 6",
        stats.summary());
    assertThrows(IllegalArgumentException.class, () -> new FlusherStats(0, 0, 0, 0, List.of(1L)));
  }

  @Test
  void countsOfTwoStretchesAddAndSubtract() {
    FlusherStats before = new FlusherStats(1, 2, 1, 0, List.of(1L, 0L, 0L, 0L, 0L, 2L));
    FlusherStats after = new FlusherStats(5, 3, 1, 1, List.of(4L, 1L, 0L, 0L, 0L, 3L));
    FlusherStats between = after.since(before);
    assertEquals(new FlusherStats(4, 1, 0, 1, List.of(3L, 1L, 0L, 0L, 0L, 1L)), between);
    assertEquals(after, before.plus(between));
  }

  /** A log opened read-only has no flusher: nothing counted. */
  @Test
  void aReadOnlyLogCountsNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      wal.appendAndWait((byte) 1, WalTest.payload(1));
    }
    try (Wal wal = Wal.open(dir, WalTest.small().readOnly(true))) {
      assertEquals(FlusherStats.NONE, wal.flusherStats());
    }
  }
}
