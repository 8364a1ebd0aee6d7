package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.nio.file.Path;

/** The file was written by a newer format version than this code knows. */
public class FormatTooNewException extends IOException {
  private static final long serialVersionUID = 1L;

  public FormatTooNewException(Path file, int found, int newestSupported) {
    super(file + ": format version " + found + " is newer than the newest supported " + newestSupported);
  }
}
