package dev.aeon.common.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  /** The bytes the reader took, once it closed the file (or took them all). */
  public long written() throws InterruptedException {
    writer.join();
    return written.get();
  }

  /** Ends the writer, also if no reader opened the file, and deletes it. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (!opened) {
      Files.newInputStream(path).close(); // lets the writer's open return; its first write finds no reader
    }
    writer.join();
    Files.deleteIfExists(path);
  }
}
