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
   * vector gets all-zero codes and scale 0.
   */
  public static float quantize(float[] v, byte[] codes) {
    if (codes.length != v.length) {
      throw new IllegalArgumentException("codes hold " + codes.length + " values, vector has " + v.length);
    }
    float maxAbs = 0f;
    for (float x : v) {
      maxAbs = Math.max(maxAbs, Math.abs(x));
    }
    if (maxAbs == 0f) {
      java.util.Arrays.fill(codes, (byte) 0);
      return 0f;
    }
    float scale = maxAbs / MAX_CODE;
    float inverse = MAX_CODE / maxAbs;
    for (int i = 0; i < v.length; i++) {
      // Half away from zero by a truncating cast: the JIT vectorizes this loop, not one of Math.round
      // (which rounds halves up, and whose loop had been a large part of a search's setup).
      float x = v[i] * inverse;
      int c = (int) (x + Math.copySign(0.5f, x));
      codes[i] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, c));
    }
    return scale;
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
