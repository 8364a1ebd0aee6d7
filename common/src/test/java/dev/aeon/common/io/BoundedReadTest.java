package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.GrowingFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small file read whole, with a bound. */
class BoundedReadTest {

  @TempDir
  Path dir;

  /** The caller's exception, with the size it is given. */
  private static IOException tooLong(long size) {
    return new IOException("too long: " + size);
  }

  @Test
  void aFileOfTheBoundIsReadWholeAndOneByteMoreIsRefusedWithItsSize() throws IOException {
    Path file = Files.write(dir.resolve("f"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, BoundedRead.readAtMost(file, 3, BoundedReadTest::tooLong));
    assertEquals("too long: 3", assertThrows(IOException.class,
        () -> BoundedRead.readAtMost(file, 2, BoundedReadTest::tooLong)).getMessage());
    assertThrows(NoSuchFileException.class, () -> BoundedRead.readAtMost(dir.resolve("none"), 2,
        BoundedReadTest::tooLong));
  }

  /** A sparse file of 3 GiB: refused with its size, which never sizes an array. */
  @Test
  void aFileFarLongerThanTheBoundIsRefusedWithItsSize() throws IOException {
    Path file = dir.resolve("sparse");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 30); // no block of it is written
    }
    assertEquals("too long: " + (3L << 30), assertThrows(IOException.class,
        () -> BoundedRead.readAtMost(file, 100, BoundedReadTest::tooLong)).getMessage());
  }

  /**
   * A file that grows as it is read (a named pipe, whose size is 0) is read no further than one byte past the bound.
   */
  @Test
  void aFileThatGrowsAsItIsReadIsReadOneBytePastTheBound() throws Throwable {
    assumeTrue(GrowingFile.supported(), "named pipes are Linux's here");
    Path file = dir.resolve("grows");
    try (GrowingFile grows = GrowingFile.at(file, 32 << 20, (byte) 7)) {
      assertEquals("too long: 101", assertThrows(IOException.class,
          () -> BoundedRead.readAtMost(file, 100, BoundedReadTest::tooLong)).getMessage());
      long read = grows.written();
      assertTrue(read < 1 << 20, read + " bytes read");
    }
  }
}
