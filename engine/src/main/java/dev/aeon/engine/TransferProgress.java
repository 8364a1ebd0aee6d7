package dev.aeon.engine;

/**
 * Told how far an export or an import has got ({@link Aeon#exportNamespace(String, java.nio.file.Path,
 * TransferProgress)}, {@link Aeon#importNamespace(String, java.nio.file.Path, TransferProgress)}), so that a
 * long one can say so, in each of its phases. Called once per unit done, by one thread at a time: the
 * thread doing the work (the recovery of an export's snapshot runs on a thread of its own). An implementation that
 * prints should print only now and then.
 */
@FunctionalInterface
public interface TransferProgress {

  /** Reports nothing. */
  TransferProgress NONE = (step, done, total) -> {};

  /** What is being counted. */
  enum Step {
    /**
     * An export's first phase, its snapshot ({@link Aeon#backup}): bytes of the namespace's files copied, of the
     * bytes of data they held when the copy began.
     */
    SNAPSHOT_BYTES,
    /**
     * An export's second phase, opening its snapshot: records of the log replayed (those written since the
     * namespace's last checkpoint), of those to replay.
     */
    REPLAYING,
    /** An import's first pass: bytes of the file checked, of its size. */
    CHECKING_BYTES,
    /** Events exported, of those the namespace holds; or imported, of those the file holds. */
    EVENTS,
    /** Links exported, of the links stored (those of forgotten events are looked at, not written); or imported. */
    LINKS,
    /**
     * An import's last phase, in steps begun: 1 of 2 when its namespace's closing checkpoint begins (which forces
     * its files to disk), 2 of 2 when its rename into place begins. Nothing is reported while each runs.
     */
    FINISHING
  }

  /** {@code done} of {@code total} units of {@code step}. */
  void report(Step step, long done, long total);
}
