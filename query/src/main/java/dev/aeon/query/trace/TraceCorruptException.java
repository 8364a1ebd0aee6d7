package dev.aeon.query.trace;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** A trace file failed a check (magic, checksum, length); names the file and the byte offset. */
public class TraceCorruptException extends StoreFileException {

  public TraceCorruptException(Path file, long offset, String problem) {
    super(FileFormatException.Kind.DAMAGED, file, offset, problem);
  }
}
