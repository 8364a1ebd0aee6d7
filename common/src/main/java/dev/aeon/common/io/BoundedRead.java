package dev.aeon.common.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongFunction;

/**
 * A small file read whole, with a bound: the stores' small files (a namespace's embedding-model record, a trace's
 * checkpoint, an index's manifest) were read by {@code Files.readAllBytes} after a look at their size, and a file
 * that grew between the two was read whole however long it had grown (past 2 GiB, an {@code OutOfMemoryError}).
 */
public final class BoundedRead {

  private BoundedRead() {}

  /**
   * The bytes of {@code file}, at most {@code max}: it reads {@code max + 1} at most, so that a longer file is
   * refused whatever its size and whenever it grew, and its size never sizes an array.
   *
   * @param tooLong makes the caller's exception for a longer file (its own, checked or not) from its size: the file's
   *     as its channel tells it, or, for one that grew after that (or a stream, whose size is 0), the {@code max + 1}
   *     bytes read
   */
  public static <X extends Exception> byte[] readAtMost(Path file, int max, LongFunction<X> tooLong)
      throws IOException, X {
    if (max < 0 || max > Integer.MAX_VALUE - 9) { // max + 1 must be an array's length
      throw new IllegalArgumentException("max must be between 0 and " + (Integer.MAX_VALUE - 9) + ", got " + max);
    }
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      InputStream in = Channels.newInputStream(channel); // closed with the channel
      byte[] bytes = in.readNBytes(max + 1); // grows its buffers as it reads: a bound, not an allocation
      if (bytes.length > max) {
        throw tooLong.apply(Math.max(channel.size(), bytes.length));
      }
      return bytes;
    }
  }
}
