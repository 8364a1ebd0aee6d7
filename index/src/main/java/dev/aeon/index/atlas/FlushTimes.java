package dev.aeon.index.atlas;

/**
 * Where one {@link AtlasIndex#flush()} spent its time, in nanoseconds: forcing the page and vector files,
 * taking the snapshot of the tree, leaves and free lists, and checksumming the pages written since the last
 * flush and writing and forcing the manifest that names them. Of a {@link StagedFlush}, only the snapshot
 * is taken under the index's lock.
 */
public record FlushTimes(long forceNanos, long snapshotNanos, long manifestNanos) {

  /** No flush (a namespace without an index yet). */
  public static final FlushTimes NONE = new FlushTimes(0, 0, 0);
}
