package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of a write, at every byte: the disk holds part of the new bytes and the old ones
 * (zeros, or the previous commit) elsewhere. Every blob forced before must be there with its bytes; the blob
 * being written is there whole or not at all; nothing is an error.
 */
class TornWriteTest {

  @TempDir
  Path dir;

  private static final byte[] FORCED = "forced before the crash".getBytes();

  /** The file once blob 1 ({@link #FORCED}) was forced and {@code blob} appended as blob 2, not forced. */
  private byte[] afterAppend(Path arenaDir, byte[] blob) throws IOException {
    try (BlobArena arena = BlobArena.open(arenaDir, BlobArenaOptions.defaults().withInitialCapacity(4096), null)) {
      arena.append(FORCED);
      arena.force();
      assertEquals(2, arena.append(blob));
      return Files.readAllBytes(arenaDir.resolve("blobs-1.arena"));
    }
  }

  /** Opens {@code image} as an arena; checks blob 1 and returns whether blob 2 is there (with {@code blob}). */
  private boolean openAndCheck(byte[] image, byte[] blob, String what) throws IOException {
    Path d = Files.createTempDirectory(dir, "torn");
    Files.write(d.resolve("blobs-1.arena"), image);
    try (BlobArena arena = BlobArena.open(d)) {
      assertArrayEquals(FORCED, arena.readBytes(1), what);
      boolean there = arena.contains(2);
      if (there) {
        assertArrayEquals(blob, arena.readBytes(2), what);
      }
      arena.verify();
      return there;
    }
  }

  private void tearEveryByteOfAFrame(byte[] blob) throws IOException {
    byte[] full = afterAppend(dir.resolve("whole"), blob);
    long at = ArenaHeader.DATA_START + Frames.frameLength(FORCED.length);
    int from = (int) at;
    int to = (int) (at + Frames.frameLength(blob.length));
    int payloadEnd = from + Frames.HEADER_LENGTH + blob.length; // the padding after it is zeros anyway
    for (int k = from; k <= to; k += k < from + 32 || k > to - 32 ? 1 : 16_381) {
      byte[] prefix = full.clone();
      Arrays.fill(prefix, k, to, (byte) 0); // written in order up to k
      assertEquals(k >= payloadEnd, openAndCheck(prefix, blob, "frame written up to byte " + k));
      byte[] suffix = full.clone();
      Arrays.fill(suffix, from, k, (byte) 0); // written from k on: the start lost
      assertEquals(k == from, openAndCheck(suffix, blob, "frame written from byte " + k));
    }
  }

  @Test
  void aSmallFrameTornAtEveryByte() throws IOException {
    tearEveryByteOfAFrame("a blob torn by the crash, written through the mapping".getBytes());
  }

  @Test
  void aLargeFrameTornAtItsEdgesAndEvery16KiB() throws IOException {
    byte[] blob = new byte[300 << 10]; // 256 KiB or more: positional writes through the staging buffer
    new java.util.Random(7).nextBytes(blob);
    tearEveryByteOfAFrame(blob);
  }

  @Test
  void aCommitTornAtEveryByteLeavesThePreviousOne() throws IOException {
    Path whole = dir.resolve("commit");
    byte[] before;
    byte[] after;
    try (BlobArena arena = BlobArena.open(whole, BlobArenaOptions.defaults().withInitialCapacity(4096), null)) {
      arena.append(FORCED);
      arena.force();
      arena.append("complete, its commit torn".getBytes());
      before = Files.readAllBytes(whole.resolve("blobs-1.arena"));
      arena.force();
      after = Files.readAllBytes(whole.resolve("blobs-1.arena"));
    }
    int slot = -1;
    for (int i = ArenaHeader.COMMIT_SLOT_0; i < ArenaHeader.DATA_START; i++) {
      if (before[i] != after[i]) {
        slot = slot < 0 ? i : slot;
      }
    }
    assertFalse(slot < 0, "the force wrote a commit");
    int slotStart = slot < ArenaHeader.COMMIT_SLOT_0 + ArenaHeader.COMMIT_SLOT_LENGTH ? ArenaHeader.COMMIT_SLOT_0
        : ArenaHeader.COMMIT_SLOT_0 + ArenaHeader.COMMIT_SLOT_LENGTH;
    for (int k = slotStart; k <= slotStart + ArenaHeader.COMMIT_SLOT_LENGTH; k++) {
      byte[] image = after.clone();
      System.arraycopy(before, k, image, k, slotStart + ArenaHeader.COMMIT_SLOT_LENGTH - k);
      assertEquals(true, openAndCheck(image, "complete, its commit torn".getBytes(), "commit written up to " + k));
    }
  }
}
