package dev.aeon.index.atlas;

import java.io.IOException;

/**
 * A flush in two halves, so that a caller who holds its own writers back during a flush (the engine's
 * checkpoint) holds them only for the first: {@link AtlasIndex#stageFlush()} takes the snapshot under the
 * index's lock, mostly references to what is not written again rather than copies ({@link Persistence.Snapshot});
 * {@link #commit()} then forces the files, makes the manifest naming that snapshot (its bitmaps, the checksums of
 * the pages written since the last flush) and writes it while mutations go on, and frees the pages and slots
 * retired before it.
 *
 * <p>Forcing and writing the manifest late is safe because what it names does not change after the
 * snapshot (a later force writes it as it was at the snapshot, with whatever came after it): new
 * entries go after a page's counted ones (a reopen truncates to the count), removals are tombstones in the
 * snapshot's own copy, rewrites take fresh pages, a routing row the writer moves goes into a copy of its node's
 * rows ({@link Node.Children#rowsForSnapshot}), and whatever is retired after the snapshot stays allocated
 * until a later flush commits. Until {@code commit} returns, the previous manifest stays in force. Commit
 * before closing the index.
 */
public final class StagedFlush {

  private final AtlasIndex index;
  final Persistence.Snapshot snapshot;
  /** Counts the index's stages, so that an older stage never replaces a newer manifest. */
  final long sequence;
  final Storage.RetiredMark retired;
  final boolean reclaims;
  private final long snapshotNanos;

  StagedFlush(AtlasIndex index, Persistence.Snapshot snapshot, long sequence, Storage.RetiredMark retired,
      boolean reclaims,
      long snapshotNanos) {
    this.index = index;
    this.snapshot = snapshot;
    this.sequence = sequence;
    this.retired = retired;
    this.reclaims = reclaims;
    this.snapshotNanos = snapshotNanos;
  }

  /** How long taking the snapshot took, under the index's lock. */
  public long snapshotNanos() {
    return snapshotNanos;
  }

  /**
   * Makes the staged state durable: after it returns, a crash or {@link AtlasIndex#open} restores it (or
   * the state of a later flush). Does nothing when called again, or when a later stage has already
   * committed.
   *
   * @return how long each step took (force and manifest, with the checksums, zero unless this call wrote
   *     them)
   */
  public FlushTimes commit() throws IOException {
    return index.commit(this);
  }
}
