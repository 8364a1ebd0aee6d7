package dev.aeon.index.atlas.store;

import dev.aeon.index.kernel.SketchBlocks;

/**
 * Layout of one page of the page file: the INT8 codes of up to {@code capacity} vectors of one leaf,
 * stored contiguously, with their ids, sidecar slots and scales. The one-bit sketches of the same entries
 * live in the sketch file, in the block with the page's number ({@link #sketches}), so that the sketch
 * pass of a search reads only sketches, and a leaf's consecutive pages' sketches are adjacent.
 *
 * <pre>
 *  0       4        8          16             16+4c          16+8c           16+12c
 *  +-------+--------+----------+--------------+--------------+---------------+------------------+--- pad to 64
 *  | count | leafId | reserved | ids[c]       | slots[c]     | scales[c]     | codes[c][dim]    |
 *  | int   | int    | 8 bytes  | u32 each     | int each     | float each    | int8 each        |
 *  +-------+--------+----------+--------------+--------------+---------------+------------------+---
 * </pre>
 * c = capacity. Entries [0, count) are complete: the writer fills entry {@code count} and then stores
 * {@code count + 1} with release semantics, readers load it with acquire semantics. A slot is the
 * entry's record number in the FP32 sidecar ({@link VectorLayout}). Page checksums live in the manifest
 * (they cover exactly the entries the manifest counts), so appends after a flush never invalidate the
 * last consistent state.
 */
public final class PageLayout {

  public static final String FORMAT = "atlas-pages";
  public static final int VERSION = 1;
  /**
   * The page file's version at 42134d72, which held each page's sketches between its scales and codes: older
   * than {@link #VERSION} (the next commit moved the sketches to their own file and the page file back to 1).
   */
  public static final int SKETCHES_IN_PAGES_VERSION = 2;
  public static final int OFF_COUNT = 0;
  public static final int OFF_LEAF = 4;
  public static final int OFF_IDS = 16;

  public final int dim;
  public final int capacity;
  public final int offSlots;
  public final int offScales;
  public final int offCodes;
  /** The layout of the page's block in the sketch file: one sketch per entry, {@code capacity} a block. */
  public final SketchBlocks sketches;
  public final int pageBytes;

  public PageLayout(int dim, int capacity) {
    if (dim <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("dim and capacity must be positive: " + dim + ", " + capacity);
    }
    this.dim = dim;
    this.capacity = capacity;
    this.offSlots = OFF_IDS + 4 * capacity;
    this.offScales = offSlots + 4 * capacity;
    this.offCodes = offScales + 4 * capacity;
    long bytes = offCodes + (long) capacity * dim;
    long padded = (bytes + 63) & ~63L;
    if (padded > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("page of " + padded + " bytes is too large");
    }
    this.pageBytes = (int) padded;
    this.sketches = SketchBlocks.of(capacity, dim);
  }

  public long idOffset(int i) {
    return OFF_IDS + 4L * i;
  }

  public long slotOffset(int i) {
    return offSlots + 4L * i;
  }

  public long scaleOffset(int i) {
    return offScales + 4L * i;
  }

  public long codesOffset(int i) {
    return offCodes + (long) dim * i;
  }
}
