package dev.aeon.index.atlas.store;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** The file was written by a newer format version than this code knows. */
public class FormatTooNewException extends StoreFileException {
  private static final long serialVersionUID = 1L;

  public FormatTooNewException(Path file, int found, int newestSupported) {
    super(FileFormatException.Kind.TOO_NEW, file, FileHeader.OFF_VERSION,
        "format version " + found + " is newer than the newest supported " + newestSupported);
  }
}
