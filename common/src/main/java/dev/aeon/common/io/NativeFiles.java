package dev.aeon.common.io;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few libc file calls that {@link PositionalWriter} and {@link DataExtents} make on Linux: {@code open},
 * {@code pwrite}, {@code lseek}, {@code close}, with {@code errno} turned into an {@link IOException} with the
 * system's message, as a file channel reports it ("No space left on device"; the callers name the file and
 * the position).
 */
// Calling libc is this class's job: the JVM runs with --enable-native-access; where native access is denied the
// writers keep to file channels.
@SuppressWarnings("restricted")
final class NativeFiles {

  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  static final int SEEK_DATA = 3; // Linux's values
  static final int SEEK_HOLE = 4;
  private static final int ENXIO = 6;
  private static final int O_CLOEXEC = 0x80000; // Linux's value
  private static final int EINTR = 4;

  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle OPEN;
  private static final MethodHandle PWRITE;
  private static final MethodHandle LSEEK;
  private static final MethodHandle CLOSE;
  private static final MethodHandle STRERROR;
  private static final String UNAVAILABLE;

  static {
    MethodHandle open = null;
    MethodHandle pwrite = null;
    MethodHandle lseek = null;
    MethodHandle close = null;
    MethodHandle strerror = null;
    String reason = null;
    if (!System.getProperty("os.name").startsWith("Linux")) {
      reason = "descriptors of their own are used on Linux only and this is " + System.getProperty("os.name");
    } else {
      try {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        var errno = Linker.Option.captureCallState("errno");
        open = linker.downcallHandle(libc.find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
        pwrite = linker.downcallHandle(libc.find("pwrite").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), errno);
        lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), errno);
        close = linker.downcallHandle(libc.find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
      } catch (Throwable e) { // native access denied, or a libc without one of them
        reason = "libc's open, pwrite, lseek, close and strerror could not be linked: " + e;
      }
    }
    UNAVAILABLE = reason;
    OPEN = reason == null ? open : null;
    PWRITE = reason == null ? pwrite : null;
    LSEEK = reason == null ? lseek : null;
    CLOSE = reason == null ? close : null;
    STRERROR = reason == null ? strerror : null;
  }

  private NativeFiles() {}

  static boolean available() {
    return UNAVAILABLE == null;
  }

  /** Why writers go through file channels here, or empty if they do not. */
  static Optional<String> unavailableReason() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  /** Opens an existing file for writing; returns its descriptor. */
  static int openForWriting(Path path) throws IOException {
    return open(path, O_WRONLY, "writing");
  }

  /** Opens an existing file for reading; returns its descriptor. */
  static int openForReading(Path path) throws IOException {
    return open(path, O_RDONLY, "reading");
  }

  private static int open(Path path, int mode, String what) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CALL_STATE);
      MemorySegment name = a.allocateFrom(path.toString());
      int fd;
      do {
        fd = (int) OPEN.invokeExact(state, name, mode | O_CLOEXEC, 0);
      } while (fd < 0 && errno(state) == EINTR);
      if (fd < 0) {
        throw new IOException(path + ": cannot open for " + what + ": " + message(errno(state)));
      }
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e); // invokeExact of a downcall throws nothing else
    }
  }

  /**
   * {@code lseek(fd, offset, whence)} for {@link #SEEK_DATA} or {@link #SEEK_HOLE}: the offset found, or -1
   * where there is none (ENXIO: no data at or after {@code offset}).
   */
  static long seek(int fd, long offset, int whence) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CALL_STATE);
      long at = (long) LSEEK.invokeExact(state, fd, offset, whence);
      if (at < 0) {
        if (errno(state) == ENXIO) {
          return -1;
        }
        throw new IOException(message(errno(state)));
      }
      return at;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  /** Room for what a call leaves in {@code errno}, for {@link #writeFully}. */
  static MemorySegment callState(Arena arena) {
    return arena.allocate(CALL_STATE);
  }

  /**
   * Writes all of {@code src}, a native segment, at byte {@code position}: short writes are continued.
   * {@code state}: from {@link #callState}, used by one thread at a time.
   */
  static void writeFully(int fd, MemorySegment src, long position, MemorySegment state) throws IOException {
    try {
      for (long done = 0, size = src.byteSize(); done < size; ) {
        long n = (long) PWRITE.invokeExact(state, fd, src.asSlice(done), size - done, position + done);
        if (n > 0) {
          done += n;
        } else if (n == 0) {
          throw new IOException("the write made no progress");
        } else if (errno(state) != EINTR) {
          throw new IOException(message(errno(state)));
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  static void close(int fd) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CALL_STATE);
      // Not retried on EINTR: Linux releases the descriptor even then, and a retry could close another file's
      if ((int) CLOSE.invokeExact(state, fd) < 0 && errno(state) != EINTR) {
        throw new IOException(message(errno(state)));
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static String message(int errno) {
    try {
      return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(1024).getString(0);
    } catch (Throwable e) {
      return "errno " + errno;
    }
  }
}
