package dev.aeon.index.atlas;

/**
 * Up to a page of a leaf's entries moved together into a fresh page by a split or compaction, each named by where it
 * is ({@code PageFile.appendMoved}: copied file to file, two writes per page). {@link PageBatch} is its like for
 * entries that are not on a page yet (a bulk build). Writer only.
 */
final class PageMoves {

  final long[] ids;
  final int[] slots;
  final int[] fromPages;
  final int[] fromEntries;
  int n;

  PageMoves(int capacity) {
    ids = new long[capacity];
    slots = new int[capacity];
    fromPages = new int[capacity];
    fromEntries = new int[capacity];
  }

  void add(long id, int slot, int fromPage, int fromEntry) {
    ids[n] = id;
    slots[n] = slot;
    fromPages[n] = fromPage;
    fromEntries[n] = fromEntry;
    n++;
  }

  /** Moves the gathered entries into a new page of leaf {@code leafId} and notes their slots' leaf. */
  int writeTo(Storage st, int leafId) {
    int page = st.allocPage(leafId);
    st.pages.appendMoved(page, ids, slots, fromPages, fromEntries, n);
    for (int k = 0; k < n; k++) {
      st.setSlotLeaf(slots[k], leafId);
    }
    return page;
  }

  void clear() {
    n = 0;
  }
}
