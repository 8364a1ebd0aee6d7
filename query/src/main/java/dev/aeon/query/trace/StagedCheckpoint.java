package dev.aeon.query.trace;

/**
 * A trace flush in two halves, so that a caller who holds its writers back during a flush (the engine's
 * checkpoint) holds them only for the first: {@link Trace#stageCheckpoint} writes the buffered appends out
 * under the trace's lock and notes the lengths and counts that make up the state; {@link #commit()} then
 * forces the files and writes the checkpoint naming them while appends go on. Safe because the trace's
 * files only grow: what a checkpoint names stays as it was, and a reopen reads no further than it says
 * (a compaction's stage writes a new meta file, and the old one is deleted only once a checkpoint names the
 * new one). Until {@code commit} returns, the previous checkpoint stays in force. Commit before closing the trace.
 */
public final class StagedCheckpoint {

  private final Trace trace;
  final Checkpoint checkpoint;
  /** The meta file the checkpoint counts bytes of (a later compaction's stage may replace the trace's). */
  final AppendFile meta;
  /** Counts the trace's stages, so that an older stage never replaces a newer checkpoint. */
  final long sequence;

  StagedCheckpoint(Trace trace, Checkpoint checkpoint, AppendFile meta, long sequence) {
    this.trace = trace;
    this.checkpoint = checkpoint;
    this.meta = meta;
    this.sequence = sequence;
  }

  /** The log position this checkpoint names. */
  public long lsn() {
    return checkpoint.lsn();
  }

  /**
   * Makes the staged state the one a reopen restores (or that of a later checkpoint). Does nothing when
   * called again, or when a later stage has already committed.
   *
   * @throws java.io.UncheckedIOException if the checkpoint cannot be written
   */
  public void commit() {
    trace.commit(this);
  }
}
