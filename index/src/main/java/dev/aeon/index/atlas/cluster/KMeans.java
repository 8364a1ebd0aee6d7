package dev.aeon.index.atlas.cluster;

import dev.aeon.index.kernel.VectorKernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Spherical k-means over L2-normalised vectors (similarity = dot product, centroids re-normalised after
 * every update), seeded with k-means++ on dot-product distance. Points are rows of a flat array
 * ({@code n * dim} floats); training uses at most {@code maxTrainingPoints} of them, then every point is
 * assigned to its nearest centroid.
 */
public final class KMeans {

  private final VectorKernels kernels;
  private final int dim;
  private final int iterations;
  private final int maxTrainingPoints;
  /** Absorbs the rounding of {@link #distance} where a bound decides to skip a point. */
  private static final float SLACK = 1e-4f;
  /** Whether seeding and iterations skip what the triangle inequality rules out; off only in tests. */
  boolean pruning = true;

  public KMeans(VectorKernels kernels, int dim, int iterations, int maxTrainingPoints) {
    if (dim <= 0 || iterations <= 0 || maxTrainingPoints <= 0) {
      // An iteration sets the bounds that the final pass trusts.
      throw new IllegalArgumentException("dim, iterations and training points must be positive: " + dim + ", "
          + iterations + ", " + maxTrainingPoints);
    }
    this.kernels = kernels;
    this.dim = dim;
    this.iterations = iterations;
    this.maxTrainingPoints = maxTrainingPoints;
  }

  /** The result: {@code k * dim} unit centroids and each point's cluster. */
  public record Result(float[] centroids, int k, int[] assignment, int[] sizes) {}

  /** Clusters rows {@code rows[0..n)} of {@code data} into {@code k} clusters. */
  public Result cluster(float[] data, int[] rows, int k, long seed) {
    int n = rows.length;
    if (k <= 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " for " + n + " points");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int m = Math.max(k, Math.min(n, maxTrainingPoints));
    int[] order = sample(n, m, rnd); // positions in rows: the training points first
    int[] train = new int[m];
    for (int i = 0; i < m; i++) {
      train[i] = rows[order[i]];
    }
    float[] c = seed(data, train, k, rnd);
    Bounds bounds = new Bounds(m, k);
    int[] assign = new int[m];
    // One set of an iteration's buffers for the whole run, not one per iteration: each is written whole before it
    // is read (before is copied from c, update clears sum and count). A leaf's split used to make them afresh
    // at each of its 8 iterations, about a fifth of what a split allocated after its entries.
    float[] before = new float[k * dim];
    float[] sum = new float[k * dim];
    int[] count = new int[k];
    for (int it = 0; it < iterations; it++) {
      boolean changed = bounds.assign(data, train, c, k, assign, it == 0 || !pruning) || it == 0;
      System.arraycopy(c, 0, before, 0, c.length);
      update(data, train, assign, c, k, rnd, sum, count);
      bounds.moved(before, c, k, assign);
      if (!changed) {
        break;
      }
    }
    // The training points' bounds hold for the final centroids, so most keep their assignment unscanned.
    bounds.assign(data, train, c, k, assign, !pruning);
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[order[i]] = i < m ? assign[i] : nearest(data, rows[order[i]], c, k);
    }
    int[] sizes = new int[k];
    for (int a : all) {
      sizes[a]++;
    }
    return new Result(c, k, all, sizes);
  }

  /**
   * Hamerly's bounds for Lloyd's iterations (Hamerly, "Making k-means even faster", 2010): for each training
   * point an upper bound on its distance to its centroid and a lower bound on its distance to any other,
   * moved by how far the centroids moved. A point whose upper bound is below its lower bound, or below half
   * the gap from its centroid to the nearest other, cannot have changed cluster and is not scanned. The
   * result is Lloyd's: a scanned point takes the centroid of the highest dot product, as an unbounded scan
   * does. Distances are Euclidean between unit vectors ({@link #distance}).
   */
  private final class Bounds {
    private final float[] upper;
    private final float[] lower;
    private final float[] halfGap;
    /** How far each centroid moved in the last iteration (written whole by {@link #moved}). */
    private final float[] moved;

    Bounds(int points, int k) {
      upper = new float[points];
      lower = new float[points];
      halfGap = new float[k];
      moved = new float[k];
    }

    /**
     * Assigns each of {@code rows} its nearest row of {@code c} ({@code scanAll}: ignoring the bounds, as
     * the first pass must); returns whether any assignment changed.
     */
    boolean assign(float[] data, int[] rows, float[] c, int k, int[] out, boolean scanAll) {
      if (!scanAll) {
        halfGaps(c, k);
      }
      boolean changed = false;
      for (int i = 0; i < rows.length; i++) {
        if (!scanAll) {
          float bound = Math.max(halfGap[out[i]], lower[i]) - SLACK;
          if (upper[i] <= bound) {
            continue;
          }
          upper[i] = distance(kernels.dotF32(data, rows[i] * dim, c, out[i] * dim, dim));
          if (upper[i] <= bound) {
            continue;
          }
        }
        int best = 0;
        float bestDot = Float.NEGATIVE_INFINITY, secondDot = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          float s = kernels.dotF32(data, rows[i] * dim, c, j * dim, dim);
          if (s > bestDot) {
            secondDot = bestDot;
            bestDot = s;
            best = j;
          } else if (s > secondDot) {
            secondDot = s;
          }
        }
        changed |= best != out[i];
        out[i] = best;
        upper[i] = distance(bestDot);
        lower[i] = k == 1 ? Float.POSITIVE_INFINITY : distance(secondDot);
      }
      return changed;
    }

    /** Moves the bounds by how far each centroid moved from {@code before} to {@code after}. */
    void moved(float[] before, float[] after, int k, int[] assign) {
      float most = 0, second = 0;
      int mostIndex = -1;
      for (int j = 0; j < k; j++) {
        double sq = 0;
        for (int d = j * dim, end = d + dim; d < end; d++) {
          double x = after[d] - before[d];
          sq += x * x;
        }
        moved[j] = (float) Math.sqrt(sq);
        if (moved[j] > most) {
          second = most;
          most = moved[j];
          mostIndex = j;
        } else if (moved[j] > second) {
          second = moved[j];
        }
      }
      for (int i = 0; i < assign.length; i++) {
        upper[i] += moved[assign[i]];
        lower[i] -= assign[i] == mostIndex ? second : most;
      }
    }

    private void halfGaps(float[] c, int k) {
      java.util.Arrays.fill(halfGap, Float.POSITIVE_INFINITY);
      for (int a = 0; a < k; a++) {
        for (int b = a + 1; b < k; b++) {
          float half = distance(kernels.dotF32(c, a * dim, c, b * dim, dim)) / 2;
          halfGap[a] = Math.min(halfGap[a], half);
          halfGap[b] = Math.min(halfGap[b], half);
        }
      }
    }

  }

  /** The index of the row of {@code centroids} (k rows) most similar to row {@code row} of {@code data}. */
  private int nearest(float[] data, int row, float[] centroids, int k) {
    int best = 0;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      float s = kernels.dotF32(data, row * dim, centroids, j * dim, dim);
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    return best;
  }

  /** Sets {@code c} to the unit means of the points of each cluster, using {@code sum} and {@code count} (cleared). */
  private void update(float[] data, int[] rows, int[] assign, float[] c, int k, SplittableRandom rnd, float[] sum,
      int[] count) {
    Arrays.fill(sum, 0f);
    Arrays.fill(count, 0);
    for (int i = 0; i < rows.length; i++) {
      kernels.addF32(data, rows[i] * dim, sum, assign[i] * dim, dim); // each sum in the rows' order, as before
      count[assign[i]]++;
    }
    for (int cl = 0; cl < k; cl++) {
      if (count[cl] == 0) {
        // An empty cluster takes a random training point, so k clusters stay k.
        System.arraycopy(data, rows[rnd.nextInt(rows.length)] * dim, sum, cl * dim, dim);
      }
      normaliseInto(sum, cl * dim, c);
    }
  }

  private float[] seed(float[] data, int[] rows, int k, SplittableRandom rnd) {
    float[] c = new float[k * dim];
    System.arraycopy(data, rows[rnd.nextInt(rows.length)] * dim, c, 0, dim);
    float[] dist = new float[rows.length];
    Arrays.fill(dist, Float.MAX_VALUE);
    int[] nearest = new int[rows.length]; // each point's nearest seed so far
    float[] gap = new float[k]; // from the newest seed to each earlier one
    for (int j = 1; j < k; j++) {
      int newest = j - 1;
      for (int a = 0; a < newest; a++) {
        gap[a] = distance(kernels.dotF32(c, newest * dim, c, a * dim, dim));
      }
      double total = 0;
      for (int i = 0; i < rows.length; i++) {
        // A seed twice as far from the point's nearest seed as the point is cannot be nearer (triangle
        // inequality): skipping it leaves dist as the minimum would, and late seeds skip most points.
        if (!pruning || newest == 0 || gap[nearest[i]] < 2 * (float) Math.sqrt(2 * dist[i]) + SLACK) {
          float d = Math.max(0f, 1f - kernels.dotF32(data, rows[i] * dim, c, newest * dim, dim));
          if (d < dist[i]) {
            dist[i] = d;
            nearest[i] = newest;
          }
        }
        total += dist[i];
      }
      int pick = rnd.nextInt(rows.length);
      if (total > 0) {
        double r = rnd.nextDouble() * total;
        for (int i = 0; i < rows.length; i++) {
          r -= dist[i];
          if (r <= 0) {
            pick = i;
            break;
          }
        }
      }
      System.arraycopy(data, rows[pick] * dim, c, j * dim, dim);
    }
    return c;
  }

  /** Copies the row at {@code at} of {@code src} into the same place of {@code dst}, scaled to unit length. */
  private void normaliseInto(float[] src, int at, float[] dst) {
    double norm = 0;
    for (int j = 0; j < dim; j++) {
      norm += (double) src[at + j] * src[at + j];
    }
    double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0; // in double: see Vectors.scaled
    for (int j = 0; j < dim; j++) {
      dst[at + j] = (float) (src[at + j] * inv);
    }
  }

  /** The Euclidean distance of two unit vectors from their dot product. */
  private static float distance(float dot) {
    return (float) Math.sqrt(Math.max(0f, 2f - 2f * dot));
  }

  /** Positions {@code [0, n)}, shuffled so that the first {@code m} are a uniform sample (in order if m >= n). */
  private static int[] sample(int n, int m, SplittableRandom rnd) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    for (int i = 0; i < m && m < n; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
