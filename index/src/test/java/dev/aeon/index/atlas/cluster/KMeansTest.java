package dev.aeon.index.atlas.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Kernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansTest {

  private static final int DIM = 16;

  /** Clustered unit rows offset from zero, as embeddings are. */
  private static float[] data(int n, long seed) {
    Random r = new Random(seed);
    float[][] centers = new float[50][DIM];
    for (float[] c : centers) {
      for (int d = 0; d < DIM; d++) {
        c[d] = (float) r.nextGaussian() + 1f;
      }
    }
    float[] out = new float[n * DIM];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        float x = centers[i % centers.length][d] + 0.4f * (float) r.nextGaussian();
        out[i * DIM + d] = x;
        norm += x * x;
      }
      for (int d = 0; d < DIM; d++) {
        out[i * DIM + d] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }

  /**
   * The seeding and Hamerly's bounds only skip points that the triangle inequality rules out, so they
   * reach plain k-means++ and Lloyd's result exactly: the same assignments and centroids, with all points
   * trained on and with a sample.
   */
  @Test
  void pruningReachesThePlainResult() {
    float[] data = data(3_000, 1);
    int[] rows = new int[2_500];
    Arrays.setAll(rows, i -> i + 500);
    for (int training : new int[] {100_000, 1_000}) {
      KMeans bounded = new KMeans(Kernels.best(), DIM, 10, training);
      KMeans plain = new KMeans(Kernels.best(), DIM, 10, training);
      plain.pruning = false;
      KMeans.Result a = bounded.cluster(data, rows, 40, 7), b = plain.cluster(data, rows, 40, 7);
      assertArrayEquals(b.assignment(), a.assignment(), "training on " + training);
      assertArrayEquals(b.centroids(), a.centroids(), "training on " + training);
      assertArrayEquals(b.sizes(), a.sizes());
    }
  }

  /**
   * A run keeps one set of an iteration's buffers (the centroids before the update, the clusters' sums and counts)
   * for all its iterations; nothing of one iteration may reach the next. Run to convergence, each returned centroid
   * is then the unit mean of its cluster's points exactly, summed in row order as the update sums them; a sum left
   * over from an earlier iteration (whose clusters differed) would pull it elsewhere. One and many clusters.
   */
  @Test
  void eachCentroidIsTheUnitMeanOfItsClusterAlone() {
    float[] data = data(600, 3);
    int[] rows = new int[600];
    Arrays.setAll(rows, i -> i);
    for (int k : new int[] {2, 7}) {
      KMeans.Result r = new KMeans(Kernels.best(), DIM, 200, 100_000).cluster(data, rows, k, 11);
      float[] sum = new float[k * DIM];
      for (int i = 0; i < rows.length; i++) {
        for (int d = 0; d < DIM; d++) {
          sum[r.assignment()[i] * DIM + d] += data[rows[i] * DIM + d];
        }
      }
      for (int cl = 0; cl < k; cl++) {
        assertTrue(r.sizes()[cl] > 0, "cluster " + cl + " of " + k + " is empty");
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
          norm += (double) sum[cl * DIM + d] * sum[cl * DIM + d];
        }
        float[] mean = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          mean[d] = (float) (sum[cl * DIM + d] * (1 / Math.sqrt(norm)));
        }
        assertArrayEquals(mean, Arrays.copyOfRange(r.centroids(), cl * DIM, (cl + 1) * DIM), "cluster " + cl + " of "
            + k);
      }
    }
  }

  /** Every point ends in the cluster of its nearest returned centroid (the last pass trusts the bounds). */
  @Test
  void everyPointIsAssignedItsNearestCentroid() {
    float[] data = data(4_000, 2);
    int[] rows = new int[4_000];
    Arrays.setAll(rows, i -> i);
    KMeans.Result r = new KMeans(Kernels.best(), DIM, 10, 1_500).cluster(data, rows, 60, 3);
    for (int i = 0; i < rows.length; i++) {
      int best = 0;
      float bestDot = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < r.k(); j++) {
        float s = Kernels.best().dotF32(data, rows[i] * DIM, r.centroids(), j * DIM, DIM);
        if (s > bestDot) {
          bestDot = s;
          best = j;
        }
      }
      assertEquals(best, r.assignment()[i], "row " + i);
    }
    assertEquals(rows.length, Arrays.stream(r.sizes()).sum());
  }

  @Test
  void badShapesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new KMeans(Kernels.best(), DIM, 0, 100));
    assertThrows(IllegalArgumentException.class, () -> new KMeans(Kernels.best(), 0, 10, 100));
    KMeans k = new KMeans(Kernels.best(), DIM, 10, 100);
    assertThrows(IllegalArgumentException.class, () -> k.cluster(data(10, 1), new int[] {0, 1}, 3, 1));
  }
}
