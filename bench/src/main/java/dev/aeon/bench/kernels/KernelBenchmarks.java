package dev.aeon.bench.kernels;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.Int8Query;
import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.ScalarKernels;
import dev.aeon.index.kernel.VectorKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One query against stored vectors: single-pair kernels (ours, scalar, Lucene's) and bulk scoring of a
 * page of 64 or 256 INT8 codes in an off-heap segment, the layout Atlas pages use (FP32 vectors are
 * heap arrays, INT8 codes off-heap, as in the index). Every benchmark
 * returns its result so JMH consumes it; the setup checks that our kernels agree with Lucene's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KernelBenchmarks {

  /** Vectors per page in the bulk benchmarks; ns per vector = score / page size. */
  public static final int INDEX_PAGE = 8; // an Atlas page (AtlasConfig.DEFAULT_PAGE_CAPACITY): one call each
  public static final int SMALL_PAGE = 64;
  public static final int LARGE_PAGE = 256;

  @Param({"384", "768", "1024"})
  public int dim;

  private final VectorKernels simd = Kernels.best();
  /** The Vector API's bulk kernel, measured beside the VNNI machine code that {@link Kernels#best()} may use. */
  private final VectorKernels vectorApi = Kernels.simd().orElseThrow();
  private final VectorKernels scalar = ScalarKernels.INSTANCE;
  private float[] a, b;
  private byte[] qa, qb, quantized;
  private MemorySegment fa, fb, ca, cb;
  private Arena arena;
  private MemorySegment page;
  private Int8Query query;
  private int[] scores;

  @Setup(Level.Trial)
  public void setUp() {
    Random r = new Random(42);
    a = unit(r, dim);
    b = unit(r, dim);
    qa = new byte[dim];
    qb = new byte[dim];
    quantized = new byte[dim];
    Int8Quantizer.quantize(a, qa);
    Int8Quantizer.quantize(b, qb);
    fa = MemorySegment.ofArray(a);
    fb = MemorySegment.ofArray(b);
    arena = Arena.ofShared();
    // Codes live off-heap as in Atlas pages; using one kind of segment per benchmark also keeps the
    // kernels' type profiles as they are in the index.
    ca = arena.allocate(dim, 64).copyFrom(MemorySegment.ofArray(qa));
    cb = arena.allocate(dim, 64).copyFrom(MemorySegment.ofArray(qb));
    page = arena.allocate((long) LARGE_PAGE * dim, 64);
    byte[] codes = new byte[dim];
    for (int v = 0; v < LARGE_PAGE; v++) {
      Int8Quantizer.quantize(unit(r, dim), codes);
      MemorySegment.copy(MemorySegment.ofArray(codes), 0, page, (long) v * dim, dim);
    }
    scores = new int[LARGE_PAGE];
    query = Int8Query.of(ca, 0, dim); // once per search in the index, as here once per trial
    verify();
  }

  private void verify() {
    if (simd.dotI8(ca, 0, cb, 0, dim) != VectorUtil.dotProduct(qa, qb)) {
      throw new AssertionError("INT8 dot differs from Lucene's");
    }
    if (Math.abs(simd.dotF32(fa, 0, fb, 0, dim) - VectorUtil.dotProduct(a, b)) > 1e-4f
        || Math.abs(simd.dotF32(a, 0, b, 0, dim) - VectorUtil.dotProduct(a, b)) > 1e-4f) {
      throw new AssertionError("FP32 dot differs from Lucene's");
    }
    int[] expected = new int[LARGE_PAGE];
    scalar.bulkDotI8(cb, 0, page, 0, dim, LARGE_PAGE, expected);
    simd.bulkDotI8(Int8Query.of(cb, 0, dim), page, 0, LARGE_PAGE, scores);
    if (!java.util.Arrays.equals(expected, scores)) {
      throw new AssertionError("bulk INT8 scores differ from the scalar reference");
    }
    vectorApi.bulkDotI8(Int8Query.of(cb, 0, dim), page, 0, LARGE_PAGE, scores);
    if (!java.util.Arrays.equals(expected, scores)) {
      throw new AssertionError("Vector API bulk INT8 scores differ from the scalar reference");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public float fp32_dot() {
    return simd.dotF32(a, 0, b, 0, dim);
  }

  @Benchmark
  public int int8_dot() {
    return simd.dotI8(ca, 0, cb, 0, dim);
  }

  @Benchmark
  public int[] int8_bulk8() {
    simd.bulkDotI8(query, page, 0, INDEX_PAGE, scores);
    return scores;
  }

  @Benchmark
  public int[] int8_bulk64() {
    simd.bulkDotI8(query, page, 0, SMALL_PAGE, scores);
    return scores;
  }

  @Benchmark
  public int[] int8_bulk256() {
    simd.bulkDotI8(query, page, 0, LARGE_PAGE, scores);
    return scores;
  }

  @Benchmark
  public int[] int8_bulk256_vector_api() {
    vectorApi.bulkDotI8(query, page, 0, LARGE_PAGE, scores);
    return scores;
  }

  /** Quantizing one vector (each search does it for its query, each insert for its vector). */
  @Benchmark
  public float quantize() {
    return simd.quantizeI8(a, quantized);
  }

  @Benchmark
  public float quantize_scalar() {
    return Int8Quantizer.quantizeScalar(a, quantized);
  }

  @Benchmark
  public float fp32_dot_scalar() {
    return scalar.dotF32(a, 0, b, 0, dim);
  }

  @Benchmark
  public int int8_dot_scalar() {
    return scalar.dotI8(ca, 0, cb, 0, dim);
  }

  @Benchmark
  public float lucene_fp32_dot() {
    return VectorUtil.dotProduct(a, b);
  }

  @Benchmark
  public int lucene_int8_dot() {
    return VectorUtil.dotProduct(qa, qb);
  }

  static float[] unit(Random r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
