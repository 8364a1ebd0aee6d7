package dev.aeon.query.trace;

import java.io.IOException;
import java.nio.file.Path;

/** A trace file of a format version this code cannot read; see the two subclasses. */
public abstract sealed class TraceVersionException extends IOException
    permits TraceVersionException.TooOld, TraceVersionException.TooNew {

  private final transient Path file;
  private final int found;
  private final String problem;

  TraceVersionException(Path file, int found, String what) {
    super(file + ": format version " + found + " " + what);
    this.file = file;
    this.found = found;
    this.problem = "trace format version " + found + " " + what;
  }

  public Path file() {
    return file;
  }

  /** Byte offset of the version in {@link #file()}. */
  public long offset() {
    return FileHeader.VERSION_OFFSET;
  }

  /** What is wrong, without the file. */
  public String problem() {
    return problem;
  }

  public int foundVersion() {
    return found;
  }

  /** Written by an older release whose format is no longer read. */
  public static final class TooOld extends TraceVersionException {
    public TooOld(Path file, int found, int min) {
      super(file, found, "is too old (this release reads " + min + " and newer)");
    }
  }

  /** Written by a newer release. */
  public static final class TooNew extends TraceVersionException {
    public TooNew(Path file, int found, int max) {
      super(file, found, "is too new (this release reads up to " + max + ")");
    }
  }
}
