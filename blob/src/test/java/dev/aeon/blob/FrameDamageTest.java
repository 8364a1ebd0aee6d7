package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /**
   * A frame's payload is padded with zeros to a multiple of 8 bytes, which no checksum covers: a bit set there
   * went unnoticed (the file opened and verified as whole), though it says the frame was damaged. Every writer
   * since the first has written those zeros (a frame stored into the mapping, one written through the staging
   * buffer, a collection's verbatim copy; an erasure zeroes the payload only), so version 1 files are checked
   * as version 2 ones. Each bit of each pad byte of live and freed frames, in both versions, set in turn: the
   * frame is reported by open, {@code verifyFile} and, damaged under an open arena, {@code verify} and a
   * collection.
   */
  @Test
  void aNonZeroPadByteIsReportedInBothVersions() throws IOException {
    int[] lengths = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15};
    long[] frames = new long[lengths.length];
    for (int i = 0, at = ArenaHeader.DATA_START; i < lengths.length; at += (int) Frames.frameLength(lengths[i++])) {
      frames[i] = at;
    }
    for (int version : new int[] {1, ArenaHeader.VERSION}) {
      Path arenaDir = dir.resolve("v" + version);
      Path file = arenaDir.resolve("blobs-1.arena");
      try (BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults().withInitialCapacity(4096), null)) {
        for (int length : lengths) {
          arena.append(new byte[length]);
        }
        arena.free(2);
        arena.free(9);
        arena.force();
      }
      byte[] good = Files.readAllBytes(file);
      if (version == 1) {
        good = asVersion1(good, frames[1], frames[8]);
        Files.write(file, good);
      }
      int checked = 0;
      for (int i = 0; i < lengths.length; i++) {
        for (long at = frames[i] + Frames.HEADER_LENGTH + lengths[i]; at < frames[i] + Frames.frameLength(lengths[i]);
             at++) {
          assertEquals(0, good[(int) at], "byte " + at + " is padding");
          for (int bit = 0; bit < 8; bit++) {
            setByte(file, at, (byte) (1 << bit));
            String what = "version " + version + ", byte " + at + " bit " + bit;
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> BlobArena.verifyFile(file), what);
            assertEquals(file, e.file());
            assertEquals(frames[i], e.offset(), what + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("frame padding byte " + at + " is not zero"), e.getMessage());
            checked++;
          }
          assertThrows(CorruptFileException.class, () -> BlobArena.open(arenaDir).close(), "byte " + at);
          setByte(file, at, (byte) 0);
        }
      }
      assertEquals(8 * (7 + 6 + 5 + 4 + 3 + 2 + 1 + 0 + 7 + 1), checked);
      try (BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults()
          .withGcThreshold(Double.POSITIVE_INFINITY), null)) {
        assertEquals(8, arena.verify().liveBlobs());
        long pad = frames[4] + Frames.HEADER_LENGTH + lengths[4]; // blob 5, live
        setByte(file, pad + 1, (byte) 0x40);
        CorruptFileException e = assertThrows(CorruptFileException.class, arena::verify);
        assertEquals(frames[4], e.offset(), e.getMessage());
        assertThrows(CorruptFileException.class, arena::gc, "a collection does not copy the damage either");
        setByte(file, pad + 1, (byte) 0);
        assertEquals(8, arena.verify().liveBlobs());
      }
    }
  }

  /** {@code file} as version 1 wrote it: its freed frames kept the checksum of their payloads, since erased. */
  private static byte[] asVersion1(byte[] file, long... freedFrames) {
    byte[] v1 = file.clone();
    ByteBuffer b = ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN);
    for (long at : freedFrames) {
      b.putInt((int) at + Frames.CRC_OFFSET, 0x5eed_0001);
    }
    b.putInt(ArenaHeader.VERSION_OFFSET, 1);
    CRC32C crc = new CRC32C();
    crc.update(v1, 0, ArenaHeader.STATIC_CRC_OFFSET);
    b.putInt(ArenaHeader.STATIC_CRC_OFFSET, (int) crc.getValue());
    return v1;
  }

  private static void setByte(Path file, long at, byte value) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {value}), at);
    }
  }

  @Test
  void aVersion1FileOpensAndItsFirstCollectionWritesVersion2() throws IOException {
    Path v1 = dir.resolve("v1");
    byte[] file = asVersion1(arenaFile(v1, 4, 0), ArenaHeader.DATA_START);
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
