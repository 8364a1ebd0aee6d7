package dev.aeon.bench.slb;

import dev.aeon.index.kernel.Kernels;
import java.util.ArrayDeque;

/**
 * A model of one namespace's lookaside ring for unfiltered recalls, used to tell which recalls the engine
 * really answered from the buffer. The engine's hit counter counts every lookup that found a similar
 * cached query, including those it then rejects (the entry is older than its rescan window, or holds
 * fewer candidates than k) and answers with a full search; latency and recall must be attributed to the
 * path actually taken, so the benchmark replays the same rules here and checks that its count of
 * similar-query lookups equals the engine's hit counter.
 */
final class LookasideModel {

  /** What the engine did with one recall. */
  enum Outcome {
    /** Answered by rescanning a similar query's candidates and the events remembered since. */
    HIT,
    /** A similar query was cached but unusable (too old or too few candidates): a full search. */
    REJECTED,
    /** No similar query cached: a full search. */
    MISS
  }

  private record Entry(float[] query, int candidates, long remembered) {}

  private final int capacity;
  private final float threshold;
  private final int candidates;
  private final ArrayDeque<Entry> ring = new ArrayDeque<>();

  /**
   * @param capacity entries per session (the ring size)
   * @param threshold the cosine from which a cached query counts as similar
   * @param candidates how many ids an entry keeps, and the most events remembered since that a hit rescans
   */
  LookasideModel(int capacity, float threshold, int candidates) {
    this.capacity = capacity;
    this.threshold = threshold;
    this.candidates = candidates;
  }

  /**
   * Classifies a recall of unit vector {@code q} for {@code k} results when {@code remembered} events are
   * in memory, and caches it as the engine does after a full search.
   */
  Outcome recall(float[] q, int k, long remembered) {
    Entry best = null;
    float bestScore = threshold;
    for (Entry e : ring) {
      float s = Kernels.dot(e.query, q);
      if (s >= bestScore) {
        bestScore = s;
        best = e;
      }
    }
    if (best != null && k <= best.candidates && remembered - best.remembered <= candidates) {
      return Outcome.HIT;
    }
    if (ring.size() == capacity) {
      ring.removeFirst();
    }
    ring.addLast(new Entry(q, (int) Math.min(candidates, remembered), remembered));
    return best == null ? Outcome.MISS : Outcome.REJECTED;
  }
}
