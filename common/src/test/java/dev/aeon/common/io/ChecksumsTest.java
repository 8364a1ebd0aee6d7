package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

  @Test
  void segmentCrcMatchesTheJdkOverTheSameBytesOnHeapAndOffHeap() {
    Random r = new Random(42);
    byte[] bytes = new byte[10_007];
    r.nextBytes(bytes);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment native_ = arena.allocate(bytes.length);
      MemorySegment.copy(MemorySegment.ofArray(bytes), 0, native_, 0, bytes.length);
      for (int[] range : new int[][] {{0, 0}, {0, 1}, {3, 997}, {0, bytes.length}, {5000, 5007}}) {
        CRC32C expected = new CRC32C();
        expected.update(bytes, range[0], range[1]);
        assertEquals((int) expected.getValue(), Checksums.crc32c(native_, range[0], range[1]));
        assertEquals((int) expected.getValue(), Checksums.crc32c(MemorySegment.ofArray(bytes), range[0], range[1]));
      }
    }
  }

  @Test
  void formatErrorsNameFileAndOffset() {
    FileFormatException e = new CorruptFileException(Path.of("x.arena"), 4096, "bad checksum");
    assertEquals("x.arena at offset 4096: bad checksum", e.getMessage());
    assertEquals(4096, e.offset());
    FileFormatException old = new FormatTooOldException(Path.of("y"), 8, "blob-arena", 1, 2);
    assertTrue(old.getMessage().contains("version 1 is too old"), old.getMessage());
    assertInstanceOf(RuntimeException.class, new FormatTooNewException(Path.of("z"), 8, "blob-arena", 9, 1));
  }
}
