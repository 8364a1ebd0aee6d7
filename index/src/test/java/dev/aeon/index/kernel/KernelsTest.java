package dev.aeon.index.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Runs the SIMD kernels against the scalar reference on odd and prime lengths and random data. */
class KernelsTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());
  private static final VectorKernels SCALAR = ScalarKernels.INSTANCE;
  private static final VectorKernels SIMD = Kernels.simd()
      .orElseThrow(() -> new AssertionError("the tests run with --add-modules jdk.incubator.vector"));

  static {
    System.out.println("KernelsTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
  }

  /** 2-means' cluster sums: rows added one after the other must have the same bits whichever kernels add them. */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 15, 16, 17, 31, 383, 384, 767, 1536})
  void addF32IsTheScalarLoopBitForBit(int dim) {
    Random r = new Random(SEED + dim);
    int rows = 40;
    float[] data = new float[rows * dim + 5];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 11 == 0 ? -0f : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
    }
    for (VectorKernels k : List.of(SCALAR, SIMD, Kernels.best())) {
      float[] expected = new float[3 * dim + 2], actual = new float[3 * dim + 2];
      for (int i = 0; i < rows; i++) {
        int src = i * dim + (i % 5), dst = (i % 3) * dim + 1; // offsets as the rows and clusters of 2-means
        for (int j = 0; j < dim; j++) {
          expected[dst + j] += data[src + j];
        }
        k.addF32(data, src, actual, dst, dim);
      }
      for (int j = 0; j < expected.length; j++) {
        assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
            k.name() + ": element " + j + " of " + expected.length);
      }
      float[] tooShort = new float[dim]; // one short from offset 1
      assertThrows(IndexOutOfBoundsException.class, () -> k.addF32(data, 0, tooShort, 1, dim));
    }
  }

  @Test
  void bestIsSimdWhenTheVectorApiIsLoaded() {
    assumeTrue(System.getProperty("aeon.kernels") == null, "the kernels are chosen by -Daeon.kernels");
    assertTrue(Kernels.best() instanceof SimdKernels || Kernels.best() instanceof VnniKernels,
        "expected SIMD kernels, got " + Kernels.best().name());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 383, 384, 767, 768, 1023, 1536})
  void fp32KernelsMatchScalar(int dim) {
    Random r = new Random(SEED + dim);
    for (int trial = 0; trial < 20; trial++) {
      float[] a = randomFloats(r, dim), b = randomFloats(r, dim);
      MemorySegment sa = MemorySegment.ofArray(a), sb = MemorySegment.ofArray(b);
      double tolerance = 1e-4 * dim;
      assertEquals(SCALAR.dotF32(sa, 0, sb, 0, dim), SIMD.dotF32(sa, 0, sb, 0, dim), tolerance, "dot");
      assertEquals(SCALAR.squaredL2F32(sa, 0, sb, 0, dim), SIMD.squaredL2F32(sa, 0, sb, 0, dim), tolerance, "l2");
      assertEquals(SCALAR.cosineF32(sa, 0, sb, 0, dim), SIMD.cosineF32(sa, 0, sb, 0, dim), 1e-5, "cosine");
      assertEquals(exactDot(a, b), SIMD.dotF32(sa, 0, sb, 0, dim), tolerance, "dot vs double");
      assertEquals(SCALAR.dotF32(a, 0, b, 0, dim), SIMD.dotF32(a, 0, b, 0, dim), tolerance, "dot of arrays");
      assertEquals(exactDot(a, b), SIMD.dotF32(a, 0, b, 0, dim), tolerance, "dot of arrays vs double");
      if (dim > 2) { // from an offset, as the routing tree's packed centroids are read
        float[] shifted = new float[dim + 3];
        System.arraycopy(b, 1, shifted, 3, dim - 1);
        assertEquals(SCALAR.dotF32(a, 1, shifted, 3, dim - 1), SIMD.dotF32(a, 1, shifted, 3, dim - 1), tolerance,
            "dot of arrays at offsets");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 383, 384, 767, 768, 1023, 1536})
  void int8KernelsAreExact(int dim) {
    Random r = new Random(SEED ^ dim);
    for (int trial = 0; trial < 20; trial++) {
      byte[] a = new byte[dim], b = new byte[dim];
      r.nextBytes(a); // the generic dot takes any byte, -128 included
      r.nextBytes(b);
      int expected = 0;
      for (int i = 0; i < dim; i++) {
        expected += a[i] * b[i];
      }
      assertEquals(expected, SCALAR.dotI8(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, dim));
      assertEquals(expected, SIMD.dotI8(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, dim));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 383, 384, 767, 768, 1023, 1536})
  void bulkScoringOfAMappedPageMatchesScalar(int dim) {
    Random r = new Random(SEED * 31 + dim);
    int count = 67; // not a multiple of anything the kernel unrolls by
    long pageOffset = 13; // codes need not be aligned
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment page = arena.allocate(pageOffset + (long) count * dim);
      for (long i = 0; i < page.byteSize(); i++) {
        page.set(ValueLayout.JAVA_BYTE, i, (byte) (r.nextInt(255) - 127));
      }
      byte[] q = new byte[dim];
      for (int i = 0; i < dim; i++) {
        q[i] = (byte) (r.nextBoolean() ? 127 : -127); // the extremes stress the 16-bit pair sums
      }
      MemorySegment query = MemorySegment.ofArray(q);
      int[] expected = new int[count], actual = new int[count];
      SCALAR.bulkDotI8(query, 0, page, pageOffset, dim, count, expected);
      SIMD.bulkDotI8(query, 0, page, pageOffset, dim, count, actual);
      assertArrayEquals(expected, actual);
      for (int v = 0; v < count; v++) {
        assertEquals(SCALAR.dotI8(query, 0, page, pageOffset + (long) v * dim, dim), actual[v]);
      }
    }
  }

  /**
   * A query prepared once scores page after page like the one-shot form, with either kernels; preparing
   * copies the codes, so the caller may reuse its array. One prepared from an array it owns scores the same.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 31, 384, 767, 768, 784})
  void aPreparedQueryScoresLikeTheOneShotFormWithEitherKernels(int dim) {
    Random r = new Random(SEED * 17 + dim);
    int count = 9;
    byte[] q = new byte[dim], page = new byte[dim * count];
    for (int i = 0; i < dim; i++) {
      q[i] = (byte) (r.nextInt(255) - 127);
    }
    MemorySegment codes = MemorySegment.ofArray(page);
    Int8Query prepared = Int8Query.of(q);
    byte[] original = q.clone();
    java.util.Arrays.fill(q, (byte) 0);
    Int8Query owned = Int8Query.ofOwned(original.clone());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < page.length; i++) {
        page[i] = (byte) (r.nextInt(255) - 127);
      }
      int[] expected = new int[count];
      SCALAR.bulkDotI8(MemorySegment.ofArray(original), 0, codes, 0, dim, count, expected);
      for (VectorKernels k : List.of(SIMD, SCALAR)) {
        int[] out = new int[count];
        k.bulkDotI8(prepared, codes, 0, count, out);
        assertArrayEquals(expected, out, k.name());
        k.bulkDotI8(owned, codes, 0, count, out);
        assertArrayEquals(expected, out, k.name() + ", owned codes");
      }
    }
  }

  @Test
  void extremeCodesDoNotOverflowTheBulkKernel() {
    int dim = 1536, count = 3;
    byte[] q = new byte[dim], codes = new byte[dim * count];
    java.util.Arrays.fill(q, (byte) -127);
    java.util.Arrays.fill(codes, (byte) -127);
    int[] out = new int[count];
    SIMD.bulkDotI8(MemorySegment.ofArray(q), 0, MemorySegment.ofArray(codes), 0, dim, count, out);
    assertArrayEquals(new int[] {dim * 127 * 127, dim * 127 * 127, dim * 127 * 127}, out);
  }

  @Test
  void bulkRejectsCodesOutsideTheSegment() {
    byte[] codes = new byte[100];
    int[] out = new int[4];
    assertThrows(IndexOutOfBoundsException.class, () ->
        SIMD.bulkDotI8(MemorySegment.ofArray(new byte[32]), 0, MemorySegment.ofArray(codes), 0, 32, 4, out));
    assertThrows(IllegalArgumentException.class, () ->
        SIMD.bulkDotI8(MemorySegment.ofArray(new byte[32]), 0, MemorySegment.ofArray(codes), 0, 32, 5, out));
  }

  @Test
  void heapArrayFormsUseTheSameKernels() {
    float[] a = {1, 2, 3}, b = {4, 5, 6};
    assertEquals(32f, Kernels.dot(a, b), 0f);
    assertEquals(27f, Kernels.squaredL2(a, b), 0f);
    assertEquals(32 / Math.sqrt(14 * 77.0), Kernels.cosine(a, b), 1e-6);
    assertEquals(0f, Kernels.cosine(new float[3], b), 0f);
    assertEquals(-14, Kernels.dot(new byte[] {1, -2, 3}, new byte[] {-1, 2, -3}));
    assertThrows(IllegalArgumentException.class, () -> Kernels.dot(new float[2], new float[3]));
  }

  private static float[] randomFloats(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static double exactDot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
