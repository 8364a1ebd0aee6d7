package dev.aeon.common.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A soft limit of a resource of this process (Linux's {@code setrlimit}) held while this is open, and put back as it
 * was at {@link #close}: the whole process's, so other threads meet it too. {@link FileSizeLimit} stands in for a full
 * device; {@link #openFiles} for a process with too many files open.
 *
 * <pre>{@code
 * assumeTrue(ProcessLimit.supported());
 * try (ProcessLimit limit = ProcessLimit.openFiles(0)) {
 *   ... // every open fails with EMFILE
 * }
 * }</pre>
 */
@SuppressWarnings("restricted") // setrlimit through the native linker
public class ProcessLimit implements AutoCloseable {

  private static final FunctionDescriptor RLIMIT_CALL =
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
  private static final int RLIMIT_NOFILE = 7; // Linux

  private final int resource;
  private final String name;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment old = arena.allocate(16, 8);
  private final MethodHandle set;

  ProcessLimit(int resource, String name, long soft) throws Throwable {
    this.resource = resource;
    this.name = name;
    Linker linker = Linker.nativeLinker();
    MethodHandle get = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), RLIMIT_CALL);
    set = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), RLIMIT_CALL);
    try {
      check((int) get.invokeExact(resource, old), "getrlimit");
      MemorySegment limited = arena.allocate(16, 8);
      limited.set(ValueLayout.JAVA_LONG, 0, soft);
      limited.set(ValueLayout.JAVA_LONG, 8, old.get(ValueLayout.JAVA_LONG, 8)); // hard limit unchanged
      check((int) set.invokeExact(resource, limited), "setrlimit");
    } catch (Throwable t) {
      arena.close();
      throw t;
    }
  }

  /** Whether the limits work here (Linux). */
  public static boolean supported() {
    return System.getProperty("os.name").startsWith("Linux");
  }

  /**
   * No file of this process can be opened under a descriptor of {@code n} or more until {@link #close} (0: none at
   * all); such an open fails with {@code EMFILE}, "Too many open files". Those open already stay open.
   */
  public static ProcessLimit openFiles(long n) throws Throwable {
    return new ProcessLimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", n);
  }

  /** Puts the limit back as it was. */
  @Override
  public void close() {
    try {
      check((int) set.invokeExact(resource, old), "setrlimit");
    } catch (Throwable t) {
      throw new IllegalStateException("cannot restore " + name, t);
    } finally {
      arena.close();
    }
  }

  private void check(int result, String call) {
    if (result != 0) {
      throw new IllegalStateException(call + "(" + name + ") failed");
    }
  }
}
