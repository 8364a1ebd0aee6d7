package dev.aeon.common.io;

import java.nio.file.Path;

/** The file was written by a newer version of this code, in a format this version cannot read. */
public final class FormatTooNewException extends FileFormatException {

  public FormatTooNewException(Path file, long offset, String format, int version, int newestSupported) {
    super(file, offset, format + " version " + version + " is too new (newest readable: " + newestSupported + ")",
        null);
  }
}
