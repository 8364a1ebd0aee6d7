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
}
