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
 * reference it and readers may still be scoring it. {@link #reclaim} (called by flush, after the new
 * manifest is durable) waits for those readers through the {@link ReaderGate} and only then makes them
 * reusable.
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
  private int[] slotLeaf = new int[1024];

  Storage(AtlasConfig config, PageFile pages, VectorFile vectors) {
    this.config = config;
    this.layout = pages.layout();
    this.pages = pages;
    this.vectors = vectors;
    this.sketchCenter = new float[config.dim()];
    Arrays.fill(slotLeaf, -1);
  }

  /** The codes and sketch of unit vector {@code v}. */
  EncodedVector encode(float[] v) {
    byte[] codes = new byte[v.length];
    float scale = Int8Quantizer.quantize(v, codes);
    long[] sketch = new long[layout.sketches.words()];
    float factor = SignSketch.sketch(v, sketchCenter, sketch);
    return new EncodedVector(scale, codes, factor, sketch);
  }

  int allocPage(int leafId) {
    int p = freePages.isEmpty() ? pageHighWater++ : freePages.removeAt(freePages.size() - 1);
    pages.ensurePages(p + 1);
    pages.reset(p, leafId);
    return p;
  }

  int allocSlot() {
    int s = freeSlots.isEmpty() ? slotHighWater++ : freeSlots.removeAt(freeSlots.size() - 1);
    tombstones.clear(s);
    return s;
  }

  void retirePage(int page) {
    retiredPages.addInt(page);
  }

  /** Retires a slot whose entry has left every page. */
  void retireSlot(int slot) {
    setSlotLeaf(slot, -1);
    retiredSlots.addInt(slot);
  }

  /** Waits for readers that may still see retired pages and slots, then frees them. */
  void reclaim() {
    if (retiredPages.isEmpty() && retiredSlots.isEmpty()) {
      return;
    }
    gate.synchronize();
    freePages.addAll(retiredPages);
    freeSlots.addAll(retiredSlots);
    retiredPages.clear();
    retiredSlots.clear();
  }

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
