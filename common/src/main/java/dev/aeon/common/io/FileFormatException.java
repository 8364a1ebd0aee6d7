package dev.aeon.common.io;

import java.nio.file.Path;

/**
 * A file of ours that cannot be used as it is. Subtypes say why: {@link CorruptFileException} (damaged),
 * {@link FormatTooOldException} / {@link FormatTooNewException} (written by another version). The message
 * names the file and the byte offset of the problem.
 */
public abstract sealed class FileFormatException extends RuntimeException
    permits CorruptFileException, FormatTooOldException, FormatTooNewException {

  private final transient Path file;
  private final long offset;
  private final String problem;

  protected FileFormatException(Path file, long offset, String problem, Throwable cause) {
    super(file + " at offset " + offset + ": " + problem, cause);
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  /** The file in question. */
  public Path file() {
    return file;
  }

  /** Byte offset in the file where the problem was found. */
  public long offset() {
    return offset;
  }

  /** What is wrong, without the file and offset. */
  public String problem() {
    return problem;
  }
}
