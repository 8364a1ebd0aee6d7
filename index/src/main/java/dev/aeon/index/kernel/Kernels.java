package dev.aeon.index.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Chooses the kernels once per JVM and offers heap-array forms of each kernel: the FP32 dot product has
 * an array form of its own (it is called the most on heap vectors); the others wrap the arrays in
 * segments and take the same code path as mapped pages.
 *
 * <p>The SIMD kernels are used when the {@code jdk.incubator.vector} module is present and its
 * preferred vectors are at least 256 bits wide; otherwise the scalar ones, with the reason logged once.
 * On top of them, bulk INT8 scoring runs AVX-512 VNNI machine code ({@link VnniBulkDot}) where the CPU
 * has it. {@code -Daeon.kernels=scalar} forces the scalar kernels, {@code -Daeon.kernels=vector-api} the
 * SIMD kernels without machine code.
 */
public final class Kernels {

  private static final System.Logger LOG = System.getLogger(Kernels.class.getName());
  private static final VectorKernels BEST = choose();

  private Kernels() {}

  /** The kernels this JVM should use. */
  public static VectorKernels best() {
    return BEST;
  }

  /** The SIMD kernels, or empty if the Vector API is not available in this JVM. */
  public static java.util.Optional<VectorKernels> simd() {
    return BEST instanceof SimdKernels ? java.util.Optional.of(BEST) : loadSimd();
  }

  public static float dot(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return BEST.dotF32(a, 0, b, 0, a.length);
  }

  public static float cosine(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return BEST.cosineF32(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
  }

  public static float squaredL2(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return BEST.squaredL2F32(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
  }

  public static int dot(byte[] a, byte[] b) {
    checkSameLength(a.length, b.length);
    return BEST.dotI8(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
  }

  static float cosineFromParts(float dot, float normSqA, float normSqB) {
    if (normSqA == 0f || normSqB == 0f) {
      return 0f;
    }
    return (float) (dot / Math.sqrt((double) normSqA * normSqB));
  }

  static void checkBulk(MemorySegment codes, long codesOffset, int dim, int count, int[] out) {
    if (count < 0 || count > out.length) {
      throw new IllegalArgumentException("out holds " + out.length + " scores, " + count + " asked");
    }
    long end = codesOffset + (long) dim * count;
    if (codesOffset < 0 || end > codes.byteSize()) {
      throw new IndexOutOfBoundsException("codes [" + codesOffset + ", " + end + ") outside a segment of "
          + codes.byteSize() + " bytes");
    }
  }

  static void checkSketches(SketchQuery query, MemorySegment sketches, long offset, SketchBlocks layout, int count,
      float[] out) {
    if (layout.words() != query.words() || count < 0 || count > out.length) {
      throw new IllegalArgumentException(count + " sketches of " + layout.words() + " words asked for a query of "
          + query.words() + " words, room for " + out.length + " scores");
    }
    int blocks = (count + layout.stride() - 1) / layout.stride();
    int last = count - (blocks - 1) * layout.stride();
    long end = count == 0 ? offset
        : offset + (long) (blocks - 1) * layout.blockBytes() + layout.wordOffset(layout.words() - 1, last);
    if (offset < 0 || end > sketches.byteSize()) {
      throw new IndexOutOfBoundsException("sketches [" + offset + ", " + end + ") outside a segment of "
          + sketches.byteSize() + " bytes");
    }
  }

  private static void checkSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException("vectors differ in length: " + a + " vs " + b);
    }
  }

  private static VectorKernels choose() {
    String forced = System.getProperty("aeon.kernels", "");
    if (!forced.isEmpty() && !forced.equals("scalar") && !forced.equals("vector-api")) {
      LOG.log(System.Logger.Level.WARNING, "-Daeon.kernels=" + forced + " ignored: the choices are scalar and "
          + "vector-api");
    }
    if (forced.equals("scalar")) {
      LOG.log(System.Logger.Level.INFO, "vector kernels: scalar (forced by -Daeon.kernels=scalar)");
      return ScalarKernels.INSTANCE;
    }
    VectorKernels simd = loadSimd().orElse(null);
    if (simd == null) {
      return ScalarKernels.INSTANCE;
    }
    if (forced.equals("vector-api")) {
      LOG.log(System.Logger.Level.INFO, "vector kernels: " + simd.name() + ", without VNNI machine code "
          + "(forced by -Daeon.kernels=vector-api)");
      return simd;
    }
    var vnniMissing = VnniBulkDot.unavailableReason();
    if (vnniMissing.isPresent()) {
      LOG.log(System.Logger.Level.DEBUG, "vector kernels: " + simd.name() + ", bulk INT8 scoring with the Vector "
          + "API because " + vnniMissing.get());
      return simd;
    }
    VectorKernels vnni = new VnniKernels(simd);
    LOG.log(System.Logger.Level.DEBUG, "vector kernels: " + vnni.name());
    return vnni;
  }

  /** Loads the SIMD kernels reflectively so that a JVM without the incubator module never links them. */
  private static java.util.Optional<VectorKernels> loadSimd() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "vector kernels: scalar, because the module jdk.incubator.vector "
          + "is not loaded (start the JVM with --add-modules jdk.incubator.vector)");
      return java.util.Optional.empty();
    }
    try {
      Class<?> simd = Class.forName("dev.aeon.index.kernel.SimdKernels");
      if (!(boolean) invokeStatic(simd, "worthwhile")) {
        LOG.log(System.Logger.Level.WARNING, "vector kernels: scalar, because this CPU's preferred vectors are "
            + "narrower than 256 bits");
        return java.util.Optional.empty();
      }
      return java.util.Optional.of((VectorKernels) simd.getField("INSTANCE").get(null));
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "vector kernels: scalar, because the Vector API failed to load: " + e);
      return java.util.Optional.empty();
    }
  }

  private static Object invokeStatic(Class<?> c, String method) throws ReflectiveOperationException {
    var m = c.getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(null);
  }
}
