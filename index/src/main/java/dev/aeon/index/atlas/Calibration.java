package dev.aeon.index.atlas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

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

  static final int K = 10;
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
    return size > vectors * 5 / 4 || size < vectors * 3 / 4;
  }

  /** Samples queries from the leaves and measures recall at doubling nprobe up to every leaf. */
  static Calibration measure(Searcher searcher, Storage st, long size, long seed) {
    List<Leaf> leaves = searcher.allLeaves();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<float[]> queries = new ArrayList<>();
    List<Long> selves = new ArrayList<>();
    int dim = st.config.dim();
    for (int attempt = 0; attempt < QUERIES * 4 && queries.size() < QUERIES && !leaves.isEmpty(); attempt++) {
      int[] pages = leaves.get(rnd.nextInt(leaves.size())).pages();
      if (pages.length == 0) {
        continue;
      }
      int page = pages[rnd.nextInt(pages.length)];
      int n = st.pages.count(page);
      if (n == 0) {
        continue;
      }
      int i = rnd.nextInt(n);
      int slot = st.pages.slot(page, i);
      if (st.tombstones.get(slot)) {
        continue;
      }
      float[] q = new float[dim];
      st.vectors.read(slot, q);
      queries.add(q);
      selves.add(st.pages.id(page, i));
    }
    List<long[]> truth = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      truth.add(without(searcher.exhaustive(queries.get(i), K + 1).ids(), selves.get(i)));
    }
    SearchParams defaults = SearchParams.defaults();
    List<Integer> tried = new ArrayList<>();
    List<Double> recalls = new ArrayList<>();
    for (int nprobe = 1; ; nprobe *= 2) {
      int probes = Math.min(nprobe, leaves.size());
      double sum = 0;
      for (int i = 0; i < queries.size(); i++) {
        long[] got = without(searcher.search(queries.get(i), K + 1, probes, Math.max(4, probes / 4), defaults, null,
            null, true).ids(), selves.get(i));
        sum += overlap(got, truth.get(i));
      }
      tried.add(probes);
      recalls.add(queries.isEmpty() ? 1 : sum / queries.size());
      if (probes >= leaves.size() || recalls.getLast() >= 0.999) {
        break;
      }
    }
    return new Calibration(size, tried.stream().mapToInt(Integer::intValue).toArray(),
        recalls.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The first K ids of {@code ids} other than {@code self}. */
  private static long[] without(long[] ids, long self) {
    long[] out = new long[K];
    int n = 0;
    for (long id : ids) {
      if (id != self && n < K) {
        out[n++] = id;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static double overlap(long[] got, long[] truth) {
    if (truth.length == 0) {
      return 1;
    }
    int hits = 0;
    for (long t : truth) {
      for (long g : got) {
        if (g == t) {
          hits++;
          break;
        }
      }
    }
    return hits / (double) truth.length;
  }
}
