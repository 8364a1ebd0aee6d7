package dev.aeon.engine;

import dev.aeon.wal.FlusherStats;
import java.util.List;

/**
 * What a namespace's log flusher did on an empty ring since the log was opened ({@link MemoryStats#logFlusher}):
 * how many of its idle waits spun for its writers before they blocked and how many blocked at once (then a record
 * costs a wake-up of the flusher), and how soon after each wait began a writer came back with a record. The flusher
 * spins only while its writers come back within {@link #WINDOW_MICROS}. The engine's own copy of its log's counters,
 * so that its API names none of the log's types.
 *
 * @param waitsSpun idle waits that spun and yielded, up to the window, before they blocked
 * @param waitsBlocked idle waits that blocked at once
 * @param spinsWasted of the waits that spun, those whose writers came back after the window (its CPU spent for
 *     nothing, and a wake-up all the same)
 * @param wakeUpsSpinWouldSave of the waits that blocked at once, those whose writers came back within the window (a
 *     spin would have caught their record)
 * @param writerReturns idle waits by how soon after the wait began its record came: the i-th count those within
 *     {@code RETURN_BOUNDS_MICROS.get(i)} µs (and beyond the bound before), the last one those beyond every bound
 */
public record LogFlusherStats(long waitsSpun, long waitsBlocked, long spinsWasted, long wakeUpsSpinWouldSave,
    List<Long> writerReturns) {

  /** How long the flusher spins and yields before it blocks, µs; one of {@link #RETURN_BOUNDS_MICROS}. */
  public static final long WINDOW_MICROS = FlusherStats.WINDOW_MICROS;
  /** The upper bounds, µs, of the classes of {@link #writerReturns}: 25, 50, 100 (the window), 200, 1000. */
  public static final List<Long> RETURN_BOUNDS_MICROS = List.copyOf(FlusherStats.RETURN_BOUNDS_MICROS);
  /** Nothing counted: a namespace that does not exist. */
  public static final LogFlusherStats NONE = of(FlusherStats.NONE);

  public LogFlusherStats {
    writerReturns = List.copyOf(writerReturns);
    if (writerReturns.size() != RETURN_BOUNDS_MICROS.size() + 1) {
      throw new IllegalArgumentException("writerReturns has " + writerReturns.size() + " classes, not "
          + (RETURN_BOUNDS_MICROS.size() + 1) + " (one more than RETURN_BOUNDS_MICROS)");
    }
  }

  /**
   * The log's counters, as the engine hands them out: the one place that maps them, field by field under the same
   * names ({@code LogFlusherStatsTest} fails if the log counts something this record does not carry).
   */
  static LogFlusherStats of(FlusherStats log) {
    return new LogFlusherStats(log.waitsSpun(), log.waitsBlocked(), log.spinsWasted(), log.wakeUpsSpinWouldSave(),
        log.writerReturns());
  }
}
