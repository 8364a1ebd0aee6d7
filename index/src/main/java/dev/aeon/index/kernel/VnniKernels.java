package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The SIMD kernels with bulk INT8 scoring done by {@link VnniBulkDot} (AVX-512 VNNI machine code); every
 * other kernel is the Vector API's. {@link Kernels} chooses this when the CPU and the JVM allow it.
 */
public final class VnniKernels implements VectorKernels {

  private final VectorKernels simd;

  VnniKernels(VectorKernels simd) {
    this.simd = simd;
  }

  @Override
  public String name() {
    return simd.name() + "+vnni";
  }

  @Override
  public float dotF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    return simd.dotF32(a, aOffset, b, bOffset, dim);
  }

  @Override
  public float dotF32(float[] a, int aOffset, float[] b, int bOffset, int dim) {
    return simd.dotF32(a, aOffset, b, bOffset, dim);
  }

  @Override
  public float squaredL2F32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    return simd.squaredL2F32(a, aOffset, b, bOffset, dim);
  }

  @Override
  public float cosineF32(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    return simd.cosineF32(a, aOffset, b, bOffset, dim);
  }

  @Override
  public int dotI8(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    return simd.dotI8(a, aOffset, b, bOffset, dim);
  }

  @Override
  public void bulkDotI8(Int8Query query, MemorySegment codes, long codesOffset, int count, int[] out) {
    VnniBulkDot.bulkDotI8(query, codes, codesOffset, count, out);
  }

  @Override
  public void addF32(float[] src, int srcOffset, float[] dst, int dstOffset, int dim) {
    simd.addF32(src, srcOffset, dst, dstOffset, dim);
  }

  @Override
  public float quantizeI8(float[] v, byte[] codes) {
    return simd.quantizeI8(v, codes);
  }

  @Override
  public void sketchScores(SketchQuery query, MemorySegment blocks, long offset, SketchBlocks layout, int count,
      float[] out) {
    simd.sketchScores(query, blocks, offset, layout, count, out);
  }
}
