package dev.aeon.index.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One-bit sketches: the estimate means what its formula says, and the SIMD kernel matches the scalar one. */
class SketchKernelsTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());
  private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FACTOR = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  static {
    System.out.println("SketchKernelsTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
  }

  /**
   * The estimate equals {@code <q, center> + f * sum_i sign(v_i - center_i) * q'_i}, with {@code q'} the
   * query rounded to its 16 levels, computed here directly from the definition.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 63, 64, 65, 383, 384, 784, 1023})
  void theEstimateFollowsItsDefinition(int dim) {
    Random r = new Random(SEED + dim);
    float[] q = unit(r, dim), center = new float[dim], v = unit(r, dim);
    for (int i = 0; i < dim; i++) {
      center[i] = (float) (0.1 * r.nextGaussian() / Math.sqrt(dim));
    }
    long[] sketch = new long[SignSketch.words(dim)];
    float factor = SignSketch.sketch(v, center, sketch);
    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
    for (float x : q) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    double step = (max - min) / 15.0, expected = 0, squares = 0, abs = 0;
    for (int i = 0; i < dim; i++) {
      double d = v[i] - center[i];
      squares += d * d;
      abs += Math.abs(d);
      expected += (double) q[i] * center[i];
      boolean bit = (sketch[i >>> 6] >>> i & 1) != 0;
      assertEquals(d > 0, bit, "bit " + i);
    }
    assertEquals(squares / abs, factor, 1e-5 * Math.max(1, factor));
    // A component halfway between two levels may round either way in float arithmetic: allow one level for it.
    double ties = 0;
    for (int i = 0; i < dim; i++) {
      double levels = (q[i] - min) / step;
      double rounded = min + step * Math.round(levels);
      expected += factor * (v[i] > center[i] ? rounded : -rounded);
      if (Math.abs(levels - Math.floor(levels) - 0.5) < 1e-3) {
        ties += factor * step;
      }
    }
    float[] out = score(ScalarKernels.INSTANCE, SketchQuery.of(q, center), new long[][] {sketch}, new float[] {factor},
        1);
    assertEquals(expected, out[0], 1e-4 + ties);
    for (int w = 0; w < sketch.length; w++) {
      int used = Math.min(64, dim - 64 * w);
      assertEquals(0, used == 64 ? 0 : sketch[w] >>> used, "bits beyond the dimension are zero");
    }
  }

  /** The sketch carries the signal: among random vectors, a vector near the query is estimated near the top. */
  @Test
  void aNearVectorIsEstimatedAmongTheBest() {
    Random r = new Random(SEED);
    int dim = 384, n = 1000;
    float[] center = new float[dim];
    long[][] sketches = new long[n][SignSketch.words(dim)];
    float[] factors = new float[n];
    float[] q = unit(r, dim);
    for (int i = 0; i < n; i++) {
      float[] v = unit(r, dim);
      if (i == 0) {
        for (int d = 0; d < dim; d++) {
          v[d] = q[d] + 0.5f * v[d]; // cosine about 0.9 with q
        }
        v = normalise(v);
      }
      factors[i] = SignSketch.sketch(v, center, sketches[i]);
    }
    float[] est = score(Kernels.best(), SketchQuery.of(q, center), sketches, factors, n);
    int better = 0;
    for (int i = 1; i < n; i++) {
      better += est[i] >= est[0] ? 1 : 0;
    }
    assertTrue(better <= 10, better + " random vectors estimated at least as high as the near one");
  }

  /**
   * Native (the SIMD path) and heap segments; blocks that are and are not multiples of the lanes, full and
   * partial last blocks.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 63, 64, 65, 383, 384, 784, 1023})
  void simdMatchesScalarExactly(int dim) {
    VectorKernels simd = Kernels.simd().orElseThrow();
    Random r = new Random(SEED * 7 + dim);
    float[] q = unit(r, dim), center = new float[dim];
    SketchQuery query = SketchQuery.of(q, center);
    for (int stride : new int[] {5, 8, 16}) {
      for (int count : new int[] {1, 5, 8, 16, 17, 40}) {
        long[][] sketches = new long[count][SignSketch.words(dim)];
        float[] factors = new float[count];
        for (int i = 0; i < count; i++) {
          factors[i] = SignSketch.sketch(unit(r, dim), center, sketches[i]);
        }
        assertArrayEquals(score(ScalarKernels.INSTANCE, query, sketches, factors, stride),
            score(simd, query, sketches, factors, stride), "stride " + stride + ", count " + count);
      }
    }
  }

  @Test
  void sketchesOutsideTheSegmentAreRejected() {
    SketchQuery query = SketchQuery.of(new float[128], new float[128]);
    SketchBlocks layout = new SketchBlocks(8, 2);
    MemorySegment s = MemorySegment.ofArray(new byte[layout.blockBytes()]);
    float[] out = new float[16];
    for (VectorKernels k : new VectorKernels[] {ScalarKernels.INSTANCE, Kernels.best()}) {
      k.sketchScores(query, s, 0, layout, 8, out);
      assertThrows(IndexOutOfBoundsException.class, () -> k.sketchScores(query, s, 8, layout, 8, out));
      assertThrows(IndexOutOfBoundsException.class, () -> k.sketchScores(query, s, 0, layout, 9, out));
      assertThrows(IllegalArgumentException.class, () -> k.sketchScores(query, s, 0, new SketchBlocks(8, 3), 8, out));
      assertThrows(IllegalArgumentException.class, () -> k.sketchScores(query, s, 0, layout, 8, new float[4]));
    }
  }

  /**
   * Lays the sketches out in blocks of {@code stride} ({@link SketchBlocks}), in native memory, and scores
   * them with {@code kernels}; checks that a heap copy and a segment cut right after the last sketch score
   * the same.
   */
  private static float[] score(VectorKernels kernels, SketchQuery query, long[][] sketches, float[] factors,
      int stride) {
    int count = sketches.length;
    SketchBlocks layout = new SketchBlocks(stride, query.words());
    int blocks = (count + stride - 1) / stride;
    float[] out = new float[count];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = arena.allocate(8 + (long) blocks * layout.blockBytes());
      for (int i = 0; i < count; i++) {
        long block = 8 + (long) (i / stride) * layout.blockBytes();
        s.set(FACTOR, block + layout.factorOffset(i % stride), factors[i]);
        for (int w = 0; w < query.words(); w++) {
          s.set(WORD, block + layout.wordOffset(w, i % stride), sketches[i][w]);
        }
      }
      kernels.sketchScores(query, s, 8, layout, count, out);
      float[] heapOut = new float[count];
      kernels.sketchScores(query, MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_LONG)), 8, layout, count, heapOut);
      assertArrayEquals(out, heapOut, "heap and native segments");
      // A segment that ends at the last sketch's last word (the partial last group cannot be read whole).
      int last = count - (blocks - 1) * stride;
      long end = 8 + (long) (blocks - 1) * layout.blockBytes() + layout.wordOffset(query.words() - 1, last);
      float[] trimmedOut = new float[count];
      kernels.sketchScores(query, s.asSlice(0, end), 8, layout, count, trimmedOut);
      assertArrayEquals(out, trimmedOut, "a segment that ends with the last sketch");
    }
    return out;
  }

  private static float[] unit(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return normalise(v);
  }

  private static float[] normalise(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }

  /**
   * The sketch as it was first written (the array cleared, each bit or-ed in behind a branch): the bits and the
   * factor's bits must not move, as a routing node's sketches are compared and persisted through them.
   */
  @Test
  void sketchIsTheFirstVersionsBitForBit() {
    java.util.Random r = new java.util.Random(11);
    for (int dim : new int[] {1, 63, 64, 65, 127, 128, 383, 384, 768}) {
      for (int trial = 0; trial < 20; trial++) {
        float[] v = new float[dim], center = new float[dim];
        for (int i = 0; i < dim; i++) {
          v[i] = i % 7 == 0 ? 0f : (float) r.nextGaussian();
          center[i] = i % 5 == 0 ? v[i] : (float) (r.nextGaussian() * 0.1);
        }
        long[] expected = new long[SignSketch.words(dim)], actual = new long[SignSketch.words(dim)];
        java.util.Arrays.fill(actual, -1L); // what a buffer held before: every word is written whole
        float expectedFactor = firstVersion(v, center, expected);
        float factor = SignSketch.sketch(v, center, actual);
        assertArrayEquals(expected, actual, "bits, " + dim + " dims");
        assertEquals(Float.floatToRawIntBits(expectedFactor), Float.floatToRawIntBits(factor),
            "factor, " + dim + " dims");
      }
    }
    long[] equal = new long[SignSketch.words(3)];
    assertEquals(0f, SignSketch.sketch(new float[] {1, 2, 3}, new float[] {1, 2, 3}, equal));
    assertArrayEquals(new long[] {0}, equal);
  }

  private static float firstVersion(float[] v, float[] center, long[] out) {
    java.util.Arrays.fill(out, 0L);
    double squares = 0, abs = 0;
    for (int i = 0; i < v.length; i++) {
      float r = v[i] - center[i];
      squares += (double) r * r;
      abs += Math.abs(r);
      if (r > 0) {
        out[i >>> 6] |= 1L << i;
      }
    }
    return abs == 0 ? 0f : (float) (squares / abs);
  }
}
