package dev.aeon.engine;

import dev.aeon.common.io.CorruptFileException;
import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.MutationCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What opening a namespace does once its stores are open ({@link DurableMemory#open}): the log's records after the
 * trace's checkpoint are applied again, each refused by name if it is not what a writer logged, and then the
 * stores are checked against each other. Nothing else runs on the namespace meanwhile: it is not yet handed out.
 */
final class NamespaceRecovery {

  /** What recovery logs goes to the namespace's logger, as when DurableMemory recovered itself. */
  private static final System.Logger LOG = System.getLogger(DurableMemory.class.getName());

  private final String name;
  private final Stores stores;
  private final MutationApplier applier;

  private NamespaceRecovery(String name, Stores stores, MutationApplier applier) {
    this.name = name;
    this.stores = stores;
    this.applier = applier;
  }

  /**
   * Replays the log after its checkpoint, skipping what the trace already holds: the trace is flushed
   * last, so its checkpoint is the oldest of the stores and every store is at least that far. {@code progress} is
   * told of each record replayed, of those after the checkpoint (one LSN each). Returns the id the next event
   * gets.
   */
  static long recover(String name, Stores stores, MutationApplier applier, TransferProgress progress)
      throws IOException {
    return new NamespaceRecovery(name, stores, applier).recover(progress);
  }

  private long recover(TransferProgress progress) throws IOException {
    long traceLsn = stores.trace.checkpointLsn();
    long[] maxId = {Math.max(0, stores.trace.maxEventId())}; // ids start at 1
    int[] replayed = {0};
    long toReplay = stores.wal.lastLsn() - traceLsn;
    if (stores.wal.lastLsn() > traceLsn) { // a clean close leaves nothing to replay: no text to look for
      applier.replaying(UnnamedTexts.before(stores.blobs, stores.trace.graph()));
    }
    stores.wal.replay((lsn, type, payload) -> {
      if (lsn <= traceLsn) {
        return;
      }
      byte[] bytes = new byte[payload.remaining()];
      payload.get(bytes);
      Mutation m = replayLogged(lsn, type, bytes);
      if (m instanceof RememberEvent r) {
        maxId[0] = Math.max(maxId[0], r.id());
      } else if (m instanceof RememberBatch b) {
        maxId[0] = Math.max(maxId[0], b.events().getLast().id()); // its ids follow each other (MutationCodec)
      }
      replayed[0]++;
      progress.report(TransferProgress.Step.REPLAYING, lsn - traceLsn, toReplay);
    });
    applier.replayed();
    OpenChecks.indexMatchesTrace(stores.atlas(), stores.trace.graph(), stores.dir.resolve("atlas"));
    OpenChecks.arenaHoldsEveryText(stores.blobs, stores.trace.graph(), stores.dir.resolve("blobs"));
    long[] notLogged = stores.trace.clearEventsPastTheEnd();
    if (notLogged.length > 0) {
      // A crash between applying writes and forcing their records leaves a few (never acknowledged); a log that
      // lost forced records to damage, or was replaced by an older copy, looks the same to the log itself.
      String which = notLogged.length == 1 ? "1 event (id " + notLogged[0] + ")" : notLogged.length + " events (ids "
          + notLogged[0] + " to " + notLogged[notLogged.length - 1] + ")";
      LOG.log(System.Logger.Level.WARNING, "namespace ''{0}'' in {1}: the trace held {2} past the end of the"
          + " write-ahead log, appended before a crash; dropped. Writes in flight at a crash were never acknowledged;"
          + " if these were, the log lost them (damaged, or replaced by an older copy)", name, stores.dir, which);
    }
    if (replayed[0] > 0) {
      LOG.log(System.Logger.Level.INFO, "namespace ''{0}'' in {1}: replayed {2} mutations from the write-ahead log",
          name, stores.dir, replayed[0]);
    }
    return maxId[0] + 1;
  }

  /**
   * Decodes and applies the log record {@code lsn}; throws a {@link CorruptFileException} naming it if it holds
   * what no writer logs or what the trace cannot take. The writer checked it against these very stores before
   * logging it (replay starts from the trace's checkpoint), so either the record is not what was logged, or
   * the log is not these stores'; skipped, its effect would be lost without a word.
   */
  private Mutation replayLogged(long lsn, byte type, byte[] bytes) {
    Mutation m = decodeLogged(lsn, type, bytes);
    try {
      // The stores would take an empty name, which an export then carries into a file import refuses.
      Inputs.loggedNames(m);
    } catch (IllegalArgumentException e) {
      throw damagedLogRecord(lsn, "holds a name no writer logs (" + e.getMessage() + "): it is damaged, or the log"
          + " was not written by Aeon", e);
    }
    boolean applied;
    try {
      applied = applier.apply(m);
    } catch (IllegalArgumentException e) {
      throw damagedLogRecord(lsn, "cannot be applied to the stores (" + e.getMessage() + "): it is damaged, or"
          + " the log does not belong with the other stores' files", e);
    }
    if (!applied) {
      throw damagedLogRecord(lsn, "(" + MutationApplier.describe(m) + ") has nothing in the trace to apply to (an"
          + " event it names is missing or forgotten, its id is taken or its session has no events): it is"
          + " damaged, or the log does not belong with the other stores' files", null);
    }
    return m;
  }

  /**
   * A logged mutation. One whose checksum matched but which does not decode was written by a newer release
   * (a record type or attribute tag this one does not know) or is a bug: either way the namespace's files
   * cannot be used by this code as they are, reported like any damaged file (naming its segment; the offset
   * is the segment's start, the LSN says which record).
   */
  private Mutation decodeLogged(long lsn, byte type, byte[] bytes) {
    try {
      return MutationCodec.decode(type, bytes);
    } catch (IllegalArgumentException e) {
      throw damagedLogRecord(lsn, "cannot be decoded (" + e.getMessage() + "): written by a newer release of Aeon?", e);
    }
  }

  /** A log record that replay cannot use, reported naming its segment (offset: the segment's start) and LSN. */
  private CorruptFileException damagedLogRecord(long lsn, String problem, Throwable cause) {
    Path segment = stores.wal.segmentFiles().entrySet().stream().filter(s -> s.getKey() <= lsn)
        .reduce((a, b) -> b).map(Map.Entry::getValue).orElse(stores.wal.directory());
    return new CorruptFileException(segment, 0, "the log record with LSN " + lsn + " " + problem, cause);
  }
}
