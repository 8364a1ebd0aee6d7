package dev.aeon.wal;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What opening a WAL found: the records it holds and any damage it cut off or stopped at.
 *
 * @param firstLsn LSN of the oldest record kept (0 if the log has no records yet)
 * @param lastLsn LSN of the newest intact record (0 if none)
 * @param checkpointLsn LSN named by the last checkpoint (0 if none)
 * @param segments number of segment files after recovery
 * @param damage the damage found, if any
 */
public record RecoveryReport(long firstLsn, long lastLsn, long checkpointLsn, int segments, Optional<Damage> damage) {

  /** What kind of damage recovery met. */
  public enum Kind {
    /** Damage after the last force: expected after a crash; cut off when opened writable. */
    TORN_TAIL,
    /** Damage to records that had been forced, or to a header: opened only read-only, up to it. */
    CORRUPTION
  }

  /**
   * Damage at the end (or, for corruption, in the middle) of the log.
   *
   * @param kind torn tail or corruption
   * @param file segment file where the damage starts
   * @param offset byte offset of the first damaged frame (0 for a damaged header)
   * @param lsn the first LSN that was not recovered
   * @param problem what was wrong at that offset
   * @param bytesCut non-zero bytes from the damage to the end of the log (what a torn-tail repair erases)
   * @param laterRecords intact-looking records found after the damage (never forced, for a torn tail)
   * @param repaired whether the tail was cut off on disk (false when opened read-only or for corruption)
   */
  public record Damage(Kind kind, Path file, long offset, long lsn, String problem, long bytesCut, int laterRecords,
      boolean repaired) {

    @Override
    public String toString() {
      return kind + " in " + file + " at offset " + offset + " (LSN " + lsn + "): " + problem + "; " + bytesCut
          + " bytes and " + laterRecords + " later intact-looking records " + (repaired ? "cut off" : "left in place");
    }
  }
}
