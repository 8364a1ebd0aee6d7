package dev.aeon.query.trace;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.StoreFileException;
import java.nio.file.Path;

/** A trace file of a format version this code cannot read; see the two subclasses. */
public abstract sealed class TraceVersionException extends StoreFileException
    permits TraceVersionException.TooOld, TraceVersionException.TooNew {

  private final int found;

  TraceVersionException(FileFormatException.Kind kind, Path file, int found, String what) {
    super(kind, file, FileHeader.VERSION_OFFSET, "trace format version " + found + " " + what);
    this.found = found;
  }

  public int foundVersion() {
    return found;
  }

  /** Written by an older release whose format is no longer read. */
  public static final class TooOld extends TraceVersionException {
    public TooOld(Path file, int found, int min) {
      super(FileFormatException.Kind.TOO_OLD, file, found, "is too old (this release reads " + min + " and newer)");
    }
  }

  /** Written by a newer release. */
  public static final class TooNew extends TraceVersionException {
    public TooNew(Path file, int found, int max) {
      super(FileFormatException.Kind.TOO_NEW, file, found, "is too new (this release reads up to " + max + ")");
    }
  }
}
