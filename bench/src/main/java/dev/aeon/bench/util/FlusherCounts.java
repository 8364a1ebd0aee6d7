package dev.aeon.bench.util;

import dev.aeon.engine.LogFlusherStats;
import dev.aeon.wal.FlusherStats;

/**
 * A namespace's log flusher counters ({@link LogFlusherStats}, as the engine hands them out) as the log's own record
 * ({@link FlusherStats}), whose differences, sums and summary line the benches print for the engine and for the log
 * alone alike.
 */
public final class FlusherCounts {

  private FlusherCounts() {}

  public static FlusherStats of(LogFlusherStats engine) {
    return new FlusherStats(engine.waitsSpun(), engine.waitsBlocked(), engine.spinsWasted(),
        engine.wakeUpsSpinWouldSave(), engine.writerReturns());
  }
}
