package dev.aeon.wal;

import java.io.IOException;
import java.nio.file.Path;

/** A segment written by a newer format version than this code reads. Upgrade the software that opens it. */
public final class WalTooNewException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int version;

  public WalTooNewException(Path file, int version, int supported) {
    super(file + ": WAL format version " + version + " is newer than " + supported + " that this code reads");
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
