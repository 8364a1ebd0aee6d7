package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WrittenExtent}: zeros written in steps that double from 16 KiB to 1 MiB, never past the limit. */
class WrittenExtentTest {

  private static final long KIB = 1 << 10;
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void aSmallFileStaysSmallAndALargeOneGrowsAMibAtATime() throws IOException {
    assertEquals(List.of(16 * KIB, 32 * KIB, 32 * KIB, 64 * KIB, 128 * KIB, 256 * KIB, 512 * KIB, MIB, 2 * MIB,
        3 * MIB), writtenSizes(0, Long.MAX_VALUE, 64, 16 * KIB + 1, 16 * KIB + 2, 32 * KIB + 1, 64 * KIB + 1,
            128 * KIB + 1, 256 * KIB + 1, 512 * KIB + 1, MIB + 1, 2 * MIB + 1));
  }

  @Test
  void writingAheadGoesNoFurtherThanWhatIsWrittenAlready() throws IOException {
    // 4 MiB ahead is asked for each time, as the blob arena does: it goes as far ahead as is written (16 KiB at
    // least), rounded up to the step
    assertEquals(List.of(32 * KIB, 192 * KIB, 512 * KIB, 1536 * KIB, 1536 * KIB, 4 * MIB, 9 * MIB),
        writtenSizes(4 * MIB, Long.MAX_VALUE, 64, 128 * KIB + 1, 256 * KIB + 1, 512 * KIB + 1, MIB + 1, 2 * MIB + 1,
            4 * MIB + 1));
  }

  @Test
  void nothingIsWrittenPastTheLimit() throws IOException {
    assertEquals(List.of(100 * KIB), writtenSizes(4 * MIB, 100 * KIB, 90 * KIB));
  }

  /** The file's size after each {@code ensure(needed, ahead, limit)}, from an empty file. */
  private List<Long> writtenSizes(long ahead, long limit, long... needed) throws IOException {
    Path file = dir.resolve("f" + System.nanoTime());
    List<Long> sizes = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WrittenExtent extent = new WrittenExtent(PositionalWriter.open(file, ch), 0);
      for (long n : needed) {
        extent.ensure(n, ahead, limit);
        sizes.add(Files.size(file));
      }
    }
    return sizes;
  }
}
