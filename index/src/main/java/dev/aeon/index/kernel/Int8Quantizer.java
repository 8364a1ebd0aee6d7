package dev.aeon.index.kernel;

/**
 * The one place that decides how FP32 vectors become INT8 codes: symmetric, per-vector scale.
 *
 * <p>{@code scale = max|x_i| / 127}, {@code code_i = round(x_i / scale)} in [-127, 127]; -128 is never
 * produced, which the bulk kernel relies on. The dot product of two vectors is then approximated by
 * {@code dotI8(codesA, codesB) * scaleA * scaleB}. On L2-normalised vectors the rounding error per
 * component is at most {@code scale / 2}, i.e. at most {@code 1 / 254} of the largest component.
 */
public final class Int8Quantizer {

  public static final int MAX_CODE = 127;

  private Int8Quantizer() {}

  /**
   * Writes the codes of {@code v} into {@code codes} (same length) and returns the scale; a zero
   * vector gets all-zero codes and scale 0. Runs this JVM's kernels ({@link VectorKernels#quantizeI8}),
   * which give exactly what {@link #quantizeScalar} gives.
   */
  public static float quantize(float[] v, byte[] codes) {
    return Kernels.best().quantizeI8(v, codes);
  }

  /** The rule itself, one component at a time. */
  public static float quantizeScalar(float[] v, byte[] codes) {
    checkLengths(v, codes);
    float maxAbs = 0f;
    for (float x : v) {
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    if (maxAbs == 0f) {
      java.util.Arrays.fill(codes, (byte) 0);
      return 0f;
    }
    float inverse = MAX_CODE / maxAbs;
    for (int i = 0; i < v.length; i++) {
      codes[i] = code(v[i] * inverse);
    }
    return maxAbs / MAX_CODE;
  }

  /** Rounds half away from zero (a truncating cast of x +- 0.5) and clamps to [-127, 127]. */
  static byte code(float x) {
    int c = (int) (x + Math.copySign(0.5f, x));
    return (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, c));
  }

  static void checkLengths(float[] v, byte[] codes) {
    if (codes.length != v.length) {
      throw new IllegalArgumentException("codes hold " + codes.length + " values, vector has " + v.length);
    }
  }

  /** Reconstructs an approximation of the original vector. */
  public static void dequantize(byte[] codes, float scale, float[] out) {
    if (codes.length != out.length) {
      throw new IllegalArgumentException("out holds " + out.length + " values, codes have " + codes.length);
    }
    for (int i = 0; i < codes.length; i++) {
      out[i] = codes[i] * scale;
    }
  }

  /** The approximate dot product of two vectors from their codes' dot product and scales. */
  public static float score(int codeDot, float scaleA, float scaleB) {
    return codeDot * scaleA * scaleB;
  }
}
