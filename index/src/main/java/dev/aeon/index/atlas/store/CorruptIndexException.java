package dev.aeon.index.atlas.store;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** A file of the index fails a check (magic, checksum, bounds); the message names the file and offset. */
public class CorruptIndexException extends StoreFileException {
  private static final long serialVersionUID = 1L;

  public CorruptIndexException(Path file, long offset, String problem) {
    super(FileFormatException.Kind.DAMAGED, file, offset, problem);
  }
}
