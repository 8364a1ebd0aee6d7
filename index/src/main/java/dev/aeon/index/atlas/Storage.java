package dev.aeon.index.atlas;

import dev.aeon.index.atlas.store.EncodedVector;
import dev.aeon.index.atlas.store.PageFile;
import dev.aeon.index.atlas.store.PageLayout;
import dev.aeon.index.atlas.store.VectorFile;
import dev.aeon.index.atlas.sync.IdMap;
import dev.aeon.index.atlas.sync.ReaderGate;
import dev.aeon.index.atlas.sync.SlotBits;
import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.SignSketch;
import java.io.IOException;
import java.util.Arrays;
import org.agrona.collections.IntArrayList;

/**
 * The files of an index and the allocation of their pages and slots, with the maps readers use to go
 * from ids to slots and to skip deleted slots.
 *
 * <p>A page or slot that the writer unlinks is <em>retired</em>, not freed: the last manifest may still
 * reference it and readers may still be scoring it. A flush notes how far the retired lists reach when it
 * takes its snapshot ({@link #retiredMark}); once the manifest naming that snapshot is durable and the
 * readers that may still see them have left the {@link ReaderGate}, {@link #reclaim} makes the pages and
 * slots retired before the mark reusable. Those retired after it stay: the new manifest still names them.
 */
final class Storage implements AutoCloseable {

  final AtlasConfig config;
  final PageLayout layout;
  final PageFile pages;
  final VectorFile vectors;
  final IdMap ids = new IdMap();
  final SlotBits tombstones = new SlotBits();
  final ReaderGate gate = new ReaderGate();
  /**
   * The center every sketch is taken around. It changes only when no entry is live (a bulk build sets it
   * to its batch's mean); a search that read the old one while a bulk build filled the empty index only
   * ranks that build's first entries less well.
   */
  volatile float[] sketchCenter;

  // Writer-only allocation state.
  int pageHighWater;
  int slotHighWater;
  final IntArrayList freePages = new IntArrayList();
  final IntArrayList freeSlots = new IntArrayList();
  final IntArrayList retiredPages = new IntArrayList();
  final IntArrayList retiredSlots = new IntArrayList();
  /** How many retired pages and slots have been freed over the index's life: the lists' offsets in a mark. */
  private long pagesReclaimed;
  private long slotsReclaimed;
  private int[] slotLeaf = new int[1024];

  Storage(AtlasConfig config, PageFile pages, VectorFile vectors) {
    this.config = config;
    this.layout = pages.layout();
    this.pages = pages;
    this.vectors = vectors;
    this.sketchCenter = new float[config.dim()];
    Arrays.fill(slotLeaf, -1);
  }

  /** The codes and sketch of unit vector {@code v}, in new arrays (a bulk build keeps a page's worth). */
  EncodedVector encode(float[] v) {
    return encode(v, new byte[v.length], new long[layout.sketches.words()]);
  }

  /**
   * The codes and sketch of unit vector {@code v}, written into {@code codes} and {@code sketch} (the writer's, kept
   * from one insert to the next: see {@link InsertScratch}), which the result holds.
   */
  EncodedVector encode(float[] v, byte[] codes, long[] sketch) {
    float scale = Int8Quantizer.quantize(v, codes);
    float factor = SignSketch.sketch(v, sketchCenter, sketch);
    return new EncodedVector(scale, codes, factor, sketch);
  }

  /** Takes a page for leaf {@code leafId}; one the page file cannot grow to is not taken. */
  int allocPage(int leafId) {
    int p = freePages.isEmpty() ? pageHighWater : freePages.getInt(freePages.size() - 1);
    pages.ensurePages(p + 1);
    if (freePages.isEmpty()) {
      pageHighWater++;
    } else {
      freePages.removeAt(freePages.size() - 1);
    }
    pages.reset(p, leafId);
    return p;
  }

  /**
   * Maps and writes the blocks of {@code n} pages beyond the high-water mark, so that the next {@code n}
   * {@link #allocPage} calls cannot fail: for a change that must not stop half way, such as a split, whose
   * new leaves are registered before their pages are written.
   */
  void reservePages(int n) {
    pages.ensurePages(pageHighWater + n);
  }

  int allocSlot() {
    int s = freeSlots.isEmpty() ? slotHighWater++ : freeSlots.removeAt(freeSlots.size() - 1);
    tombstones.clear(s);
    return s;
  }

  /**
   * The slot the next {@link #allocSlot} returns, not taken: free, or past the high-water mark, so that no
   * reader and no manifest looks at its record, which may be written before it is taken.
   */
  int nextSlot() {
    return freeSlots.isEmpty() ? slotHighWater : freeSlots.getInt(freeSlots.size() - 1);
  }

  void retirePage(int page) {
    retiredPages.addInt(page);
  }

  /** Retires a slot whose entry has left every page. */
  void retireSlot(int slot) {
    setSlotLeaf(slot, -1);
    retiredSlots.addInt(slot);
  }

  boolean hasRetired() {
    return !retiredPages.isEmpty() || !retiredSlots.isEmpty();
  }

  /** Where the retired lists end now, counted over the index's life. */
  RetiredMark retiredMark() {
    return new RetiredMark(pagesReclaimed + retiredPages.size(), slotsReclaimed + retiredSlots.size());
  }

  /**
   * Frees the pages and slots retired before {@code mark} that are not free yet. The caller holds the
   * writer's lock and has waited for the readers that may still see them.
   */
  void reclaim(RetiredMark mark) {
    pagesReclaimed += freeFirst(retiredPages, mark.pages() - pagesReclaimed, freePages);
    slotsReclaimed += freeFirst(retiredSlots, mark.slots() - slotsReclaimed, freeSlots);
  }

  private static int freeFirst(IntArrayList retired, long upTo, IntArrayList free) {
    int n = (int) Math.min(Math.max(upTo, 0), retired.size());
    if (n == 0) {
      return 0;
    }
    int[] all = retired.toIntArray();
    retired.clear();
    for (int i = 0; i < all.length; i++) {
      (i < n ? free : retired).addInt(all[i]);
    }
    return n;
  }

  /** A position in the retired lists, counted from the index's start (see {@link #retiredMark}). */
  record RetiredMark(long pages, long slots) {}

  void setSlotLeaf(int slot, int leafId) {
    if (slot >= slotLeaf.length) {
      int old = slotLeaf.length;
      slotLeaf = Arrays.copyOf(slotLeaf, Math.max(slot + 1, old * 2));
      Arrays.fill(slotLeaf, old, slotLeaf.length, -1);
    }
    slotLeaf[slot] = leafId;
  }

  int slotLeaf(int slot) {
    return slot < slotLeaf.length ? slotLeaf[slot] : -1;
  }

  @Override
  public void close() throws IOException {
    try (pages; vectors) {
      // both closed, the first failure reported
    }
  }
}
