package dev.aeon.index.atlas.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aeon.common.testing.Interrupting;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Units across many chunks land where the file layout says, and read back after a reopen. */
class ChunkedMappingTest {

  private static final int UNIT = 100;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @Test
  void unitsAcrossChunksSitAtTheirFileOffsets(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("units");
    int units = 45;
    // 1,000-byte chunks hold 10 units of 100 bytes; rounded down to 8, so 45 units need 6 chunks.
    try (ChunkedMapping m = ChunkedMapping.create(file, new FileHeader("test-units", 1, 4, UNIT, 0), UNIT, 1000)) {
      m.ensureUnits(units);
      for (int u = 0; u < units; u++) {
        m.write(u, 0, intBytes(u));
        m.write(u, UNIT - 4, intBytes(-u));
        assertEquals(u, m.segment(u).get(INT, m.offset(u)), "a write is seen through the mapping at once");
        assertEquals(-u, m.segment(u).get(INT, m.offset(u) + UNIT - 4));
      }
      assertThrows(IllegalArgumentException.class, () -> m.segment(0).set(INT, m.offset(0), 1),
          "the mappings are read-only: the writer writes with positional writes");
      assertSame(m.segment(0), m.segment(7));
      assertNotSame(m.segment(7), m.segment(8));
      assertEquals(0, m.offset(8));
      m.force();
    }
    try (FileChannel ch = FileChannel.open(file)) {
      for (int u = 0; u < units; u++) {
        ByteBuffer b = ByteBuffer.allocate(UNIT).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, FileHeader.BYTES + (long) u * UNIT);
        assertEquals(u, b.getInt(0), "first int of unit " + u);
        assertEquals(-u, b.getInt(UNIT - 4), "last int of unit " + u);
      }
    }
    try (ChunkedMapping m = ChunkedMapping.open(file, UNIT, 1000, units)) {
      for (int u = 0; u < units; u++) {
        MemorySegment s = m.segment(u);
        assertEquals(u, s.get(INT, m.offset(u)));
        assertEquals(FileHeader.BYTES + (long) u * UNIT, m.fileOffset(u));
      }
    }
  }

  /**
   * An interrupt of the writer while it writes or maps a grown chunk must not close the file's channel
   * (ClosedByInterruptException), which left the index unable to write until it was reopened: writes go
   * through a descriptor of their own and mapping runs on another thread.
   */
  @Test
  void aWriterInterruptedAllTheTimeGrowsAndWritesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("units");
    int units = 2_000; // a chunk of 8 units each: 250 mappings
    try (ChunkedMapping m = ChunkedMapping.create(file, new FileHeader("test-units", 1, 4, UNIT, 0), UNIT, 1000)) {
      Interrupting.runInterrupted(() -> {
        for (int u = 0; u < units; u++) {
          m.ensureUnits(u + 1);
          m.write(u, 0, intBytes(u));
          Thread.interrupted();
        }
      });
      for (int u = 0; u < units; u++) {
        assertEquals(u, m.segment(u).get(INT, m.offset(u)), "unit " + u);
      }
    }
  }

  private static MemorySegment intBytes(int v) {
    MemorySegment s = MemorySegment.ofArray(new byte[4]);
    s.set(INT, 0, v);
    return s;
  }
}
