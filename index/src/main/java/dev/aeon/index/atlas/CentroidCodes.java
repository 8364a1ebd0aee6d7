package dev.aeon.index.atlas;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.SignSketch;
import dev.aeon.index.kernel.SketchBlocks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * INT8 codes and one-bit sketches of a routing node's centroid rows, which the descent scores with the
 * bulk and sketch kernels.
 *
 * <p>Why: the FP32 rows are four times larger, and a descent to a few dozen leaves reads hundreds of
 * rows per query, so on data sets larger than the cache the FP32 descent cost as much memory traffic as
 * the leaves' codes. The FP32 rows stay in {@link Node.Children} for the writer and the manifest. The
 * sketches (taken around the index's sketch center, in one block of {@code rows} sketches) are an eighth
 * of the codes again: a descent with the sketch pass on estimates every child with them and scores only
 * the most promising with the codes.
 *
 * <p>Codes and sketches live in heap arrays, as the query's do: the kernels read heap arrays with array
 * loads and native segments with segment loads, and their notes say that a segment-load site that sees
 * more than one kind of segment compiles to a slow generic path; so the mapped pages stay the only native
 * segments they are given (an arena's segment is another class; a difference was not measurable on the
 * shared machine, so this is a precaution). A row rewritten in place while a reader scores it may be
 * read half old, half new, which only nudges routing (see {@link Node}).
 */
final class CentroidCodes {

  private static final ValueLayout.OfFloat FACTOR = ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final byte[] codes;
  private final float[] scales;
  private final int dim;
  private final float[] center;
  private final SketchBlocks layout;
  private final MemorySegment sketches;

  private CentroidCodes(int rows, int dim, float[] center) {
    this.dim = dim;
    this.codes = new byte[rows * dim];
    this.scales = new float[rows];
    this.center = center;
    this.layout = SketchBlocks.of(paddedRows(rows), dim);
    this.sketches = MemorySegment.ofArray(new long[layout.blockBytes() / Long.BYTES]);
  }

  /**
   * Rows rounded up to a multiple of 8, so that the sketch kernel scores them all with vectors (it
   * leaves each block's last {@code stride % lanes} sketches to a scalar loop); the padding sketches
   * are zero.
   */
  static int paddedRows(int rows) {
    return Math.max(8, (rows + 7) & ~7);
  }

  /** Codes and sketches (around {@code center}) for the {@code rows} unit rows of {@code centroids}. */
  static CentroidCodes of(float[] centroids, int rows, int dim, float[] center) {
    CentroidCodes c = new CentroidCodes(rows, dim, center);
    float[] row = new float[dim];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(centroids, i * dim, row, 0, dim);
      c.set(i, row);
    }
    return c;
  }

  /** Re-encodes row {@code i} from a unit vector. */
  void set(int i, float[] unit) {
    byte[] b = new byte[dim];
    float scale = Int8Quantizer.quantize(unit, b);
    System.arraycopy(b, 0, codes, i * dim, dim);
    scales[i] = scale;
    long[] words = new long[layout.words()];
    sketches.set(FACTOR, layout.factorOffset(i), SignSketch.sketch(unit, center, words));
    for (int w = 0; w < words.length; w++) {
      sketches.set(WORD, layout.wordOffset(w, i), words[w]);
    }
  }

  MemorySegment segment() {
    return MemorySegment.ofArray(codes);
  }

  int rows() {
    return scales.length;
  }

  float scale(int i) {
    return scales[i];
  }

  /** Reads one byte of each cache line of row {@code i}'s codes (see {@link Prefetch}); returns the sum. */
  int touch(int i, int acc) {
    for (int at = i * dim, end = at + dim; at < end; at += 64) {
      acc += codes[at];
    }
    return acc;
  }

  /** The rows' sketches: one block of {@link #sketchLayout()}, at offset 0. */
  MemorySegment sketches() {
    return sketches;
  }

  SketchBlocks sketchLayout() {
    return layout;
  }

  /** Bytes held: codes, scales and sketches. */
  long bytes() {
    return codes.length + (long) scales.length * Float.BYTES + sketches.byteSize();
  }
}
