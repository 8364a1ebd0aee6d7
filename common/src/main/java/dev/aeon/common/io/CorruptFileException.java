package dev.aeon.common.io;

import java.nio.file.Path;

/** The file's bytes are damaged: bad magic, failed checksum, impossible length. */
public final class CorruptFileException extends FileFormatException {

  public CorruptFileException(Path file, long offset, String problem) {
    super(file, offset, problem, null);
  }

  public CorruptFileException(Path file, long offset, String problem, Throwable cause) {
    super(file, offset, problem, cause);
  }
}
