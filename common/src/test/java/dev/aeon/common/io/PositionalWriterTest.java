package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionalWriterTest {

  @TempDir
  Path dir;

  private FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Test
  void onLinuxWritesBypassTheChannel() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"));
    assertEquals(java.util.Optional.empty(), NativeFiles.unavailableReason());
  }

  @Test
  void writesHeapAndNativeSegmentsAtTheirPositions() throws IOException {
    writesHeapAndNativeSegmentsAtTheirPositions(false);
  }

  @Test
  void writesHeapAndNativeSegmentsAtTheirPositionsThroughTheChannel() throws IOException {
    writesHeapAndNativeSegmentsAtTheirPositions(true);
  }

  private void writesHeapAndNativeSegmentsAtTheirPositions(boolean throughChannel) throws IOException {
    Path file = dir.resolve("f");
    byte[] big = new byte[300_000]; // more than one pwrite may take at once on some systems
    Arrays.fill(big, (byte) 7);
    try (FileChannel ch = open(file);
         PositionalWriter w = throughChannel ? PositionalWriter.throughChannel(ch) : PositionalWriter.open(file, ch);
         Arena arena = Arena.ofConfined()) {
      w.write(MemorySegment.ofArray("heap".getBytes(StandardCharsets.US_ASCII)), 10);
      w.write(arena.allocateFrom("native"), 20); // with its terminating zero
      w.write(MemorySegment.ofArray(big).asSlice(1), 100); // a slice: the writer must not write from index 0
      assertEquals(100 + big.length - 1, ch.size());
    }
    byte[] expected = new byte[100 + big.length - 1];
    System.arraycopy("heap".getBytes(StandardCharsets.US_ASCII), 0, expected, 10, 4);
    System.arraycopy("native\0".getBytes(StandardCharsets.US_ASCII), 0, expected, 20, 7);
    Arrays.fill(expected, 100, expected.length, (byte) 7);
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  /** The reason it exists: a channel that an interrupted thread writes through closes for every thread. */
  @Test
  void anInterruptedWriterLeavesTheChannelOpen() throws IOException {
    Path file = dir.resolve("f");
    try (FileChannel ch = open(file); PositionalWriter w = PositionalWriter.open(file, ch)) {
      assumeTrue(w.isInterruptProof());
      Thread.currentThread().interrupt();
      try {
        w.write(MemorySegment.ofArray(new byte[] {1, 2, 3}), 0);
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is the caller's to see");
      } finally {
        Thread.interrupted();
      }
      assertTrue(ch.isOpen());
      w.write(MemorySegment.ofArray(new byte[] {4}), 3);
    }
    assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(file));
  }

  @Test
  void aFullDeviceIsAnIoErrorWithTheSystemsMessage() throws IOException {
    Path full = Path.of("/dev/full");
    assumeTrue(NativeFiles.available() && Files.isWritable(full));
    try (FileChannel ch = FileChannel.open(full, StandardOpenOption.WRITE);
         PositionalWriter w = PositionalWriter.open(full, ch)) {
      IOException e = assertThrows(IOException.class, () -> w.write(MemorySegment.ofArray(new byte[10]), 0));
      assertEquals("No space left on device", e.getMessage());
    }
  }

  @Test
  void aMissingFileCannotBeOpenedAndAClosedWriterRefusesWrites() throws IOException {
    Path file = dir.resolve("f");
    try (FileChannel ch = open(file)) {
      Files.delete(file);
      if (NativeFiles.available()) {
        IOException e = assertThrows(IOException.class, () -> PositionalWriter.open(file, ch));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("No such file"), e::getMessage);
      }
    }
    Path other = dir.resolve("g");
    try (FileChannel ch = open(other)) {
      PositionalWriter w = PositionalWriter.open(other, ch);
      w.close();
      w.close(); // a second close does nothing (it must not close a descriptor another file reuses)
      assertThrows(ClosedChannelException.class, () -> w.write(MemorySegment.ofArray(new byte[1]), 0));
    }
  }
}
