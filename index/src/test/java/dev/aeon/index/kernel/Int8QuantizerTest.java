package dev.aeon.index.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Error bounds of the INT8 quantization on L2-normalised vectors. */
class Int8QuantizerTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 383, 384, 767, 768, 1023, 1536})
  void reconstructionErrorIsAtMostHalfAStep(int dim) {
    Random r = new Random(SEED + dim);
    for (int trial = 0; trial < 50; trial++) {
      float[] v = unit(r, dim);
      byte[] codes = new byte[dim];
      float scale = Int8Quantizer.quantize(v, codes);
      float[] back = new float[dim];
      Int8Quantizer.dequantize(codes, scale, back);
      // Half a step, plus the float rounding of v / scale and of code * scale: each is off by up to half
      // an ulp of a value as large as the largest component, 127 steps.
      float bound = scale * (0.5f + 2 * Int8Quantizer.MAX_CODE * Math.ulp(1f));
      for (int i = 0; i < dim; i++) {
        assertTrue(codes[i] >= -127, "code -128 must never be produced");
        assertTrue(Math.abs(back[i] - v[i]) <= bound,
            "seed " + SEED + " dim " + dim + " component " + i + ": error " + Math.abs(back[i] - v[i]) / scale
                + " steps");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 384, 768, 1536})
  void scoreErrorAgainstFp32IsSmall(int dim) {
    Random r = new Random(SEED ^ (dim * 7919L));
    double worst = 0;
    for (int trial = 0; trial < 200; trial++) {
      float[] a = unit(r, dim), b = unit(r, dim);
      byte[] ca = new byte[dim], cb = new byte[dim];
      float sa = Int8Quantizer.quantize(a, ca), sb = Int8Quantizer.quantize(b, cb);
      float approx = Int8Quantizer.score(Kernels.dot(ca, cb), sa, sb);
      worst = Math.max(worst, Math.abs(approx - Kernels.dot(a, b)));
      // A bound that follows from the per-component error: |a.b - a'.b'| <= |a-a'||b| + |a'||b-b'|,
      // with |x - x'| <= sqrt(dim) * scale / 2.
      double bound = Math.sqrt(dim) * (sa + sb) / 2 * 1.01 + 1e-6;
      assertTrue(Math.abs(approx - Kernels.dot(a, b)) <= bound, "seed " + SEED + " dim " + dim);
    }
    // On random unit vectors the typical error is far smaller than the worst-case bound.
    assertTrue(worst < 0.02, "worst score error " + worst + " at dim " + dim);
  }

  @Test
  void zeroVectorHasZeroScaleAndCodes() {
    byte[] codes = {5, 5, 5};
    assertEquals(0f, Int8Quantizer.quantize(new float[3], codes));
    assertEquals(0, Kernels.dot(codes, codes));
  }

  @Test
  void largestComponentMapsToFullScale() {
    byte[] codes = new byte[3];
    Int8Quantizer.quantize(new float[] {0.5f, -1f, 0.25f}, codes);
    assertEquals(-127, codes[1]);
    assertEquals(64, codes[0]);
    assertThrows(IllegalArgumentException.class, () -> Int8Quantizer.quantize(new float[3], new byte[2]));
  }

  @Test
  void scalarAndSimdBulkAgreeOnQuantizedPages() {
    Random r = new Random(SEED);
    int dim = 384, count = 64;
    byte[] page = new byte[dim * count];
    byte[] one = new byte[dim];
    for (int v = 0; v < count; v++) {
      Int8Quantizer.quantize(unit(r, dim), one);
      System.arraycopy(one, 0, page, v * dim, dim);
    }
    byte[] q = new byte[dim];
    Int8Quantizer.quantize(unit(r, dim), q);
    int[] a = new int[count], b = new int[count];
    ScalarKernels.INSTANCE.bulkDotI8(MemorySegment.ofArray(q), 0, MemorySegment.ofArray(page), 0, dim, count, a);
    Kernels.best().bulkDotI8(MemorySegment.ofArray(q), 0, MemorySegment.ofArray(page), 0, dim, count, b);
    assertArrayEquals(a, b);
  }

  /**
   * Every kernel quantizes exactly as the scalar rule: values that land on a half step (both signs),
   * signed zeros, values that scale to just above 127, tiny and huge magnitudes, every length class.
   */
  @Test
  void everyKernelQuantizesExactlyAsTheScalarRule() {
    Random r = new Random(SEED);
    java.util.List<VectorKernels> kernels = new java.util.ArrayList<>(java.util.List.of(Kernels.best()));
    Kernels.simd().ifPresent(kernels::add);
    for (int dim = 1; dim <= 300; dim += dim < 40 ? 1 : 37) {
      for (int round = 0; round < 40; round++) {
        float[] v = new float[dim];
        float magnitude = (float) Math.pow(10, r.nextInt(60) - 30);
        for (int i = 0; i < dim; i++) {
          v[i] = switch (r.nextInt(6)) {
            case 0 -> (r.nextInt(255) - 127 + 0.5f) * magnitude / 127; // about a half step
            case 1 -> r.nextBoolean() ? 0f : -0f;
            case 2 -> (r.nextBoolean() ? 1 : -1) * magnitude;
            default -> (float) r.nextGaussian() * magnitude;
          };
        }
        byte[] expected = new byte[dim];
        float expectedScale = Int8Quantizer.quantizeScalar(v, expected);
        for (VectorKernels k : kernels) {
          byte[] codes = new byte[dim];
          assertEquals(expectedScale, k.quantizeI8(v, codes), k.name() + ", dim " + dim + ", seed " + SEED);
          assertArrayEquals(expected, codes, k.name() + ", dim " + dim + ", seed " + SEED);
        }
      }
    }
  }

  static float[] unit(Random r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(n));
    for (int i = 0; i < dim; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
