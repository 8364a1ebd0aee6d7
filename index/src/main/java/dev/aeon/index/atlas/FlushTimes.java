package dev.aeon.index.atlas;

/**
 * Where one {@link AtlasIndex#flush()} spent its time, in nanoseconds: forcing the page and vector files,
 * taking the snapshot of the tree, leaves and free lists, and writing and forcing the manifest that names
 * it. Callers that hold other writers back meanwhile (the engine's checkpoint) report it.
 */
public record FlushTimes(long forceNanos, long snapshotNanos, long manifestNanos) {

  /** No flush (a namespace without an index yet). */
  public static final FlushTimes NONE = new FlushTimes(0, 0, 0);
}
