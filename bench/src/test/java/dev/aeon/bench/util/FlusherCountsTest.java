package dev.aeon.bench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.engine.LogFlusherStats;
import dev.aeon.wal.FlusherStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlusherCountsTest {

  /** Every counter lands in its own field, so the benches' summaries read the engine's flusher as the log's. */
  @Test
  void theEnginesCountersLandInTheLogsRecordFieldByField() {
    LogFlusherStats engine = new LogFlusherStats(9, 4, 2, 3, List.of(1L, 2L, 3L, 4L, 5L, 6L));
    assertEquals(new FlusherStats(9, 4, 2, 3, List.of(1L, 2L, 3L, 4L, 5L, 6L)), FlusherCounts.of(engine));
    assertEquals(FlusherStats.NONE, FlusherCounts.of(LogFlusherStats.NONE));
    assertEquals(FlusherStats.RETURN_BOUNDS_MICROS, LogFlusherStats.RETURN_BOUNDS_MICROS, "the same classes");
  }
}
