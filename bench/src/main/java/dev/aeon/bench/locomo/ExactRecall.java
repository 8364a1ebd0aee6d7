package dev.aeon.bench.locomo;

import java.util.List;

/** The baseline: brute-force cosine (dot of unit vectors) of a query against every turn of its conversation. */
final class ExactRecall {

  private ExactRecall() {}

  /** Every turn's similarity to the query, indexed like the turns. */
  static float[] scores(float[] query, List<float[]> turns) {
    float[] scores = new float[turns.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = dot(query, turns.get(i));
    }
    return scores;
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Indexes of the {@code k} best scores, best first; ties go to the earlier turn. */
  static int[] top(float[] scores, int k) {
    int n = Math.min(k, scores.length);
    int[] best = new int[n];
    int size = 0;
    for (int i = 0; i < scores.length; i++) {
      if (size == n && scores[i] <= scores[best[n - 1]]) {
        continue;
      }
      int at = size < n ? size++ : n - 1;
      while (at > 0 && scores[best[at - 1]] < scores[i]) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = i;
    }
    return best;
  }
}
