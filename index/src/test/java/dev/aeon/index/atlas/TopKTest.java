package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKTest {

  /** Against a sort, for a k below, near and far above the number of pairs (the buffer then grows). */
  @Test
  void keepsTheBestKOfWhatItIsOffered() {
    Random r = new Random(7);
    for (int k : new int[] {1, 5, 64, 2_999, 3_000, 100_000, Integer.MAX_VALUE}) {
      int n = 3_000;
      float[] offered = new float[n];
      TopK top = new TopK(k);
      for (int i = 0; i < n; i++) {
        offered[i] = r.nextFloat();
        top.offer(offered[i], i);
      }
      int expected = Math.min(k, n);
      assertEquals(expected, top.size(), "k=" + k);
      float[] scores = new float[expected];
      long[] payloads = new long[expected];
      assertEquals(expected, top.drainDescending(scores, payloads));
      float[] sorted = offered.clone();
      Arrays.sort(sorted);
      float[] best = new float[expected];
      for (int i = 0; i < expected; i++) {
        best[i] = sorted[n - 1 - i];
        assertEquals(offered[(int) payloads[i]], scores[i], "payload of rank " + i + ", k=" + k);
      }
      assertArrayEquals(best, scores, "k=" + k);
    }
  }

  /**
   * A search reads its lists in place ({@link TopK#sortDescending}) and empties one to collect the next level's
   * ({@link TopK#clear}): in place it reads what a drain copies out, and a cleared list keeps what a new one does,
   * nothing of what it held before. Seeded: the seed is printed on failure.
   */
  @Test
  void aClearedListKeepsWhatANewOneDoes() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    TopK reused = new TopK(24);
    for (int round = 0; round < 50; round++) {
      int n = r.nextInt(200);
      TopK fresh = new TopK(24);
      for (int i = 0; i < n; i++) {
        // Scores of the earlier rounds above the later ones' at times: a leftover floor or pair would show.
        float s = r.nextInt(30) + (float) r.nextGaussian() * (round % 2 == 0 ? 10 : 1);
        reused.offer(s, round * 1000L + i);
        fresh.offer(s, round * 1000L + i);
      }
      float[] scores = new float[24];
      long[] payloads = new long[24];
      int m = fresh.drainDescending(scores, payloads);
      assertEquals(m, reused.sortDescending(), "seed " + seed + ", round " + round);
      for (int i = 0; i < m; i++) {
        assertEquals(scores[i], reused.score(i), "seed " + seed + ", round " + round + ", rank " + i);
        assertEquals(payloads[i], reused.payload(i), "seed " + seed + ", round " + round + ", rank " + i);
      }
      reused.clear();
      assertEquals(0, reused.size());
      assertEquals(Float.NEGATIVE_INFINITY, reused.floor(), "seed " + seed + ": the floor of the last round is gone");
    }
  }
}
