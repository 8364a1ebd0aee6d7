package dev.aeon.index.atlas.store;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** The file was written by an older format version that this code cannot read. */
public class FormatTooOldException extends StoreFileException {
  private static final long serialVersionUID = 1L;

  public FormatTooOldException(Path file, int found, int oldestSupported) {
    super(FileFormatException.Kind.TOO_OLD, file, FileHeader.OFF_VERSION,
        "format version " + found + " is older than the oldest supported " + oldestSupported);
  }

  /** For an older version whose number is not below the oldest supported, {@code reason} says why. */
  public FormatTooOldException(Path file, String reason) {
    super(FileFormatException.Kind.TOO_OLD, file, FileHeader.OFF_VERSION, reason);
  }
}
