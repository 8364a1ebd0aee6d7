package dev.aeon.index.atlas;

import dev.aeon.index.atlas.store.EncodedVector;
import java.util.Arrays;

/**
 * Up to a page of entries gathered to be written into a fresh page together ({@code PageFile.appendAll}:
 * two writes to the files per page rather than two per entry), by a bulk build; a split or compaction moves
 * entries already on pages with {@link PageMoves}. Writer only.
 */
final class PageBatch {

  final long[] ids;
  final int[] slots;
  final EncodedVector[] encoded;
  int n;

  PageBatch(int capacity) {
    ids = new long[capacity];
    slots = new int[capacity];
    encoded = new EncodedVector[capacity];
  }

  void add(long id, int slot, EncodedVector e) {
    ids[n] = id;
    slots[n] = slot;
    encoded[n] = e;
    n++;
  }

  /** Writes the gathered entries into a new page of leaf {@code leafId} and notes their slots' leaf. */
  int writeTo(Storage st, int leafId) {
    int page = st.allocPage(leafId);
    st.pages.appendAll(page, ids, slots, encoded, n);
    for (int k = 0; k < n; k++) {
      st.setSlotLeaf(slots[k], leafId);
    }
    return page;
  }

  void clear() {
    Arrays.fill(encoded, 0, n, null);
    n = 0;
  }
}
