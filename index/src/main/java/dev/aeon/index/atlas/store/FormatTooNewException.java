package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.nio.file.Path;

/** The file was written by a newer format version than this code knows. */
public class FormatTooNewException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String problem;

  public FormatTooNewException(Path file, int found, int newestSupported) {
    this(file, "format version " + found + " is newer than the newest supported " + newestSupported);
  }

  private FormatTooNewException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  public Path file() {
    return file;
  }

  /** Byte offset of the version in {@link #file()}. */
  public long offset() {
    return FileHeader.OFF_VERSION;
  }

  /** What is wrong, without the file. */
  public String problem() {
    return problem;
  }
}
