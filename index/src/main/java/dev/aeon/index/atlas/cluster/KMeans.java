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

  public KMeans(VectorKernels kernels, int dim, int iterations, int maxTrainingPoints) {
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
    int[] train = sample(rows, Math.max(k, Math.min(n, maxTrainingPoints)), rnd);
    float[] c = seed(data, train, k, rnd);
    int[] assign = new int[train.length];
    for (int it = 0; it < iterations; it++) {
      boolean changed = assign(data, train, c, k, assign) || it == 0;
      update(data, train, assign, c, k, rnd);
      if (!changed) {
        break;
      }
    }
    int[] all = new int[n];
    assign(data, rows, c, k, all);
    int[] sizes = new int[k];
    for (int a : all) {
      sizes[a]++;
    }
    return new Result(c, k, all, sizes);
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

  private boolean assign(float[] data, int[] rows, float[] c, int k, int[] out) {
    boolean changed = false;
    for (int i = 0; i < rows.length; i++) {
      int a = nearest(data, rows[i], c, k);
      changed |= a != out[i];
      out[i] = a;
    }
    return changed;
  }

  private void update(float[] data, int[] rows, int[] assign, float[] c, int k, SplittableRandom rnd) {
    float[] sum = new float[k * dim];
    int[] count = new int[k];
    for (int i = 0; i < rows.length; i++) {
      int base = assign[i] * dim, src = rows[i] * dim;
      for (int j = 0; j < dim; j++) {
        sum[base + j] += data[src + j];
      }
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
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < rows.length; i++) {
        float s = kernels.dotF32(data, rows[i] * dim, c, (j - 1) * dim, dim);
        dist[i] = Math.min(dist[i], Math.max(0f, 1f - s));
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
    float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
    for (int j = 0; j < dim; j++) {
      dst[at + j] = src[at + j] * inv;
    }
  }

  private static int[] sample(int[] rows, int m, SplittableRandom rnd) {
    if (m >= rows.length) {
      return rows.clone();
    }
    int[] copy = rows.clone();
    for (int i = 0; i < m; i++) {
      int j = i + rnd.nextInt(copy.length - i);
      int t = copy[i];
      copy[i] = copy[j];
      copy[j] = t;
    }
    return Arrays.copyOf(copy, m);
  }
}
