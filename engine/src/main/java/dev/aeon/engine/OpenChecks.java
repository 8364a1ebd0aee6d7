package dev.aeon.engine;

import dev.aeon.blob.BlobArena;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.TraceGraph;
import dev.aeon.wal.Wal;
import java.nio.file.Path;

/**
 * Checks at open that a namespace's stores belong together. Each store checks its own files (headers,
 * checksums, lengths), but a file or folder that is missing, emptied or replaced by an older copy looks to
 * its store like a new or an older, valid one; only the other stores can tell. A checkpoint forces the log
 * up to its LSN, then makes the blob arena, the index and the trace durable, then checkpoints the log, so
 * at any moment: the log reaches the trace's checkpoint and holds every record after it, the arena has
 * handed out every text the trace names, and the index has a manifest once the trace names a vector. Each
 * check names the store that falls short.
 */
final class OpenChecks {

  private OpenChecks() {}

  /**
   * Before the trace opens (opening cuts its files back to its checkpoint): the log must reach the trace's
   * checkpoint, and must not have been checkpointed past it (it would have deleted what replay needs).
   */
  static void logCoversTrace(Wal wal, long traceCheckpointLsn, Path walDir, Path traceDir) {
    long traceLsn = Math.max(0, traceCheckpointLsn); // -1: no checkpoint yet
    if (wal.checkpointLsn() > traceLsn) {
      throw new CorruptFileException(traceDir, 0, "the trace's checkpoint names log position " + traceLsn
          + " but the log was checkpointed at " + wal.checkpointLsn() + " and no longer holds what came between:"
          + " the trace's checkpoint is missing or older than the rest of the namespace");
    }
    if (traceLsn > 0 && wal.lastLsn() < traceLsn) {
      throw new CorruptFileException(walDir, 0, "the log ends at position " + wal.lastLsn()
          + " but the trace's checkpoint names " + traceLsn + ": log segments are missing");
    }
  }

  /** After the trace opens: the arena must have handed out the text of every event the trace holds. */
  static void arenaHoldsTraceTexts(BlobArena arena, TraceGraph g, Path blobsDir) {
    long limit = arena.nextRef();
    for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
      if (g.isLive(slot) && g.blobRef(slot) >= limit) {
        throw new CorruptFileException(blobsDir, 0, "event " + g.id(slot) + " names text " + g.blobRef(slot)
            + " but the blob arena has handed out only refs below " + limit
            + ": the arena is missing or older than the trace");
      }
    }
  }

  /**
   * After replay: the arena holds the text of every event. The check above cannot see an older arena whose
   * last commit had reserved ids beyond the refs it handed out; before replay it could not be made, since
   * an arena forced with the frees of a checkpoint whose trace checkpoint a crash then lost has freed texts
   * of events that replay is yet to forget.
   */
  static void arenaHoldsEveryText(BlobArena arena, TraceGraph g, Path blobsDir) {
    for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
      if (g.isLive(slot) && !arena.contains(g.blobRef(slot))) {
        throw new CorruptFileException(blobsDir, 0, "the text of event " + g.id(slot) + " (ref "
            + g.blobRef(slot) + ") is not in the blob arena: the arena is older than the trace");
      }
    }
  }

  /** Without an index: the trace's events must have no vectors (else the index was flushed, and is lost). */
  static void noVectorsWithoutIndex(TraceGraph g, Path atlasDir) {
    for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
      if (g.isLive(slot) && g.vectorId(slot) != Event.NO_VECTOR) {
        throw new CorruptFileException(atlasDir, 0, "the vector index is missing (no manifest), but event "
            + g.id(slot) + " of the trace's checkpoint has a vector");
      }
    }
  }

  /**
   * After replay: the index holds the vector of every event that has one, and no other. The count alone
   * cannot tell an older index whose forgotten vectors make up for the ones it never had.
   */
  static void indexMatchesTrace(AtlasIndex atlas, TraceGraph g, Path atlasDir) {
    long withVector = 0;
    for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
      long vectorId = g.vectorId(slot);
      if (g.isLive(slot) && vectorId != Event.NO_VECTOR) {
        withVector++;
        if (atlas == null || !atlas.contains(vectorId)) {
          throw new CorruptFileException(atlasDir, 0, "event " + g.id(slot) + " has a vector but the vector index"
              + " does not hold it: the index's files are from another state of the namespace");
        }
      }
    }
    long indexed = atlas == null ? 0 : atlas.size();
    if (indexed != withVector) {
      throw new CorruptFileException(atlasDir, 0, "the vector index holds " + indexed + " vectors but the"
          + " trace's events have " + withVector + ": the index's files are from another state of the namespace");
    }
  }
}
