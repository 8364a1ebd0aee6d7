package dev.aeon.query.exec;

import dev.aeon.query.trace.VectorRecall;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/** An exact (brute-force cosine) vector recall over event ids: the test double of the engine's index. */
final class ExactVectors implements VectorRecall {

  final Map<Long, float[]> vectors = new HashMap<>();

  void put(long eventId, float[] v) {
    vectors.put(eventId, v);
  }

  @Override
  public List<Hit> recall(float[] query, int k, LongPredicate filter) {
    List<Hit> hits = new ArrayList<>();
    vectors.forEach((id, v) -> {
      if (filter == null || filter.test(id)) {
        hits.add(new Hit(id, cosine(v, query)));
      }
    });
    hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingLong(Hit::eventId));
    return hits.subList(0, Math.min(k, hits.size()));
  }

  @Override
  public float similarity(long eventId, float[] query) {
    float[] v = vectors.get(eventId);
    return v == null ? Float.NaN : cosine(v, query);
  }

  static float cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return (float) (dot / Math.sqrt(na * nb));
  }
}
