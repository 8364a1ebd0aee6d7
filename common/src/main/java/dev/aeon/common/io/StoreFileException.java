package dev.aeon.common.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A store's file that cannot be used as it is, as a store reports it: checked, since the stores' methods
 * throw IOException, with a subclass of the store's own package (the log's, the index's, the trace's). It
 * names the file, the byte offset and the problem like a {@link FileFormatException}, which
 * {@link #unchecked()} makes of it for the engine's users.
 */
public abstract class StoreFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final FileFormatException.Kind kind;
  private final transient Path file;
  private final long offset;
  private final String problem;

  protected StoreFileException(FileFormatException.Kind kind, Path file, long offset, String problem) {
    super(FileFormatException.message(file, offset, problem));
    this.kind = kind;
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  /** The unchecked exception that says the same, with this one as its cause. */
  public FileFormatException unchecked() {
    return FileFormatException.of(kind, file, offset, problem, this);
  }

  public FileFormatException.Kind kind() {
    return kind;
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
