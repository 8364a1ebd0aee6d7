package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.nio.file.Path;

/** The file was written by an older format version that this code cannot read. */
public class FormatTooOldException extends IOException {
  private static final long serialVersionUID = 1L;

  public FormatTooOldException(Path file, int found, int oldestSupported) {
    super(file + ": format version " + found + " is older than the oldest supported " + oldestSupported);
  }
}
