package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The arithmetic the index scores with. Offsets are in bytes; FP32 values are little-endian (native on
 * every platform we run on); INT8 codes are one signed byte each.
 *
 * <p>Implementations must agree exactly on integer results and within float rounding on FP32 results.
 */
public sealed interface VectorKernels permits ScalarKernels, SimdKernels, VnniKernels {

  /** Name for logs and benchmark tables, e.g. {@code "simd-512"} or {@code "scalar"}. */
  String name();

  /** Dot product of two FP32 vectors of {@code dim} components. */
  float dotF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim);

  /**
   * {@link #dotF32(MemorySegment, long, MemorySegment, long, int)} of two heap arrays ({@code dim}
   * components from element offsets): for vectors that live on the heap (routing centroids, k-means,
   * the lookaside buffer's queries), without wrapping them in segments.
   */
  float dotF32(float[] a, int aOffset, float[] b, int bOffset, int dim);

  /** Squared Euclidean distance of two FP32 vectors. */
  float squaredL2F32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim);

  /** Cosine similarity of two FP32 vectors; 0 if either has zero norm. */
  float cosineF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim);

  /** Exact dot product of two INT8 code vectors (any byte values). */
  int dotI8(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim);

  /**
   * Bulk scoring: the dot product of one query code vector ({@link Int8Query#of}, prepared once per search)
   * against {@code count} code vectors of
   * {@code query.dim()} codes stored contiguously (vector {@code i} at {@code codesOffset + i * dim}),
   * written to {@code out[0..count)}.
   *
   * <p>Codes must lie in [-127, 127], as {@link Int8Quantizer} produces; the SIMD path relies on it to
   * add two products in 16 bits before widening. The caller keeps {@code codes} mapped until the call
   * returns: the VNNI kernel does not hold a shared arena open meanwhile ({@code VnniBulkDot}).
   */
  void bulkDotI8(Int8Query query, MemorySegment codes, long codesOffset, int count, int[] out);

  /**
   * Sketch scoring: estimates of {@code <q, v>} ({@link SignSketch}) for {@code count} sketches stored in
   * consecutive blocks of {@code stride} sketches ({@link SketchBlocks}: the factors, then the words
   * word-major), the first block at {@code offset}; every block but the last is full. Writes
   * {@code out[0..count)}.
   */
  void sketchScores(SketchQuery query, MemorySegment blocks, long offset, SketchBlocks layout, int count, float[] out);

  /**
   * {@link Int8Quantizer}'s rule: writes the INT8 codes of {@code v} into {@code codes} (same length) and
   * returns the scale. Every implementation gives exactly the codes and scale of
   * {@link Int8Quantizer#quantizeScalar}.
   */
  float quantizeI8(float[] v, byte[] codes);

  /**
   * Adds {@code dim} floats of {@code src} from {@code srcOffset} into {@code dst} from {@code dstOffset}, each
   * {@code dst[i] += src[i]}: one rounding per element, so every implementation gives exactly the bits of this
   * loop, and a sum of rows added one after the other is the same whichever kernels added them (2-means'
   * cluster sums). The arrays are distinct, or the ranges are the same.
   */
  default void addF32(float[] src, int srcOffset, float[] dst, int dstOffset, int dim) {
    java.util.Objects.checkFromIndexSize(srcOffset, dim, src.length);
    java.util.Objects.checkFromIndexSize(dstOffset, dim, dst.length);
    for (int i = 0; i < dim; i++) {
      dst[dstOffset + i] += src[srcOffset + i];
    }
  }

  /** {@link #bulkDotI8(Int8Query, MemorySegment, long, int, int[])} of a query used once. */
  default void bulkDotI8(MemorySegment query, long queryOffset, MemorySegment codes, long codesOffset,
      int dim, int count, int[] out) {
    bulkDotI8(Int8Query.of(query, queryOffset, dim), codes, codesOffset, count, out);
  }
}
