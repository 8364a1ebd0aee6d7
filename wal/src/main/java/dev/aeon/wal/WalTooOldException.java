package dev.aeon.wal;

import java.io.IOException;
import java.nio.file.Path;

/** A segment written by an older format version than this code reads. Open it with an older release and migrate it. */
public final class WalTooOldException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int version;

  public WalTooOldException(Path file, int version, int supported) {
    super(file + ": WAL format version " + version + " is older than the oldest version " + supported + " that this code reads");
    this.file = file;
    this.version = version;
  }

  /** The segment file whose header names the version. */
  public Path file() {
    return file;
  }

  /** The format version found in the file. */
  public int version() {
    return version;
  }
}
