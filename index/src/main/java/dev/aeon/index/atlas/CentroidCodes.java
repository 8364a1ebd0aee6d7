package dev.aeon.index.atlas;

import dev.aeon.index.kernel.Int8Quantizer;
import java.lang.foreign.MemorySegment;

/**
 * INT8 codes of a routing node's centroid rows, which the descent scores with the bulk kernel.
 *
 * <p>Why: the FP32 rows are four times larger, and a descent to a few dozen leaves reads hundreds of
 * rows per query, so on data sets larger than the cache the FP32 descent cost as much memory traffic as
 * the leaves' codes. The FP32 rows stay in {@link Node.Children} for the writer and the manifest.
 *
 * <p>The codes live in a heap array, as the query's do: the kernel reads heap arrays with array loads
 * and native segments with segment loads, and its notes say that a segment-load site that sees more
 * than one kind of segment compiles to a slow generic path; so the mapped pages stay the only native
 * segments it is given (an arena's segment is another class; a difference was not measurable on the
 * shared machine, so this is a precaution). A row rewritten in place while a reader scores it may be
 * read half old, half new, which only nudges routing (see {@link Node}).
 */
final class CentroidCodes {

  private final byte[] codes;
  private final float[] scales;
  private final int dim;

  private CentroidCodes(int rows, int dim) {
    this.dim = dim;
    this.codes = new byte[rows * dim];
    this.scales = new float[rows];
  }

  /** Codes for the {@code rows} unit rows of {@code centroids}. */
  static CentroidCodes of(float[] centroids, int rows, int dim) {
    CentroidCodes c = new CentroidCodes(rows, dim);
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

  /** Bytes held: codes and scales. */
  long bytes() {
    return codes.length + (long) scales.length * Float.BYTES;
  }
}
