package dev.aeon.common.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

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
@SuppressWarnings("restricted") // setrlimit through the native linker
public final class FileSizeLimit implements AutoCloseable {

  private static final int RLIMIT_FSIZE = 1; // Linux
  private static final FunctionDescriptor RLIMIT_CALL =
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment old = arena.allocate(16, 8);
  private final MethodHandle set;

  private FileSizeLimit(long bytes) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle get = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), RLIMIT_CALL);
    set = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), RLIMIT_CALL);
    try {
      check((int) get.invokeExact(RLIMIT_FSIZE, old), "getrlimit");
      MemorySegment limited = arena.allocate(16, 8);
      limited.set(ValueLayout.JAVA_LONG, 0, bytes); // soft limit
      limited.set(ValueLayout.JAVA_LONG, 8, old.get(ValueLayout.JAVA_LONG, 8)); // hard limit unchanged
      check((int) set.invokeExact(RLIMIT_FSIZE, limited), "setrlimit");
    } catch (Throwable t) {
      arena.close();
      throw t;
    }
  }

  /** Whether {@link #of} works here (Linux). */
  public static boolean supported() {
    return System.getProperty("os.name").startsWith("Linux");
  }

  /** Limits the files of this process to {@code bytes} until {@link #close}. */
  public static FileSizeLimit of(long bytes) throws Throwable {
    return new FileSizeLimit(bytes);
  }

  /** Puts the limit back as it was. */
  @Override
  public void close() {
    try {
      check((int) set.invokeExact(RLIMIT_FSIZE, old), "setrlimit");
    } catch (Throwable t) {
      throw new IllegalStateException("cannot restore the file size limit", t);
    } finally {
      arena.close();
    }
  }

  private static void check(int result, String call) {
    if (result != 0) {
      throw new IllegalStateException(call + "(RLIMIT_FSIZE) failed");
    }
  }
}
