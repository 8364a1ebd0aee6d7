package dev.aeon.index.atlas;

import java.util.ArrayList;
import java.util.List;

/**
 * Measured recall@10 of this index as a function of nprobe, from a sample of its own vectors used as
 * queries (each query's own id left out of both its answer and its ground truth), against an exact
 * scan. {@link #nprobeFor} then picks the smallest nprobe that reaches a target recall.
 *
 * @param vectors live vectors when measured (a calibration is redone after the index grows or shrinks by
 *     a quarter)
 * @param nprobes the nprobe values tried, increasing
 * @param recalls the mean recall@10 measured at each
 */
record Calibration(long vectors, int[] nprobes, double[] recalls) {

  static final int K = SelfQueries.K;
  static final int QUERIES = 100;

  int nprobeFor(double target) {
    for (int i = 0; i < nprobes.length; i++) {
      if (recalls[i] >= target) {
        return nprobes[i];
      }
    }
    return nprobes[nprobes.length - 1];
  }

  boolean staleFor(long size) {
    return SelfQueries.stale(vectors, size);
  }

  /**
   * Samples queries from the leaves and measures recall at doubling nprobe up to every leaf, searching as
   * {@code params} says (the automatic settings as this index resolves them).
   */
  static Calibration measure(Searcher searcher, Storage st, long size, long seed, SearchParams params) {
    int leaves = searcher.allLeaves().size();
    SelfQueries sample = SelfQueries.sample(searcher, st, QUERIES, seed);
    List<long[]> truth = new ArrayList<>();
    List<PreparedQuery> queries = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      truth.add(sample.withoutSelf(i, searcher.exhaustive(sample.queries().get(i), K + 1).ids()));
      queries.add(new PreparedQuery(sample.queries().get(i))); // stored vectors are unit length already
    }
    List<Integer> tried = new ArrayList<>();
    List<Double> recalls = new ArrayList<>();
    for (int nprobe = 1; ; nprobe *= 2) {
      int probes = Math.min(nprobe, leaves);
      double sum = 0;
      for (int i = 0; i < sample.size(); i++) {
        long[] got = searcher.search(queries.get(i), K + 1, probes, Math.max(4, probes / 4), params, null,
            null, true).ids();
        sum += SelfQueries.overlap(sample.withoutSelf(i, got), truth.get(i));
      }
      tried.add(probes);
      recalls.add(sample.size() == 0 ? 1 : sum / sample.size());
      if (probes >= leaves || recalls.getLast() >= 0.999) {
        break;
      }
    }
    return new Calibration(size, tried.stream().mapToInt(Integer::intValue).toArray(),
        recalls.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
