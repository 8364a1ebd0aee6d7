package dev.aeon.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A damaged record or header that is not a torn tail: later records prove it had been forced, or a
 * segment header or the segment sequence is broken. The log cannot be opened for writing; it can be
 * opened read-only up to the last good record with {@link WalOptions#readOnly(boolean)}.
 */
public final class WalCorruptException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final long lsn;
  private final String problem;

  public WalCorruptException(Path file, long offset, long lsn, String problem) {
    super(file + " at offset " + offset + " (LSN " + lsn + "): " + problem);
    this.file = file;
    this.offset = offset;
    this.lsn = lsn;
    this.problem = problem;
  }

  /** The segment file holding the damage. */
  public Path file() {
    return file;
  }

  /** Byte offset of the damaged frame or header in {@link #file()}. */
  public long offset() {
    return offset;
  }

  /** The LSN that was expected at {@link #offset()}. */
  public long lsn() {
    return lsn;
  }

  /** What is wrong, without the file and offset. */
  public String problem() {
    return problem;
  }
}
