package dev.aeon.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file that grows after its size was taken, without a race: a named pipe ({@code mkfifo}), whose size is 0, and
 * which a reader finds as long as what a thread writes into it, {@code bytes} of {@code fill}, or until the reader
 * closes it. {@link #written()} says how much the reader took (give or take the pipe's buffer).
 *
 * <pre>{@code
 * assumeTrue(GrowingFile.supported());
 * try (GrowingFile grows = GrowingFile.at(file, 64 << 20, (byte) 'x')) {
 *   ... // read file
 *   assertTrue(grows.written() < 1 << 20);
 * }
 * }</pre>
 */
@SuppressWarnings("restricted") // mkfifo through the native linker
public final class GrowingFile implements AutoCloseable {

  private final Path path;
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;
  /** Whether the writer's open returned: it waits for a reader until then. */
  private volatile boolean opened;
  /** How long the writer may still run once the reader is done: it ends at its next write. Tests shorten it. */
  static final Duration READER_WAIT = Duration.ofSeconds(30);
  /** {@link #READER_WAIT}, or the test's. */
  volatile Duration readerWait = READER_WAIT;
  /** Whether the reader kept the file open, unread, past {@link #readerWait} (said by every wait after). */
  private volatile boolean leaked;

  private GrowingFile(Path path, long bytes, byte fill) throws Throwable {
    this.path = path;
    Linker linker = Linker.nativeLinker();
    MethodHandle mkfifo = linker.downcallHandle(linker.defaultLookup().find("mkfifo").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    try (Arena arena = Arena.ofConfined()) {
      if ((int) mkfifo.invokeExact(arena.allocateFrom(path.toString()), 0600) != 0) {
        throw new IOException("mkfifo " + path + " failed");
      }
    }
    writer = Thread.ofPlatform().daemon().name("growing-file").start(() -> {
      byte[] chunk = new byte[64 << 10];
      Arrays.fill(chunk, fill);
      try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.WRITE)) { // waits for a reader
        opened = true;
        for (long left = bytes; left > 0; left -= chunk.length) {
          int n = (int) Math.min(left, chunk.length);
          out.write(chunk, 0, n);
          written.addAndGet(n);
        }
      } catch (IOException readerClosed) {
        // a broken pipe: the reader took what it wanted
      }
    });
  }

  /** Whether {@link #at} works here (Linux). */
  public static boolean supported() {
    return System.getProperty("os.name").startsWith("Linux");
  }

  /** Makes {@code path} a named pipe that a thread fills with {@code bytes} of {@code fill} as it is read. */
  public static GrowingFile at(Path path, long bytes, byte fill) throws Throwable {
    return new GrowingFile(path, bytes, fill);
  }

  /**
   * The bytes the reader took, once it closed the file (or took them all).
   *
   * @throws AssertionError if the reader still has the file open, unread, after {@link #READER_WAIT}
   */
  public long written() throws InterruptedException {
    awaitWriter();
    return written.get();
  }

  /**
   * Ends the writer, also if no reader opened the file, and deletes it.
   *
   * @throws AssertionError if the reader still has the file open, unread, after {@link #READER_WAIT} (the file is
   *     deleted all the same)
   */
  @Override
  public void close() throws IOException, InterruptedException {
    if (!opened) {
      Files.newInputStream(path).close(); // lets the writer's open return; its first write finds no reader
    }
    try {
      awaitWriter();
    } finally {
      Files.deleteIfExists(path);
    }
  }

  /**
   * Waits for the writer to end, which it does at its next write once the reader has closed the file. A reader that
   * keeps it open without reading (code under test that leaks its channel) leaves the writer waiting in a full pipe:
   * after {@link #readerWait} the rest is read here, so that the writer ends, and the test fails instead of hanging.
   */
  private void awaitWriter() throws InterruptedException {
    if (!writer.join(readerWait)) {
      drainForTheWriter();
      leaked = true;
    }
    if (leaked) {
      throw new AssertionError("the reader of " + path + " still has it open, unread, after " + readerWait
          + ": it was read to the end here so that the writer ends");
    }
  }

  /** Reads what the writer still writes until it ends. */
  private void drainForTheWriter() throws InterruptedException {
    Thread drainer = Thread.ofPlatform().daemon().name("growing-file-drain").start(() -> {
      try (InputStream in = Files.newInputStream(path)) { // waits for a writer: there is one, unless it just ended
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        // nothing more to take
      }
    });
    writer.join();
    // A writer that ended before the drainer's open leaves that open waiting for a writer: an open for reading and
    // writing never waits (Linux), and ends that one; the drainer then reads to the end of what is left.
    try (FileChannel unblock = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // opened: that is all it takes
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    drainer.join();
  }
}
