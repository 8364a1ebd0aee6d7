package dev.aeon.wal;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/**
 * A damaged record or header that is not a torn tail: later records prove it had been forced, or a
 * segment header or the segment sequence is broken. The log cannot be opened for writing; it can be
 * opened read-only up to the last good record with {@link WalOptions#readOnly(boolean)}.
 */
public final class WalCorruptException extends StoreFileException {

  private static final long serialVersionUID = 1L;

  private final long lsn;

  public WalCorruptException(Path file, long offset, long lsn, String problem) {
    super(FileFormatException.Kind.DAMAGED, file, offset, "LSN " + lsn + ": " + problem);
    this.lsn = lsn;
  }

  /** The LSN that was expected at {@link #offset()}. */
  public long lsn() {
    return lsn;
  }
}
