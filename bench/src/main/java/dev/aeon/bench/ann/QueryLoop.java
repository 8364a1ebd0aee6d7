package dev.aeon.bench.ann;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures one search setting on one thread: a warm-up pass (so the JIT has compiled the path before
 * the timed pass), then every query once, timed one by one.
 */
final class QueryLoop {

  private static final int WARMUP_QUERIES = 1000;

  private QueryLoop() {}

  /** One measured point of a sweep. */
  record Measured(String params, double recall, double qps, double p50Us, double p99Us, double meanUs) {}

  static Measured run(AnnEngine.Setting s, float[][] queries, int[][] truth, int k) throws IOException {
    int warm = Math.min(queries.length, WARMUP_QUERIES);
    long sink = 0;
    for (int i = 0; i < warm; i++) {
      sink += s.query().search(queries[i], k).length;
    }
    int[][] found = new int[queries.length][];
    long[] nanos = new long[queries.length];
    long start = System.nanoTime();
    for (int i = 0; i < queries.length; i++) {
      long t0 = System.nanoTime();
      found[i] = s.query().search(queries[i], k);
      nanos[i] = System.nanoTime() - t0;
    }
    long total = System.nanoTime() - start;
    if (sink < 0) {
      System.out.println(sink); // keeps the warm-up's results alive
    }
    Arrays.sort(nanos);
    double mean = total / 1e3 / queries.length;
    return new Measured(s.params(), Recall.atK(found, truth, k), queries.length / (total / 1e9),
        percentile(nanos, 0.50) / 1e3, percentile(nanos, 0.99) / 1e3, mean);
  }

  static long percentile(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String row(String engine, Measured m) {
    return String.format(Locale.ROOT, "  %-18s %-34s %8.4f %10.0f %9.1f %9.1f", engine, m.params(), m.recall(),
        m.qps(), m.p50Us(), m.p99Us());
  }
}
