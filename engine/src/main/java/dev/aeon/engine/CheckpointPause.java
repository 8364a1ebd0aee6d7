package dev.aeon.engine;

import dev.aeon.index.atlas.FlushTimes;

/**
 * How long a checkpoint held writers back, in microseconds, and where the time went: waiting for the
 * write in progress to finish, freeing the texts forgotten since the checkpoint began (it frees the
 * others before it takes the lock), making each store durable (the index: forcing its
 * files, taking its snapshot, writing its manifest; the blob arena's force; the trace's flush), then, when
 * a compaction erases older log segments, the log's checkpoint. The steps account for the total but for
 * the bookkeeping between them.
 */
public record CheckpointPause(long totalMicros, long lockWaitMicros, long freeTextsMicros,
    long indexForceMicros, long indexSnapshotMicros, long indexManifestMicros, long blobsMicros,
    long traceMicros, long logMicros) {

  /** Before any checkpoint. */
  public static final CheckpointPause NONE = new CheckpointPause(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * From one checkpoint's clock readings (started, took the lock, freed the texts, flushed the stores,
   * about to release the lock) and the stores' own times.
   */
  static CheckpointPause of(long startNanos, long lockedNanos, long freedNanos, Stores.Flushed stores,
      long flushedNanos, long endNanos) {
    FlushTimes index = stores.index();
    return new CheckpointPause(micros(endNanos - startNanos), micros(lockedNanos - startNanos),
        micros(freedNanos - lockedNanos), micros(index.forceNanos()), micros(index.snapshotNanos()),
        micros(index.manifestNanos()), micros(stores.blobsNanos()), micros(stores.traceNanos()),
        micros(endNanos - flushedNanos));
  }

  private static long micros(long nanos) {
    return nanos / 1_000;
  }
}
