package dev.aeon.query.trace;

import java.io.IOException;
import java.nio.file.Path;

/** A trace file failed a check (magic, checksum, length); names the file and the byte offset. */
public class TraceCorruptException extends IOException {

  private final transient Path file;
  private final long offset;
  private final String problem;

  public TraceCorruptException(Path file, long offset, String problem) {
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
