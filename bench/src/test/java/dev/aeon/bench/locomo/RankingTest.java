package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RankingTest {

  @Test
  void topMatchesAFullSortOnRandomScores() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = random.nextInt(60);
      float[] scores = new float[n];
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextInt(10) / 10f; // many ties
      }
      int k = 1 + random.nextInt(30);
      int[] expected = IntStream.range(0, n).boxed()
          .sorted(Comparator.comparing((Integer i) -> -scores[i]).thenComparing(i -> i))
          .limit(k).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, ExactRecall.top(scores, k), "seed " + seed + " round " + round);
    }
  }

  @Test
  void hitAtKCountsTheBestPlacedEvidenceTurn() {
    HitCounter hits = new HitCounter();
    int[] ranking = IntStream.range(100, 125).toArray(); // turn 100 first, 124 last
    hits.add(2, new int[] {100}, ranking);      // rank 0: hit at 1, 5, 10, 25
    hits.add(2, new int[] {999, 104}, ranking); // rank 4: hit at 5, 10, 25
    hits.add(4, new int[] {112}, ranking);      // rank 12: hit at 25
    hits.add(4, new int[] {5}, ranking);        // missing: no hit
    assertEquals(4, hits.questions());
    assertEquals(0.25, hits.hitAt(1));
    assertEquals(0.5, hits.hitAt(5));
    assertEquals(0.5, hits.hitAt(10));
    assertEquals(0.75, hits.hitAt(25));
    Map<String, Object> temporal = hits.perCategory().get(2);
    assertEquals(0.5, temporal.get("hit_at_1"));
    assertEquals(1.0, temporal.get("hit_at_5"));
    assertEquals(2, temporal.get("questions"));
    assertEquals(0.5, hits.perCategory().get(4).get("hit_at_25"));
    assertEquals(Arrays.asList("hit_at_1", "hit_at_5", "hit_at_10", "hit_at_25", "questions"),
        hits.summary().keySet().stream().toList());
  }
}
