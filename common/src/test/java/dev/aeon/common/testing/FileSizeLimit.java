package dev.aeon.common.testing;

/**
 * A full device without one: while this is open, no file of this process can be written at or past a size
 * (Linux's {@code RLIMIT_FSIZE}; such a write fails with {@code EFBIG}, an {@code IOException}, as a write to a
 * full device does with {@code ENOSPC}). The limit is the whole process's: other threads' writes meet it too.
 *
 * <pre>{@code
 * assumeTrue(FileSizeLimit.supported());
 * try (FileSizeLimit limit = FileSizeLimit.of(1)) {
 *   ... // a write that grows a file fails
 * }
 * }</pre>
 */
public final class FileSizeLimit extends ProcessLimit {

  private static final int RLIMIT_FSIZE = 1; // Linux

  private FileSizeLimit(long bytes) throws Throwable {
    super(RLIMIT_FSIZE, "RLIMIT_FSIZE", bytes);
  }

  /** Limits the files of this process to {@code bytes} until {@link #close}. */
  public static FileSizeLimit of(long bytes) throws Throwable {
    return new FileSizeLimit(bytes);
  }
}
