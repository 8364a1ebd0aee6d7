package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small pieces the search path relies on: the candidate floor and centroid codes. */
class ScoringPartsTest {

  @Test
  void floorAgreesWithAccepts() {
    Random r = new Random(7);
    TopK top = new TopK(5);
    for (int i = 0; i < 200; i++) {
      float s = (float) r.nextGaussian();
      assertEquals(top.accepts(s), s > top.floor(), "score " + s + " after " + i + " offers");
      top.offer(s, i);
    }
  }

  @Test
  void keepsTheBestKOfWhatIsOfferedBestFirst() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 300; round++) {
      int k = 1 + r.nextInt(40), n = r.nextInt(500);
      TopK top = new TopK(k);
      float[] offered = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values, so that ties are common.
        offered[i] = r.nextBoolean() ? r.nextInt(20) : (float) r.nextGaussian();
        top.offer(offered[i], i);
      }
      float[] expected = offered.clone();
      java.util.Arrays.sort(expected);
      int m = Math.min(k, n);
      assertEquals(m, top.size(), "seed " + seed);
      float[] scores = new float[m];
      long[] payloads = new long[m];
      assertEquals(m, top.drainDescending(scores, payloads), "seed " + seed);
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < m; i++) {
        assertEquals(expected[n - 1 - i], scores[i], "seed " + seed + ", rank " + i);
        assertEquals(offered[(int) payloads[i]], scores[i], "seed " + seed + ": payload kept with its score");
        assertTrue(seen.add(payloads[i]), "seed " + seed + ": payload returned twice");
      }
      assertEquals(0, top.size(), "seed " + seed + ": drained");
    }
  }

  @Test
  void centroidCodesRankRowsAsTheirFloatsDo() {
    int dim = 40, rows = 7;
    Random r = new Random(3);
    float[] centroids = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(unit(AtlasIndexTest.randomVector(r, dim)), 0, centroids, i * dim, dim);
    }
    Node.Children c = new Node.Children(new Object[rows], centroids);
    assertEquals(rows, c.codes().rows());
    for (int q = 0; q < 50; q++) {
      float[] query = unit(AtlasIndexTest.randomVector(r, dim));
      assertEquals(bestByFloats(centroids, rows, query), bestByCodes(c.codes(), rows, query), "query " + q);
    }
    float[] moved = unit(AtlasIndexTest.randomVector(r, dim));
    c.setRow(2, moved);
    assertEquals(2, bestByCodes(c.codes(), rows, moved));
    assertEquals(Float.float16ToFloat(Float.floatToFloat16(moved[0])), c.centroids()[2 * dim], "kept at 16 bits");
  }

  private static int bestByCodes(CentroidCodes codes, int rows, float[] query) {
    byte[] qc = new byte[query.length];
    Int8Quantizer.quantize(query, qc);
    int[] dots = new int[codes.rows()];
    Kernels.best().bulkDotI8(MemorySegment.ofArray(qc), 0, codes.segment(), 0, query.length, codes.rows(), dots);
    int best = 0;
    for (int i = 1; i < rows; i++) {
      if (dots[i] * codes.scale(i) > dots[best] * codes.scale(best)) {
        best = i;
      }
    }
    return best;
  }

  private static int bestByFloats(float[] centroids, int rows, float[] query) {
    int dim = query.length, best = 0;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < rows; i++) {
      float s = 0;
      for (int j = 0; j < dim; j++) {
        s += centroids[i * dim + j] * query[j];
      }
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return best;
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
