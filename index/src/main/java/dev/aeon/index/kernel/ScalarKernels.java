package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Plain loops: the reference the SIMD kernels are tested against, and the fallback without the Vector API. */
public final class ScalarKernels implements VectorKernels {

  static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  public static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dotF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    float sum = 0f;
    for (int i = 0; i < dim; i++) {
      long o = (long) i * Float.BYTES;
      sum = Math.fma(a.get(FLOAT_LE, aOffset + o), b.get(FLOAT_LE, bOffset + o), sum);
    }
    return sum;
  }

  @Override
  public float dotF32(float[] a, int aOffset, float[] b, int bOffset, int dim) {
    java.util.Objects.checkFromIndexSize(aOffset, dim, a.length);
    java.util.Objects.checkFromIndexSize(bOffset, dim, b.length);
    float sum = 0f;
    for (int i = 0; i < dim; i++) {
      sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
    }
    return sum;
  }

  @Override
  public float squaredL2F32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    float sum = 0f;
    for (int i = 0; i < dim; i++) {
      long o = (long) i * Float.BYTES;
      float d = a.get(FLOAT_LE, aOffset + o) - b.get(FLOAT_LE, bOffset + o);
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  @Override
  public float cosineF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    float dot = 0f, na = 0f, nb = 0f;
    for (int i = 0; i < dim; i++) {
      long o = (long) i * Float.BYTES;
      float x = a.get(FLOAT_LE, aOffset + o), y = b.get(FLOAT_LE, bOffset + o);
      dot = Math.fma(x, y, dot);
      na = Math.fma(x, x, na);
      nb = Math.fma(y, y, nb);
    }
    return Kernels.cosineFromParts(dot, na, nb);
  }

  @Override
  public int dotI8(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    int sum = 0;
    for (int i = 0; i < dim; i++) {
      sum += a.get(ValueLayout.JAVA_BYTE, aOffset + i) * b.get(ValueLayout.JAVA_BYTE, bOffset + i);
    }
    return sum;
  }

  @Override
  public void bulkDotI8(Int8Query query, MemorySegment codes, long codesOffset, int count, int[] out) {
    int dim = query.dim();
    Kernels.checkBulk(codes, codesOffset, dim, count, out);
    MemorySegment q = query.codeSegment();
    for (int v = 0; v < count; v++) {
      out[v] = dotI8(q, 0, codes, codesOffset + (long) v * dim, dim);
    }
  }

  @Override
  public float quantizeI8(float[] v, byte[] codes) {
    return Int8Quantizer.quantizeScalar(v, codes);
  }

  @Override
  public void sketchScores(SketchQuery query, MemorySegment blocks, long offset, SketchBlocks layout, int count,
      float[] out) {
    Kernels.checkSketches(query, blocks, offset, layout, count, out);
    for (int first = 0; first < count; first += layout.stride(), offset += layout.blockBytes()) {
      sketchBlock(query, blocks, offset, layout, 0, Math.min(layout.stride(), count - first), out, first);
    }
  }

  /**
   * Scores sketches [from, to) of the block at {@code block} into {@code out[at + from ..]}: the whole job
   * here, the remainder of each block for the SIMD kernel.
   */
  void sketchBlock(SketchQuery query, MemorySegment blocks, long block, SketchBlocks layout, int from, int to,
      float[] out, int at) {
    for (int v = from; v < to; v++) {
      long ones = 0, weighted = 0;
      for (int w = 0; w < layout.words(); w++) {
        long b = blocks.get(LONG_LE, block + layout.wordOffset(w, v));
        ones += Long.bitCount(b);
        weighted += Long.bitCount(b & query.plane(w, 0)) + 2 * Long.bitCount(b & query.plane(w, 1))
            + 4 * Long.bitCount(b & query.plane(w, 2)) + 8 * Long.bitCount(b & query.plane(w, 3));
      }
      out[at + v] = query.estimate(ones, weighted, blocks.get(FLOAT_LE, block + layout.factorOffset(v)));
    }
  }
}
