package dev.aeon.common.io;

import java.nio.file.Path;

/**
 * A file of ours that cannot be used as it is. Subtypes say why: {@link CorruptFileException} (damaged),
 * {@link FormatTooOldException} / {@link FormatTooNewException} (written by another version). The message
 * names the file and the byte offset of the problem.
 */
public abstract sealed class FileFormatException extends RuntimeException
    permits CorruptFileException, FormatTooOldException, FormatTooNewException {

  /** Why a file cannot be used: one subtype each. */
  public enum Kind { DAMAGED, TOO_OLD, TOO_NEW }

  private final transient Path file;
  private final long offset;
  private final String problem;

  protected FileFormatException(Path file, long offset, String problem, Throwable cause) {
    super(message(file, offset, problem), cause);
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  /** The exception of {@code kind} naming {@code file}, {@code offset} and {@code problem}. */
  public static FileFormatException of(Kind kind, Path file, long offset, String problem, Throwable cause) {
    return switch (kind) {
      case DAMAGED -> new CorruptFileException(file, offset, problem, cause);
      case TOO_OLD -> new FormatTooOldException(file, offset, problem, cause);
      case TOO_NEW -> new FormatTooNewException(file, offset, problem, cause);
    };
  }

  static String message(Path file, long offset, String problem) {
    return file + " at offset " + offset + ": " + problem;
  }

  public Kind kind() {
    return switch (this) {
      case CorruptFileException _ -> Kind.DAMAGED;
      case FormatTooOldException _ -> Kind.TOO_OLD;
      case FormatTooNewException _ -> Kind.TOO_NEW;
    };
  }

  /**
   * A new exception that says the same, with this one as its cause: for a failure kept and reported again,
   * so that one instance is not thrown to many threads.
   */
  public FileFormatException again() {
    return of(kind(), file, offset, problem, this);
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
