package dev.aeon.index.atlas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A sample of the index's own live vectors used as queries, for the measurements an index makes of
 * itself ({@link Calibration}, {@link SketchCheck}). Each query's own id is left out of the answers
 * compared, so that finding itself does not count.
 */
record SelfQueries(List<float[]> queries, List<Long> selves) {

  static final int K = 10;

  /** Up to {@code count} vectors from random pages of random leaves. */
  static SelfQueries sample(Searcher searcher, Storage st, int count, long seed) {
    List<Leaf> leaves = searcher.allLeaves();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<float[]> queries = new ArrayList<>();
    List<Long> selves = new ArrayList<>();
    for (int attempt = 0; attempt < count * 4 && queries.size() < count && !leaves.isEmpty(); attempt++) {
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
      float[] q = new float[st.config.dim()];
      st.vectors.read(slot, q);
      queries.add(q);
      selves.add(st.pages.id(page, i));
    }
    return new SelfQueries(queries, selves);
  }

  /** Whether a measurement taken at {@code measured} vectors is stale at {@code size}: a quarter more or less. */
  static boolean stale(long measured, long size) {
    return size > measured * 5 / 4 || size < measured * 3 / 4;
  }

  int size() {
    return queries.size();
  }

  /** The first K ids of {@code ids} other than query {@code i}'s own. */
  long[] withoutSelf(int i, long[] ids) {
    long self = selves.get(i);
    long[] out = new long[K];
    int n = 0;
    for (long id : ids) {
      if (id != self && n < K) {
        out[n++] = id;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The share of {@code truth} found in {@code got} (1 for an empty truth). */
  static double overlap(long[] got, long[] truth) {
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
