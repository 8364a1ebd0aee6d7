package dev.aeon.bench.locomo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts hit@k for one recall method: a question is a hit at k when any of its evidence turns is among
 * the first k results. Kept overall and per LoCoMo category.
 */
final class HitCounter {

  static final int[] KS = {1, 5, 10, 25};

  /** Deepest rank any method must return. */
  static final int DEPTH = KS[KS.length - 1];

  private final int[] hits = new int[KS.length];
  private int questions;
  private final Map<Integer, int[]> categoryHits = new TreeMap<>();
  private final Map<Integer, Integer> categoryQuestions = new TreeMap<>();

  /** Records one question's ranking (turn indexes, best first). */
  void add(int category, int[] evidence, int[] ranking) {
    int first = firstEvidenceRank(evidence, ranking);
    questions++;
    categoryQuestions.merge(category, 1, Integer::sum);
    int[] perCategory = categoryHits.computeIfAbsent(category, c -> new int[KS.length]);
    for (int i = 0; i < KS.length; i++) {
      if (first < KS[i]) {
        hits[i]++;
        perCategory[i]++;
      }
    }
  }

  /** 0-based rank of the best-placed evidence turn, or Integer.MAX_VALUE if none was returned. */
  static int firstEvidenceRank(int[] evidence, int[] ranking) {
    for (int r = 0; r < ranking.length; r++) {
      for (int e : evidence) {
        if (ranking[r] == e) {
          return r;
        }
      }
    }
    return Integer.MAX_VALUE;
  }

  int questions() {
    return questions;
  }

  double hitAt(int k) {
    return ratio(hits[indexOf(k)], questions);
  }

  /** {"hit_at_1": .., "hit_at_5": .., ...} over every question. */
  Map<String, Object> summary() {
    return summary(hits, questions);
  }

  /** Category number -> the same map over that category's questions. */
  Map<Integer, Map<String, Object>> perCategory() {
    Map<Integer, Map<String, Object>> out = new TreeMap<>();
    categoryHits.forEach((c, h) -> out.put(c, summary(h, categoryQuestions.get(c))));
    return out;
  }

  private static Map<String, Object> summary(int[] hits, int questions) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < KS.length; i++) {
      m.put("hit_at_" + KS[i], Math.round(ratio(hits[i], questions) * 10000) / 10000.0);
    }
    m.put("questions", questions);
    return m;
  }

  private static int indexOf(int k) {
    for (int i = 0; i < KS.length; i++) {
      if (KS[i] == k) {
        return i;
      }
    }
    throw new IllegalArgumentException("hit@" + k + " is not counted; counted: 1, 5, 10, 25");
  }

  private static double ratio(int n, int d) {
    return d == 0 ? 0 : (double) n / d;
  }
}
