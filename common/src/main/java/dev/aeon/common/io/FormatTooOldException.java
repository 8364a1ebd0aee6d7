package dev.aeon.common.io;

import java.nio.file.Path;

/** The file was written in a format version this code no longer reads. */
public final class FormatTooOldException extends FileFormatException {

  public FormatTooOldException(Path file, long offset, String format, int version, int oldestSupported) {
    super(file, offset, format + " version " + version + " is too old (oldest readable: " + oldestSupported + ")",
        null);
  }

  /** For another store's version exception, {@code cause}, whose {@code problem} says what was found. */
  public FormatTooOldException(Path file, long offset, String problem, Throwable cause) {
    super(file, offset, problem, cause);
  }
}
