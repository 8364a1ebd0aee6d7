package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.ebr.Guard;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs at the edges of what the arena holds: empty ones, one of exactly the largest size allowed and one a byte
 * over it, many tiny ones (across the ref table's pages and the ids reserved ahead), and frames that end exactly
 * at the end of the file's mapping, through growth, force, collection and reopen.
 */
class SizesAtTheLimitsTest {

  @TempDir
  Path dir;

  @Test
  void emptyBlobsAreBlobsOfNoBytes() throws IOException {
    long empty, text, between;
    try (BlobArena arena = BlobArena.open(dir)) {
      empty = arena.append(new byte[0]);
      between = arena.append("between");
      text = arena.append("");
      long freed = arena.append(new byte[0]);
      assertEquals(0, arena.length(empty));
      assertArrayEquals(new byte[0], arena.readBytes(empty));
      assertEquals("", arena.readString(text));
      try (Guard g = arena.enter()) {
        assertEquals(0, arena.slice(text).byteSize());
      }
      assertTrue(arena.free(freed));
      assertThrows(InvalidBlobRefException.class, () -> arena.readBytes(freed));
      arena.force();
      arena.verify();
      arena.gc();
      assertEquals(0, arena.length(empty));
      assertEquals("between", arena.readString(between));
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals(3, arena.verify().liveBlobs());
      assertEquals("", arena.readString(text));
      assertEquals(0, arena.length(empty));
      assertEquals("between", arena.readString(between));
    }
  }

  @Test
  void aBlobOfExactlyTheLargestSizeIsKeptAndOneByteMoreIsRefusedSayingSo() throws IOException {
    int max = 300_001; // above the 256 KiB from which frames are written through the staging buffer, and odd
    BlobArenaOptions options = BlobArenaOptions.defaults().withMaxBlobBytes(max);
    byte[] largest = Blobs.content(7, max);
    long ref;
    try (BlobArena arena = BlobArena.open(dir, options, null)) {
      ref = arena.append(largest);
      long next = arena.nextRef();
      ArenaStats before = arena.stats();
      IllegalArgumentException over = assertThrows(IllegalArgumentException.class,
          () -> arena.append(Blobs.content(8, max + 1)));
      assertEquals("blob of " + (max + 1) + " bytes exceeds the limit of " + max, over.getMessage());
      // a string of fewer chars than the limit whose UTF-8 is a byte over it
      String text = "é".repeat((max + 1) / 2);
      assertTrue(text.length() < max && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length == max + 1);
      assertThrows(IllegalArgumentException.class, () -> arena.append(text));
      assertEquals(next, arena.nextRef(), "a refused blob took a ref");
      assertEquals(before, arena.stats(), "a refused blob took room");
      assertArrayEquals(largest, arena.readBytes(ref));
      arena.force();
      arena.gc();
      assertArrayEquals(largest, arena.readBytes(ref));
    }
    try (BlobArena arena = BlobArena.open(dir, options, null)) {
      assertArrayEquals(largest, arena.readBytes(ref));
      assertEquals(1, arena.verify().liveBlobs());
    }
  }

  @Test
  void manyTinyBlobsAcrossTablePagesAndIdReservations() throws IOException {
    int n = 140_000; // more than two reservations of 65,536 ids, and 137 pages of the ref table
    try (BlobArena arena = BlobArena.open(dir)) {
      for (int i = 0; i < n; i++) {
        assertEquals(i + 1, arena.append(tiny(i)));
      }
      for (int i = 0; i < n; i += 3) {
        assertTrue(arena.free(i + 1));
      }
      arena.force();
      checkTiny(arena, n);
      arena.gc();
      checkTiny(arena, n);
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      checkTiny(arena, n);
      assertEquals(n + 1, arena.nextRef());
      assertEquals(n - (n + 2) / 3, arena.verify().liveBlobs());
    }
  }

  /** Blob {@code i}: 0 to 7 bytes, each its index's low byte. */
  private static byte[] tiny(int i) {
    byte[] b = new byte[i % 8];
    java.util.Arrays.fill(b, (byte) i);
    return b;
  }

  private static void checkTiny(BlobArena arena, int n) {
    for (int i = 0; i < n; i++) {
      if (i % 3 == 0) {
        assertFalse(arena.contains(i + 1), "freed tiny blob " + i);
      } else {
        assertArrayEquals(tiny(i), arena.readBytes(i + 1), "tiny blob " + i);
      }
    }
  }

  /**
   * A frame ending exactly where the mapping ends: a big one (written through the staging buffer) and a small
   * one (stored into the mapping); the arena closed and reopened with its frames up to the file's last byte;
   * the next blob grows the file; a collection whose copy fills its new file exactly.
   */
  @Test
  void framesThatEndExactlyAtTheEndOfTheMapping() throws IOException {
    BlobArenaOptions options = BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY);
    Path first = dir.resolve("first");
    long capacity;
    byte[] big, small;
    try (BlobArena arena = BlobArena.open(first, options, null)) {
      capacity = arena.stats().fileBytes();
      long room = capacity - ArenaHeader.DATA_START;
      big = Blobs.content(1, (int) (room - 64 - Frames.HEADER_LENGTH));
      small = Blobs.content(2, 64 - Frames.HEADER_LENGTH); // a frame of exactly 64 bytes
      assertEquals(1, arena.append(big));
      assertEquals(2, arena.append(small));
      assertEquals(capacity, arena.stats().fileBytes(), "the file grew for frames that fit exactly");
      assertArrayEquals(small, arena.readBytes(2));
    }
    try (BlobArena arena = BlobArena.open(first, options, null)) { // frames up to the file's last byte
      assertEquals(capacity, arena.stats().fileBytes());
      assertArrayEquals(big, arena.readBytes(1));
      assertArrayEquals(small, arena.readBytes(2));
      assertEquals(3, arena.append(new byte[] {3}));
      assertTrue(arena.stats().fileBytes() > capacity);
      assertArrayEquals(new byte[] {3}, arena.readBytes(3));
      assertArrayEquals(small, arena.readBytes(2));
    }
    try (BlobArena arena = BlobArena.open(first, options, null)) {
      assertArrayEquals(new byte[] {3}, arena.readBytes(3));
      assertTrue(arena.free(3));
      arena.gc(); // the live frames fill the new file exactly
      assertEquals(capacity, arena.stats().fileBytes());
      assertArrayEquals(big, arena.readBytes(1));
      assertArrayEquals(small, arena.readBytes(2));
    }
    try (BlobArena arena = BlobArena.open(first, options, null)) {
      assertEquals(capacity, arena.stats().fileBytes());
      assertEquals(2, arena.verify().liveBlobs());
      assertArrayEquals(big, arena.readBytes(1));
      assertArrayEquals(small, arena.readBytes(2));
    }
    // and a big frame, written through the staging buffer, that ends there itself
    Path other = dir.resolve("second");
    try (BlobArena arena = BlobArena.open(other, options, null)) {
      byte[] whole =
          Blobs.content(9, (int) (arena.stats().fileBytes() - ArenaHeader.DATA_START - Frames.HEADER_LENGTH));
      assertEquals(1, arena.append(whole));
      assertEquals(capacity, arena.stats().fileBytes());
      arena.force();
      assertArrayEquals(whole, arena.readBytes(1));
      arena.close();
      try (BlobArena reopened = BlobArena.open(other, options, null)) {
        assertArrayEquals(whole, reopened.readBytes(1));
        assertEquals(2, reopened.append(new byte[0]));
        assertEquals(0, reopened.length(2));
        assertArrayEquals(whole, reopened.readBytes(1));
      }
    }
  }
}
