package dev.aeon.common.io;

import java.nio.file.Path;

/** The file was written by a newer version of this code, in a format this version cannot read. */
public final class FormatTooNewException extends FileFormatException {

  public FormatTooNewException(Path file, long offset, String format, int version, int newestSupported) {
    super(file, offset, format + " version " + version + " is too new (newest readable: " + newestSupported + ")",
        null);
  }

  /** For another store's version exception, {@code cause}, whose {@code problem} says what was found. */
  public FormatTooNewException(Path file, long offset, String problem, Throwable cause) {
    super(file, offset, problem, cause);
  }
}
