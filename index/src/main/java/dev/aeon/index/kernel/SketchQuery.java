package dev.aeon.index.kernel;

/**
 * A query prepared for scoring {@link SignSketch}es. Its components are quantized to four bits
 * ({@code q_i ~ low + step * u_i}, {@code u_i} in [0, 15]) and kept as four bit planes, so that the sum of
 * the query over a sketch's set bits is {@code low * popcount(b) + step * sum_j 2^j popcount(b & plane_j)}:
 * five popcounts per 64 dimensions instead of 64 multiply-adds.
 *
 * <p>Immutable; prepared once per search and scored with {@link VectorKernels#sketchScores}.
 */
public final class SketchQuery {

  private static final int LEVELS = 15;

  private final int words;
  private final long[] planes; // plane j of word w at [4w + j]
  private final float low, step, sum, centerDot;

  private SketchQuery(int words, long[] planes, float low, float step, float sum, float centerDot) {
    this.words = words;
    this.planes = planes;
    this.low = low;
    this.step = step;
    this.sum = sum;
    this.centerDot = centerDot;
  }

  /** Prepares {@code q} for sketches taken around {@code center}. */
  public static SketchQuery of(float[] q, float[] center) {
    if (center.length != q.length) {
      throw new IllegalArgumentException("query of " + q.length + " dims, center of " + center.length);
    }
    float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
    double centerDot = 0;
    for (int i = 0; i < q.length; i++) {
      min = Math.min(min, q[i]);
      max = Math.max(max, q[i]);
      centerDot += (double) q[i] * center[i];
    }
    float step = max > min ? (max - min) / LEVELS : 0f;
    float inverse = step == 0f ? 0f : 1f / step;
    int words = SignSketch.words(q.length);
    long[] planes = new long[4 * words];
    int levels = 0;
    for (int w = 0; w < words; w++) {
      // A word's planes are built in registers, and rounded by a truncating cast (the values are not
      // negative): Math.round and read-modify-writes of the array had made this most of a search's setup.
      long p0 = 0, p1 = 0, p2 = 0, p3 = 0;
      for (int b = 0, i = 64 * w; b < 64 && i < q.length; b++, i++) {
        int u = Math.min(LEVELS, (int) ((q[i] - min) * inverse + 0.5f)); // rounding must not make a fifth bit
        levels += u;
        p0 |= (long) (u & 1) << b;
        p1 |= (long) (u >>> 1 & 1) << b;
        p2 |= (long) (u >>> 2 & 1) << b;
        p3 |= (long) (u >>> 3) << b;
      }
      planes[4 * w] = p0;
      planes[4 * w + 1] = p1;
      planes[4 * w + 2] = p2;
      planes[4 * w + 3] = p3;
    }
    double sum = (double) min * q.length + (double) step * levels;
    return new SketchQuery(words, planes, min, step, (float) sum, (float) centerDot);
  }

  /**
   * The same query for sketches taken around another center, given {@code <q, center>}: only that term
   * of an estimate depends on the center (the planes do not), so this costs no pass over the query.
   */
  public SketchQuery withCenterDot(float centerDot) {
    return new SketchQuery(words, planes, low, step, sum, centerDot);
  }

  /** 64-bit words per sketch. */
  public int words() {
    return words;
  }

  float low() {
    return low;
  }

  float step() {
    return step;
  }

  float sum() {
    return sum;
  }

  float centerDot() {
    return centerDot;
  }

  /** The query's bit plane {@code j} (0 = least significant) of word {@code w}. */
  long plane(int w, int j) {
    return planes[4 * w + j];
  }

  /**
   * The estimate of {@code <q, v>} for a sketch with {@code ones} set bits, {@code weighted} = {@code
   * sum_j 2^j popcount(b & plane_j)} over its words, and factor {@code factor}.
   */
  float estimate(long ones, long weighted, float factor) {
    float overSet = low * ones + step * weighted;
    return centerDot + factor * (2 * overSet - sum);
  }
}
