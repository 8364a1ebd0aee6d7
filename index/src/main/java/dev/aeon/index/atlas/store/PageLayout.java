package dev.aeon.index.atlas.store;

import dev.aeon.index.kernel.SignSketch;

/**
 * Layout of one page of the page file: the one-bit sketches and the INT8 codes of up to {@code capacity}
 * vectors of one leaf, each kind stored contiguously so that a search reads a page's sketches in one
 * sweep and the codes of only the entries its sketches single out.
 *
 * <pre>
 *  0       4        8          16        16+4c      16+8c       16+12c       16+16c              16+16c+8wc
 *  +-------+--------+----------+---------+----------+-----------+------------+-------------------+----------------+-- pad to 64
 *  | count | leafId | reserved | ids[c]  | slots[c] | scales[c] | factors[c] | sketches[w][c]    | codes[c][dim]  |
 *  | int   | int    | 8 bytes  | u32     | int      | float     | float      | u64 (LE) each     | int8 each      |
 *  +-------+--------+----------+---------+----------+-----------+------------+-------------------+----------------+--
 * </pre>
 * c = capacity, w = 64-bit words per sketch ({@code ceil(dim / 64)}); scales belong to the codes, factors
 * to the sketches. The sketches are stored word-major (word 0 of every entry, then word 1, ...) so that
 * one vector load reads the same word of consecutive entries. Version 1 had no factors and sketches. Entries [0, count) are complete: the writer fills entry {@code count} and then stores
 * {@code count + 1} with release semantics, readers load it with acquire semantics. A slot is the
 * entry's record number in the FP32 sidecar ({@link VectorLayout}). Page checksums live in the manifest
 * (they cover exactly the entries the manifest counts), so appends after a flush never invalidate the
 * last consistent state.
 */
public final class PageLayout {

  public static final String FORMAT = "atlas-pages";
  public static final int VERSION = 2;
  public static final int OFF_COUNT = 0;
  public static final int OFF_LEAF = 4;
  public static final int OFF_IDS = 16;

  public final int dim;
  public final int capacity;
  public final int offSlots;
  public final int offScales;
  public final int offFactors;
  public final int offSketches;
  public final int sketchWords;
  public final int offCodes;
  public final int pageBytes;

  public PageLayout(int dim, int capacity) {
    if (dim <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("dim and capacity must be positive: " + dim + ", " + capacity);
    }
    this.dim = dim;
    this.capacity = capacity;
    this.offSlots = OFF_IDS + 4 * capacity;
    this.offScales = offSlots + 4 * capacity;
    this.offFactors = offScales + 4 * capacity;
    this.offSketches = offFactors + 4 * capacity;
    this.sketchWords = SignSketch.words(dim);
    long codes = offSketches + 8L * sketchWords * capacity;
    long bytes = codes + (long) capacity * dim;
    long padded = (bytes + 63) & ~63L;
    if (padded > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("page of " + padded + " bytes is too large");
    }
    this.pageBytes = (int) padded;
    this.offCodes = (int) codes;
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

  public long factorOffset(int i) {
    return offFactors + 4L * i;
  }

  /** Offset of word {@code w} of entry {@code i}'s sketch. */
  public long sketchWordOffset(int w, int i) {
    return offSketches + 8L * ((long) w * capacity + i);
  }

  public long codesOffset(int i) {
    return offCodes + (long) dim * i;
  }
}
