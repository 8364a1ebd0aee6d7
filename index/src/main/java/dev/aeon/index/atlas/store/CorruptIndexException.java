package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.nio.file.Path;

/** A file of the index fails a check (magic, checksum, bounds); the message names the file and offset. */
public class CorruptIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptIndexException(Path file, long offset, String what) {
    super(file + " at offset " + offset + ": " + what);
  }
}
