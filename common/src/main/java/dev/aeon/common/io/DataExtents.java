package dev.aeon.common.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file holds data and where it has holes (ranges never written, which read as zeros), found with
 * {@code lseek}'s {@code SEEK_DATA} and {@code SEEK_HOLE} on Linux. The stores map their files larger than
 * what they hold and write only a little ahead of it ({@link WrittenExtent}), so that most of a small
 * namespace's files is a hole: a copy that skips the holes copies what is there and keeps the rest sparse.
 */
public final class DataExtents {

  /** Bytes {@code [start, end)} of a file hold data (or zeros that were written). */
  public record Extent(long start, long end) {}

  private DataExtents() {}

  /** The bytes of data in {@code file}: what it takes on disk, its holes not counted. */
  public static long dataBytes(Path file) throws IOException {
    long total = 0;
    for (Extent e : of(file, Files.size(file))) {
      total += e.end() - e.start();
    }
    return total;
  }

  /**
   * The data extents of the first {@code size} bytes of {@code file}, in order. Where holes cannot be found
   * (another system, or a file system that does not tell), the whole of it as one extent.
   */
  public static List<Extent> of(Path file, long size) throws IOException {
    if (!NativeFiles.available()) {
      return size == 0 ? List.of() : List.of(new Extent(0, size));
    }
    List<Extent> extents = new ArrayList<>();
    int fd = NativeFiles.openForReading(file);
    try {
      for (long at = 0; at < size; ) {
        long data = NativeFiles.seek(fd, at, NativeFiles.SEEK_DATA);
        if (data < 0 || data >= size) {
          break;
        }
        long hole = NativeFiles.seek(fd, data, NativeFiles.SEEK_HOLE); // the end of the file at the latest
        long end = Math.min(size, hole <= data ? size : hole);
        extents.add(new Extent(data, end));
        at = end;
      }
    } catch (IOException e) {
      throw new IOException(file + ": cannot find its data extents: " + e.getMessage(), e);
    } finally {
      NativeFiles.close(fd);
    }
    return extents;
  }
}
