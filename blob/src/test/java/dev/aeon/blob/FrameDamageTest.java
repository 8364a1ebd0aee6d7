package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.FileFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to a cleanly closed generation file, one bit at a time: every bit either leaves every blob that was
 * live readable with its bytes, or is reported as a {@link CorruptFileException} naming the file. A blob that
 * goes missing without a word is the failure these tests look for.
 */
class FrameDamageTest {

  @TempDir
  Path dir;

  /** Blob {@code i} of the test arenas: 8 bytes, so every frame is 32 bytes and a length bit can skip whole frames. */
  private static byte[] blob(int i) {
    return ("blob-" + (char) ('a' + i) + "!!").getBytes();
  }

  /** An arena of {@code n} blobs, ref i+1 holding blob(i), those in {@code freed} freed; closed cleanly. */
  private byte[] arenaFile(Path arenaDir, int n, int... freed) throws IOException {
    try (BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults().withInitialCapacity(4096), null)) {
      for (int i = 0; i < n; i++) {
        assertEquals(i + 1, arena.append(blob(i)));
      }
      for (int i : freed) {
        arena.free(i + 1);
      }
      arena.force();
    }
    return Files.readAllBytes(arenaDir.resolve("blobs-1.arena"));
  }

  @Test
  void aFlippedLengthOfAFreedFrameIsReportedNotASkippedBlob() throws IOException {
    byte[] good = arenaFile(dir.resolve("good"), 4, 0);
    Path damaged = dir.resolve("damaged");
    Files.createDirectories(damaged);
    byte[] file = good.clone();
    long lengthField = ArenaHeader.DATA_START + Frames.LENGTH_OFFSET; // blob 1's frame, freed
    file[(int) lengthField] ^= 32; // 8 -> 40 bytes: the frame now ends where blob 3's begins
    Files.write(damaged.resolve("blobs-1.arena"), file);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> {
      try (BlobArena arena = BlobArena.open(damaged)) {
        for (int i = 1; i < 4; i++) {
          assertArrayEquals(blob(i), arena.readBytes(i + 1), "blob " + (i + 1));
        }
      }
    });
    assertEquals(damaged.resolve("blobs-1.arena"), e.file());
    assertEquals(ArenaHeader.DATA_START, e.offset(), e.getMessage());
  }

  @Test
  void everySingleBitFlipIsReportedOrHarmless() throws IOException {
    int blobs = 8;
    int meaningful = ArenaHeader.DATA_START + blobs * 32;
    // the rest of the file is zeros, which a scan stops at: 32 of them stand for it
    byte[] good = Arrays.copyOf(arenaFile(dir.resolve("good"), blobs, 0, 3, 4), meaningful + 32);
    Path file = dir.resolve("flipped").resolve("blobs-1.arena");
    Files.createDirectories(file.getParent());
    Files.write(file, good);
    int silentLosses = 0;
    StringBuilder first = new StringBuilder();
    for (int at = 0; at < meaningful + 32; at++) {
      for (int bit = 0; bit < 8; bit++) {
        setByte(file, at, (byte) (good[at] ^ (1 << bit)));
        try {
          ArenaStats stats = BlobArena.verifyFile(file);
          if (stats.liveBlobs() != blobs - 3) {
            silentLosses++;
            if (first.isEmpty()) {
              first.append("byte ").append(at).append(" bit ").append(bit).append(": ").append(stats);
            }
          }
        } catch (FileFormatException e) {
          assertEquals(file, e.file());
        }
      }
      setByte(file, at, good[at]);
    }
    assertEquals(0, silentLosses, "flips that lost live blobs without an error, the first " + first);
  }

  /**
   * The header's zero padding, [28, 32) inside the static part's checksum, the rest outside any: a flipped
   * bit there was not noticed (the file opened as if whole), though it says the header was damaged.
   */
  @Test
  void aNonZeroByteInTheHeadersPaddingIsReported() throws IOException {
    byte[] good = arenaFile(dir.resolve("good"), 2, 0);
    Path flipped = dir.resolve("flipped");
    Path file = flipped.resolve("blobs-1.arena");
    Files.createDirectories(flipped);
    Files.write(file, good);
    int slot1 = ArenaHeader.COMMIT_SLOT_0 + ArenaHeader.COMMIT_SLOT_LENGTH;
    int[][] padding = {
        {ArenaHeader.VERSION_OFFSET + 4, ArenaHeader.GENERATION_OFFSET},
        {ArenaHeader.STATIC_CRC_OFFSET + 4, ArenaHeader.COMMIT_SLOT_0},
        {ArenaHeader.COMMIT_SLOT_0 + ArenaHeader.SLOT_CRC + 4, slot1},
        {slot1 + ArenaHeader.SLOT_CRC + 4, slot1 + ArenaHeader.COMMIT_SLOT_LENGTH},
        {slot1 + ArenaHeader.COMMIT_SLOT_LENGTH, ArenaHeader.DATA_START}};
    int checked = 0;
    for (int[] range : padding) {
      for (int at = range[0]; at < range[1]; at++) {
        assertEquals(0, good[at], "byte " + at + " is padding");
        for (int bit = 0; bit < 8; bit++) {
          setByte(file, at, (byte) (1 << bit));
          CorruptFileException e = assertThrows(CorruptFileException.class, () -> BlobArena.verifyFile(file),
              "byte " + at);
          assertEquals(file, e.file());
          // inside the static part the checksum catches it first
          assertEquals(at < ArenaHeader.STATIC_CRC_OFFSET ? ArenaHeader.STATIC_CRC_OFFSET : at, e.offset(),
              e.getMessage());
          checked++;
        }
        assertThrows(CorruptFileException.class, () -> BlobArena.open(flipped).close(), "byte " + at);
        setByte(file, at, (byte) 0);
      }
    }
    assertEquals(8 * (4 + 4 + 4 + 4 + 16), checked);
    try (BlobArena arena = BlobArena.open(flipped)) {
      assertArrayEquals(blob(1), arena.readBytes(2));
    }
  }

  private static void setByte(Path file, long at, byte value) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {value}), at);
    }
  }

  @Test
  void aVersion1FileOpensAndItsFirstCollectionWritesVersion2() throws IOException {
    Path v1 = dir.resolve("v1");
    byte[] file = arenaFile(v1, 4, 0);
    // as version 1 wrote it: the freed frame kept the checksum of its payload, since erased
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ArenaHeader.DATA_START + Frames.CRC_OFFSET, 0x5eed_0001);
    b.putInt(ArenaHeader.VERSION_OFFSET, 1);
    CRC32C crc = new CRC32C();
    crc.update(file, 0, ArenaHeader.STATIC_CRC_OFFSET);
    b.putInt(ArenaHeader.STATIC_CRC_OFFSET, (int) crc.getValue());
    Files.write(v1.resolve("blobs-1.arena"), file);
    assertEquals(3, BlobArena.verifyFile(v1.resolve("blobs-1.arena")).liveBlobs());
    try (BlobArena arena = BlobArena.open(v1, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      assertEquals(3, arena.verify().liveBlobs());
      arena.free(2);
      arena.force();
      assertEquals(2, arena.verify().freeBlobs());
      assertEquals(2, arena.gc().keptBlobs());
      assertArrayEquals(blob(2), arena.readBytes(3));
      assertArrayEquals(blob(3), arena.readBytes(4));
    }
    Path next = v1.resolve("blobs-2.arena");
    assertEquals(ArenaHeader.VERSION, ByteBuffer.wrap(Files.readAllBytes(next)).order(ByteOrder.LITTLE_ENDIAN)
        .getInt(ArenaHeader.VERSION_OFFSET));
    assertEquals(2, BlobArena.verifyFile(next).liveBlobs());
  }
}
