package dev.aeon.index.kernel;

/**
 * One-bit sketches of vectors: bit {@code i} says whether component {@code i} lies above a fixed center,
 * and one float per vector scales the estimate. A search reads these (an eighth of the INT8 codes' bytes
 * at one bit per dimension) to pick the few candidates worth scoring with the codes.
 *
 * <p>The estimate of {@code <q, v>} from a sketch, with {@code r = v - center} and {@code s = sign(r)}, is
 * {@code <q, center> + f * <q, s>} where {@code f = |r|^2 / sum |r_i|}: the projection of {@code r} onto
 * its own sign vector, rescaled to {@code r}'s length: the one-bit estimator of RaBitQ, without its random
 * rotation (which would cost a dim x dim product per vector and per query). The query side uses the
 * exact {@code <q, center>}. Bits beyond {@code dim} in the last word are zero.
 */
public final class SignSketch {

  private SignSketch() {}

  /** 64-bit words per sketch of {@code dim} dimensions. */
  public static int words(int dim) {
    return (dim + 63) >>> 6;
  }

  /**
   * Writes the sketch of {@code v} around {@code center} into {@code out} ({@link #words} words) and
   * returns its factor {@code f} (0 for a vector equal to the center).
   */
  public static float sketch(float[] v, float[] center, long[] out) {
    if (center.length != v.length || out.length != words(v.length)) {
      throw new IllegalArgumentException("vector of " + v.length + " dims, center of " + center.length
          + ", sketch of " + out.length + " words");
    }
    // A word's bits gather in a local, each without a branch: or-ed into the array one by one behind a branch on
    // the sign, which goes either way at random, they cost more than the sums. The sums keep their order.
    double squares = 0, abs = 0;
    for (int w = 0; w < out.length; w++) {
      long bits = 0;
      for (int i = w << 6, end = Math.min(v.length, i + 64); i < end; i++) {
        float r = v[i] - center[i];
        squares += (double) r * r;
        abs += Math.abs(r);
        bits |= (r > 0 ? 1L : 0L) << i;
      }
      out[w] = bits;
    }
    return abs == 0 ? 0f : (float) (squares / abs);
  }
}
