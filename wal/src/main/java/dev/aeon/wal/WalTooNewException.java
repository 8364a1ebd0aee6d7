package dev.aeon.wal;

import java.io.IOException;
import java.nio.file.Path;

/** A segment written by a newer format version than this code reads. Upgrade the software that opens it. */
public final class WalTooNewException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int version;
  private final int supported;

  public WalTooNewException(Path file, int version, int supported) {
    super(file + ": " + problem(version, supported));
    this.file = file;
    this.version = version;
    this.supported = supported;
  }

  /** The segment file whose header names the version. */
  public Path file() {
    return file;
  }

  /** What is wrong, without the file. */
  public String problem() {
    return problem(version, supported);
  }

  /** Byte offset of the version in {@link #file()}. */
  public long offset() {
    return WalFormat.HEADER_VERSION;
  }

  private static String problem(int version, int supported) {
    return "WAL format version " + version + " is newer than " + supported + " that this code reads";
  }

  /** The format version found in the file. */
  public int version() {
    return version;
  }
}
