package dev.aeon.wal;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** A segment written by an older format version than this code reads. Open it with an older release and migrate it. */
public final class WalTooOldException extends StoreFileException {

  private static final long serialVersionUID = 1L;

  private final int version;

  public WalTooOldException(Path file, int version, int supported) {
    super(FileFormatException.Kind.TOO_OLD, file, WalFormat.HEADER_VERSION,
        "WAL format version " + version + " is older than the oldest version " + supported + " that this code reads");
    this.version = version;
  }

  /** The format version found in the file. */
  public int version() {
    return version;
  }
}
