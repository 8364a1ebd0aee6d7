package dev.aeon.engine;

import dev.aeon.index.atlas.StagedFlush;

/**
 * How long a checkpoint held writers back, in microseconds, and where the time went: waiting for the
 * write in progress to finish, noting the stores' state (the index's snapshot; the trace writing out its
 * buffered appends), then, when a compaction erases older log segments, freeing the forgotten texts,
 * forcing the stores, writing their manifests and the log's checkpoint. Otherwise those follow the pause,
 * while writers go on. The steps account for the total but for the bookkeeping between them.
 */
public record CheckpointPause(long totalMicros, long lockWaitMicros, long indexSnapshotMicros, long traceMicros,
    long logMicros) {

  /** Before any checkpoint. */
  public static final CheckpointPause NONE = new CheckpointPause(0, 0, 0, 0, 0);

  /**
   * From one checkpoint's clock readings (started, took the lock, staged the stores, about to release the
   * lock) and the stores' own times.
   */
  static CheckpointPause of(long startNanos, long lockedNanos, Stores.Staged stores, long stagedNanos,
      long endNanos) {
    StagedFlush index = stores.index();
    return new CheckpointPause(micros(endNanos - startNanos), micros(lockedNanos - startNanos),
        index != null ? micros(index.snapshotNanos()) : 0, micros(stores.traceNanos()),
        micros(endNanos - stagedNanos));
  }

  private static long micros(long nanos) {
    return nanos / 1_000;
  }
}
