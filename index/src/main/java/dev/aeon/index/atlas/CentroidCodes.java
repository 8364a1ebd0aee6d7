package dev.aeon.index.atlas;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.SignSketch;
import dev.aeon.index.kernel.SketchBlocks;
import dev.aeon.index.kernel.SketchQuery;
import dev.aeon.index.kernel.VectorKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * INT8 codes of a routing node's centroid rows, which the descent scores with the bulk kernel.
 *
 * <p>Why: the FP32 rows are four times larger, and a descent to a few dozen leaves reads hundreds of
 * rows per query, so on data sets larger than the cache the FP32 descent cost as much memory traffic as
 * the leaves' codes. The FP32 rows stay in {@link Node.Children} for the writer and the manifest.
 *
 * <p>The codes live in a heap array, as the query's do: the INT8 kernel reads heap arrays with array
 * loads and native segments with segment loads, and a segment-load site that sees more than one kind of
 * segment may compile to a slower generic path; so the mapped pages stay the only native segments the
 * INT8 kernel is given.
 *
 * <p>Each row also has a one-bit sketch, taken around the mean of the rows (fixed when the codes are
 * made), in one native block of the sketch kernel's layout: a wide level of the descent is estimated from
 * the sketches (an eighth of the codes' bytes, and about a quarter of their kernel time per row) and only
 * the best estimates are scored with codes (see {@link Searcher#descend}). Centering on the node's own
 * mean leaves the sketches the rows' differences from it, which one bit per dimension estimates better
 * than the rows themselves. The block must be native (the sketch kernel's vector path reads native
 * segments only; a first version kept it in a heap array, so that kernel ran a second path, and searches
 * measured slower in separate JVMs); it is freed with this object.
 *
 * <p>A row rewritten in place while a reader scores it may be read half old, half new, codes and sketch
 * alike, which only nudges routing (see {@link Node}).
 *
 * <p>A split or a merge of children changes one or two rows of a node; its new codes ({@link #rearranged}) keep the
 * center and copy the other rows' codes and sketches as they are, encoding only the new rows: re-encoding every row
 * around the rows' new mean was most of what a merge cost (a JFR of {@code ./aeon bench forget --sessions 100}, 14 of
 * its 20 samples). A row's INT8 codes do not depend on the center, only its sketch does, so a copied row is what
 * encoding it again around the same center gives, byte for byte. The center drifts from the rows' mean as rows come
 * and go, and a sketch estimates worse the further its row is from the center; so once a quarter as many rows have
 * been changed as the node had when its center was taken, the next change takes the mean again and encodes every
 * row: a full encoding per that many changes, a few rows' encodings a change on average.
 */
final class CentroidCodes {

  private static final ValueLayout.OfFloat LE_FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LE_LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Sketches per kernel vector: a block's stride is a multiple, so the kernel scores its last group whole. */
  private static final int SKETCH_GROUP = 8;

  private final byte[] codes;
  /**
   * {@link #codes} as a segment, made once: made per call, it was two objects per centroid row that a descent
   * scores one by one (see {@link Searcher#descend}), nearly a fifth of what a recall allocated.
   */
  private final MemorySegment codeSegment;
  private final float[] scales;
  private final int dim;
  private final float[] center;
  private final SketchBlocks sketchLayout;
  private final MemorySegment sketches;
  /** Rows when {@link #center} was taken (their mean). */
  private final int centeredRows;
  /** Rows changed by splits and merges since then ({@link #rearranged}). */
  private final int changedRows;

  private CentroidCodes(int rows, int dim, float[] center, int centeredRows, int changedRows) {
    this.dim = dim;
    this.centeredRows = centeredRows;
    this.changedRows = changedRows;
    this.codes = new byte[rows * dim];
    this.codeSegment = MemorySegment.ofArray(codes);
    this.scales = new float[rows];
    this.center = center;
    int stride = Math.max(SKETCH_GROUP, (rows + SKETCH_GROUP - 1) / SKETCH_GROUP * SKETCH_GROUP);
    this.sketchLayout = SketchBlocks.of(stride, dim);
    this.sketches = Arena.ofAuto().allocate(sketchLayout.blockBytes(), Long.BYTES);
  }

  /**
   * Codes and sketches for the {@code rows} unit rows of {@code halfCentroids} (16-bit floats), each widened to
   * 32 bits as it is read: a node's rows widened all at once were a copy of the node (100 KB at a fan-out of 64 and
   * 384 dims) for every leaf split.
   */
  static CentroidCodes of(short[] halfCentroids, int rows, int dim) {
    float[] mean = new float[dim];
    for (int i = 0; i < rows * dim; i++) {
      mean[i % dim] += Float.float16ToFloat(halfCentroids[i]) / rows;
    }
    CentroidCodes c = new CentroidCodes(rows, dim, mean, rows, 0);
    float[] row = new float[dim];
    byte[] codes = new byte[dim];
    long[] words = new long[c.sketchLayout.words()];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        row[j] = Float.float16ToFloat(halfCentroids[i * dim + j]);
      }
      c.set(i, row, codes, words);
    }
    return c;
  }

  /**
   * Codes and sketches for the {@code from.length} rows of {@code halfCentroids} after a split or a merge, where
   * {@code from[i]} names the row of these codes that row {@code i} is (unchanged), or is -1 for a new row: a
   * copy of the unchanged rows' codes and sketches with only the new rows encoded, around the same center; or, once
   * the changes since the center was taken, this one too, pass a quarter of the rows it was taken over, all of them
   * encoded around their mean ({@link #of}). {@code row}, {@code b} and {@code words} are the caller's buffers (see
   * {@link #set}). These codes are not changed (they may be published).
   */
  CentroidCodes rearranged(short[] halfCentroids, int[] from, float[] row, byte[] b, long[] words) {
    int rows = from.length;
    int kept = kept(from);
    // The rows encoded anew or those of these left out, whichever are more: two for a split (its two halves for one
    // row) or a merge (one row for two), one for a child taken out. Either moves the rows' mean by about a row's
    // distance from it over the rows, so a quarter of the rows changed moves it by about a quarter of that distance.
    int changes = changedRows + Math.max(rows - kept, scales.length - kept);
    if (changes * 4 > centeredRows) {
      return of(halfCentroids, rows, dim);
    }
    CentroidCodes c = new CentroidCodes(rows, dim, center, centeredRows, changes);
    for (int i = 0; i < rows; i++) {
      int s = from[i];
      if (s >= 0) {
        System.arraycopy(codes, s * dim, c.codes, i * dim, dim);
        c.scales[i] = scales[s];
        float factor = sketches.get(LE_FLOAT, sketchLayout.factorOffset(s));
        c.sketches.set(LE_FLOAT, c.sketchLayout.factorOffset(i), factor);
        for (int w = 0; w < sketchLayout.words(); w++) { // the sketch's words, not the caller's buffer's
          long word = sketches.get(LE_LONG, sketchLayout.wordOffset(w, s));
          c.sketches.set(LE_LONG, c.sketchLayout.wordOffset(w, i), word);
        }
      } else {
        for (int j = 0; j < dim; j++) {
          row[j] = Float.float16ToFloat(halfCentroids[i * dim + j]);
        }
        c.set(i, row, b, words);
      }
    }
    return c;
  }

  /**
   * True if the center is the mean of these rows as they were made: codes made by {@link #of}, or rearranged ones
   * that took their center again. A node whose codes are so made has its row in its parent set from {@link
   * #centerDirection} (TreeWriter), as a new node's is.
   */
  boolean centeredOnRows() {
    return changedRows == 0;
  }

  /** The direction of the center (the rows' mean if {@link #centeredOnRows}): a copy. */
  float[] centerDirection() {
    return Vectors.direction(center);
  }

  private static int kept(int[] from) {
    int n = 0;
    for (int s : from) {
      n += s >= 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * Re-encodes row {@code i} from a unit vector: its codes and its sketch (around the fixed center), through the
   * caller's buffers {@code b} ({@code dim} codes) and {@code words} (the sketch's), which both are written whole.
   */
  void set(int i, float[] unit, byte[] b, long[] words) {
    float scale = Int8Quantizer.quantize(unit, b);
    System.arraycopy(b, 0, codes, i * dim, dim);
    scales[i] = scale;
    float factor = SignSketch.sketch(unit, center, words);
    sketches.set(LE_FLOAT, sketchLayout.factorOffset(i), factor);
    for (int w = 0; w < words.length; w++) {
      sketches.set(LE_LONG, sketchLayout.wordOffset(w, i), words[w]);
    }
  }

  /**
   * Estimates every row's dot product with unit query {@code q} from the sketches into {@code out}
   * (room for {@link #sketchStride} values). {@code sketch} is {@code q} prepared for sketches around any
   * center: the estimate's term for this center is computed here.
   */
  void estimate(VectorKernels kernels, float[] q, SketchQuery sketch, float[] out) {
    SketchQuery around = sketch.withCenterDot(kernels.dotF32(q, 0, center, 0, dim));
    kernels.sketchScores(around, sketches, 0, sketchLayout, rows(), out);
  }

  /** Sketches in the block (the rows, rounded up to whole kernel vectors). */
  int sketchStride() {
    return sketchLayout.stride();
  }

  MemorySegment segment() {
    return codeSegment;
  }

  int rows() {
    return scales.length;
  }

  float scale(int i) {
    return scales[i];
  }

  /** Bytes held: codes, scales, sketches and their center. */
  long bytes() {
    return codes.length + (long) (scales.length + center.length) * Float.BYTES + sketches.byteSize();
  }
}
