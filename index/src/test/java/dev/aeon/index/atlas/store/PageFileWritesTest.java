package dev.aeon.index.atlas.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every insert into the index appends to a page on the namespace's one writer thread, and each call that writes the
 * files is a {@code pwrite} with the file system's work under it: an append writes the page once (its head and codes
 * in one call from the page's start) and its sketch block once, and taking a page for a leaf writes nothing of its
 * own. What the calls leave in the files must be what the separate ones left: the count, the leaf, every entry, read
 * back from the files after a reopen.
 */
class PageFileWritesTest {

  @TempDir
  Path dir;

  @Test
  void anAppendWritesThePageOnceAndItsSketchesOnce() throws Exception {
    PageLayout layout = new PageLayout(384, 8); // the bundled model's dimension: a page spans two 4 KiB pages
    Random r = new Random(3);
    EncodedVector[] first = new EncodedVector[8];
    try (PageFile pages = PageFile.create(dir, layout)) {
      pages.ensurePages(2);
      long before = pages.writes();
      pages.reset(0, 7);
      assertEquals(before, pages.writes(), "taking a page writes nothing of its own");
      for (int i = 0; i < 8; i++) {
        first[i] = RandomEncoded.vector(r, layout);
        long calls = pages.writes();
        assertEquals(i + 1, pages.append(0, 100 + i, 10 + i, first[i]));
        assertEquals(calls + 2, pages.writes(), "writes of append " + i);
      }
      pages.reset(1, 9);
      long calls = pages.writes();
      assertEquals(8, pages.appendMoved(1, new long[] {200, 201, 202, 203, 204, 205, 206, 207},
          new int[] {20, 21, 22, 23, 24, 25, 26, 27}, new int[] {0, 0, 0, 0, 0, 0, 0, 0},
          new int[] {7, 6, 5, 4, 3, 2, 1, 0}, 8));
      assertEquals(calls + 2, pages.writes(), "writes of a page's worth of moved entries");
    }
    try (PageFile pages = PageFile.open(dir, layout, 2)) {
      assertEquals(8, pages.count(0));
      assertEquals(8, pages.count(1));
      assertEquals(7, leaf(pages, 0));
      assertEquals(9, leaf(pages, 1));
      for (int i = 0; i < 8; i++) {
        assertEntry(first[i], pages, 0, i, 100 + i, 10 + i);
        assertEntry(first[7 - i], pages, 1, i, 200 + i, 20 + i);
      }
    }
  }

  /** A page taken again writes its new count and leaf with its first append, over what its earlier life left. */
  @Test
  void aPageTakenAgainHoldsItsNewEntriesAndLeafAfterAReopen() throws Exception {
    PageLayout layout = new PageLayout(96, 8);
    Random r = new Random(4);
    EncodedVector again = RandomEncoded.vector(r, layout);
    try (PageFile pages = PageFile.create(dir, layout)) {
      pages.ensurePages(1);
      pages.reset(0, 1);
      for (int i = 0; i < 6; i++) {
        pages.append(0, i, i, RandomEncoded.vector(r, layout));
      }
      pages.reset(0, 2); // retired, freed and taken for another leaf
      assertEquals(0, pages.count(0));
      assertEquals(1, pages.append(0, 50, 60, again));
    }
    try (PageFile pages = PageFile.open(dir, layout, 1)) {
      assertEquals(1, pages.count(0), "the file's count is the new life's");
      assertEquals(2, leaf(pages, 0));
      assertEntry(again, pages, 0, 0, 50, 60);
    }
  }

  private static int leaf(PageFile pages, int page) {
    return pages.segment(page).get(PageFile.INT, pages.base(page) + PageLayout.OFF_LEAF);
  }

  private static void assertEntry(EncodedVector expected, PageFile pages, int page, int i, long id, int slot) {
    EncodedVector stored = pages.encoded(page, i);
    String what = "entry " + i + " of page " + page;
    assertArrayEquals(expected.codes(), stored.codes(), what);
    assertArrayEquals(expected.sketch(), stored.sketch(), what);
    assertEquals(expected.scale(), stored.scale(), what);
    assertEquals(expected.sketchFactor(), stored.sketchFactor(), what);
    assertEquals(id, pages.id(page, i), what);
    assertEquals(slot, pages.slot(page, i), what);
  }
}
