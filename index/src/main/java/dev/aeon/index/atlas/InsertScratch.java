package dev.aeon.index.atlas;

import dev.aeon.index.kernel.SignSketch;
import java.util.Arrays;

/**
 * The writer's buffers for one insert ({@link TreeWriter#insert}, under the index's write lock), kept from one insert
 * to the next: the vector's unit copy, the leaf's running mean, its direction (the leaf's new row in its parent), that
 * row widened back from 16 bits, and its INT8 codes and sketch (also a split's or a merge's new rows in the parent,
 * the row a merge compares its siblings' with, and a merge's entries' codes one at a time for its mean); and the
 * entry's own codes and sketch ({@link Storage#encode}: the descent's query and what its page stores); and a split's
 * vectors. Made anew for every insert they were about 6.5 KB at 384 dimensions, a fifth of what an engine's remember
 * allocated.
 *
 * <p>Nothing of one insert reaches the next: each buffer is written whole before it is read (the unit copy, the
 * mean and the widened row component by component, the codes by the quantizer, the sketch's words cleared by
 * {@link SignSketch#sketch}), and none is kept past the insert: the vector file, the pages and the rows take copies
 * (the descent reads the entry's codes without keeping them).
 * {@link #scramble} lets InsertScratchTest fill them with garbage between inserts to check that.
 */
final class InsertScratch {

  final float[] unit;
  final float[] mean;
  final float[] direction;
  final float[] row;
  final byte[] codes;
  final long[] words;
  final byte[] entryCodes;
  final long[] entrySketch;
  /**
   * A leaf's FP32 vectors for its split's 2-means, made at the first split and kept: a leaf's capacity of rows (196 KB
   * at the default leaf of 128 entries and 384 dims), which every split, one about every 64 inserts, used to make
   * anew (about 3 KB a remember). Rows [0, n) of a split of n live entries are written before anything reads them,
   * and nothing reads past them.
   */
  private float[] splitVectors = new float[0];

  InsertScratch(int dim) {
    unit = new float[dim];
    mean = new float[dim];
    direction = new float[dim];
    row = new float[dim];
    codes = new byte[dim];
    words = new long[SignSketch.words(dim)];
    entryCodes = new byte[dim];
    entrySketch = new long[SignSketch.words(dim)];
  }

  /** A buffer for {@code floats} floats of a split's vectors, at least (see {@link #splitVectors}). */
  float[] splitVectors(int floats) {
    if (splitVectors.length < floats) {
      splitVectors = new float[floats];
    }
    return splitVectors;
  }

  /** Fills every buffer with values no insert writes (tests: what an insert reads must be its own). */
  void scramble() {
    for (float[] f : new float[][] {unit, mean, direction, row}) {
      Arrays.fill(f, Float.NaN);
    }
    Arrays.fill(codes, (byte) 0x5A);
    Arrays.fill(words, -1L);
    Arrays.fill(entryCodes, (byte) 0x5A);
    Arrays.fill(entrySketch, -1L);
    Arrays.fill(splitVectors, Float.NaN);
  }
}
