package dev.aeon.wal;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** A segment written by a newer format version than this code reads. Upgrade the software that opens it. */
public final class WalTooNewException extends StoreFileException {

  private static final long serialVersionUID = 1L;

  private final int version;

  public WalTooNewException(Path file, int version, int supported) {
    super(FileFormatException.Kind.TOO_NEW, file, WalFormat.HEADER_VERSION,
        "WAL format version " + version + " is newer than " + supported + " that this code reads");
    this.version = version;
  }

  /** The format version found in the file. */
  public int version() {
    return version;
  }
}
