package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.nio.file.Path;

/** A file of the index fails a check (magic, checksum, bounds); the message names the file and offset. */
public class CorruptIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final String problem;

  public CorruptIndexException(Path file, long offset, String problem) {
    super(file + " at offset " + offset + ": " + problem);
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** What is wrong, without the file and offset. */
  public String problem() {
    return problem;
  }
}
