package dev.aeon.query.trace;

import java.io.IOException;
import java.nio.file.Path;

/** A trace file failed a check (magic, checksum, length); names the file and the byte offset. */
public class TraceCorruptException extends IOException {

  private final Path file;
  private final long offset;

  public TraceCorruptException(Path file, long offset, String what) {
    super(file + " at offset " + offset + ": " + what);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
