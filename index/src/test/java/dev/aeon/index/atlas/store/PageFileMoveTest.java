package dev.aeon.index.atlas.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split or compaction moves a leaf's entries into fresh pages file to file ({@link PageFile#appendMoved}), where it
 * used to copy each out ({@link PageFile#encoded}) and append the copies ({@link PageFile#appendAll}). A moved entry
 * must be stored exactly as the copy would have been: the same codes, scale, sketch and factor, under the id and slot
 * given, and a page of moved entries must have the checksum of the same page written from the copies.
 */
class PageFileMoveTest {

  @TempDir
  Path dir;

  @Test
  void aMovedEntryIsStoredAsItsCopyWouldHaveBeen() throws Exception {
    PageLayout layout = new PageLayout(96, 8); // two sketch words an entry
    try (PageFile pages = PageFile.create(dir, layout)) {
      pages.ensurePages(4);
      Random r = new Random(7);
      for (int p = 0; p < 2; p++) {
        pages.reset(p, 1);
        for (int i = 0; i < (p == 0 ? 8 : 5); i++) {
          pages.append(p, 100L * p + i, 10 * p + i, RandomEncoded.vector(r, layout));
        }
      }
      int[] fromPages = {1, 0, 0, 1, 0};
      int[] fromEntries = {3, 0, 7, 4, 2};
      long[] ids = {11, 12, 0xFFFF_FFF0L, 14, 15}; // an id past Integer.MAX_VALUE: stored as unsigned 32 bits
      int[] slots = {21, 22, 23, 24, 25};
      EncodedVector[] copies = new EncodedVector[fromPages.length];
      for (int k = 0; k < copies.length; k++) {
        copies[k] = pages.encoded(fromPages[k], fromEntries[k]);
      }
      pages.reset(2, 2);
      pages.append(2, 9, 29, RandomEncoded.vector(r, layout)); // moved entries go after what the page holds
      pages.reset(3, 2);
      pages.append(3, 9, 29, pages.encoded(2, 0));
      assertEquals(6, pages.appendMoved(2, ids, slots, fromPages, fromEntries, fromPages.length));
      assertEquals(6, pages.appendAll(3, ids, slots, copies, copies.length));
      for (int k = 0; k < copies.length; k++) {
        EncodedVector moved = pages.encoded(2, 1 + k);
        assertArrayEquals(copies[k].codes(), moved.codes(), "codes of " + k);
        assertArrayEquals(copies[k].sketch(), moved.sketch(), "sketch of " + k);
        assertEquals(copies[k].scale(), moved.scale(), "scale of " + k);
        assertEquals(copies[k].sketchFactor(), moved.sketchFactor(), "sketch factor of " + k);
        assertEquals(ids[k], pages.id(2, 1 + k));
        assertEquals(slots[k], pages.slot(2, 1 + k));
      }
      assertEquals(pages.checksum(3, 6), pages.checksum(2, 6));
      assertThrows(IllegalArgumentException.class, () -> pages.appendMoved(0, ids, slots, new int[] {0}, new int[] {1},
          1));
    }
  }
}
