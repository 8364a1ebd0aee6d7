package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall@10 at default parameters on real data (Fashion-MNIST: 5,000 indexed images, 200 held-out test
 * images as queries) against an independent brute-force cosine ground truth, for an index grown one
 * insert at a time and for one bulk-built from a batch.
 */
class AtlasRecallTest {

  static final int N = 5000;
  static final int QUERIES = 200;
  static final int K = 10;
  static float[][] base;
  static float[][] queries;
  static long[][] truth;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() throws Exception {
    base = FashionMnistSample.load("train", N);
    queries = FashionMnistSample.load("t10k", QUERIES);
    truth = new long[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      truth[q] = bruteForce(queries[q]);
    }
  }

  @Test
  void incrementalInsertsReachRecallPointNineAtDefaults() throws Exception {
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(FashionMnistSample.DIM))) {
      for (int i = 0; i < N; i++) {
        index.add(i, base[i]);
      }
      double recall = recall(index);
      System.out.println("incremental: recall@10 " + recall + ", " + index.stats());
      assertTrue(recall >= 0.9, "recall@10 " + recall);
    }
  }

  @Test
  void bulkBuildReachesRecallPointNineAtDefaults() throws Exception {
    long[] ids = new long[N];
    java.util.Arrays.setAll(ids, i -> i);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(FashionMnistSample.DIM))) {
      index.addAll(ids, base);
      double recall = recall(index);
      System.out.println("bulk: recall@10 " + recall + ", sketches used: " + index.sketchesUsed() + ", "
          + index.stats());
      assertTrue(recall >= 0.9, "recall@10 " + recall);
      // Pixel vectors are never negative: their sketches lose too many answers for the automatic setting.
      assertFalse(index.sketchesUsed());
      SearchParams forced = SearchParams.defaults().withSketchDepth(64).withRerankDepth(64);
      assertTrue(recall(index, forced) < recall, "sketches forced on: " + recall(index, forced));
    }
  }

  private static double recall(AtlasIndex index) {
    return recall(index, SearchParams.defaults());
  }

  private static double recall(AtlasIndex index, SearchParams params) {
    int hits = 0;
    for (int q = 0; q < QUERIES; q++) {
      long[] got = index.search(queries[q], K, params).ids();
      for (long t : truth[q]) {
        for (long g : got) {
          if (g == t) {
            hits++;
            break;
          }
        }
      }
    }
    return hits / (double) (QUERIES * K);
  }

  private static long[] bruteForce(float[] q) {
    double[] best = new double[K];
    long[] ids = new long[K];
    java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < N; i++) {
      double dot = 0, nb = 0;
      for (int j = 0; j < q.length; j++) {
        dot += q[j] * base[i][j];
        nb += base[i][j] * base[i][j];
      }
      double cos = dot / Math.sqrt(nb);
      if (cos > best[K - 1]) {
        int at = K - 1;
        while (at > 0 && best[at - 1] < cos) {
          best[at] = best[at - 1];
          ids[at] = ids[at - 1];
          at--;
        }
        best[at] = cos;
        ids[at] = i;
      }
    }
    return ids;
  }
}
