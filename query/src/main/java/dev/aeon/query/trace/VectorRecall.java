package dev.aeon.query.trace;

import java.util.List;
import java.util.function.LongPredicate;

/**
 * Vector search over the events' vectors, in event-id space; implemented by the engine over the vector
 * index. Thread-safe.
 */
public interface VectorRecall {

  /** A recalled event and its similarity (cosine, higher is closer). */
  record Hit(long eventId, float score) {}

  /**
   * The {@code k} events most similar to {@code query} that pass {@code filter} (null: all), best first.
   *
   * @throws IllegalArgumentException if {@code query} cannot be searched with (the query language reports
   *     it as a {@code QueryException} at the call)
   */
  List<Hit> recall(float[] query, int k, LongPredicate filter);

  /**
   * Similarity of the event's vector to {@code query}, or NaN if the event has no vector.
   *
   * @throws IllegalArgumentException if {@code query} cannot be compared with
   */
  float similarity(long eventId, float[] query);

  /** A recall that knows no vectors: every query finds nothing. */
  VectorRecall NONE = new VectorRecall() {
    @Override
    public List<Hit> recall(float[] query, int k, LongPredicate filter) {
      return List.of();
    }

    @Override
    public float similarity(long eventId, float[] query) {
      return Float.NaN;
    }
  };
}
