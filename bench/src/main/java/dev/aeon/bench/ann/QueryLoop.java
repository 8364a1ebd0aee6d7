package dev.aeon.bench.ann;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures one search setting on one thread: a warm-up (so the JIT has compiled the path, Vector API
 * code included, before the timed passes), then passes over every query, timed one by one, until the
 * passes have lasted {@value #MEASURE_MIN_NANOS} ns. {@link Contender} measures each setting in several
 * rounds.
 *
 * <p>Why several passes: one pass over 1,000 queries at 5,000 QPS lasts 0.2 s, and on a shared machine
 * a neighbour's burst of that length moved single points by a third; a longer window averages over it.
 *
 * <p>QPS is reported twice: from wall time, and from the search thread's CPU time. On a machine shared
 * with other work the first also counts the time other processes held the core, which differs from
 * engine to engine by when they ran; the second does not, so the verdict compares engines by it.
 */
final class QueryLoop {

  private static final int WARMUP_QUERIES = 1000;
  private static final int REWARM_QUERIES = 200;
  private static final long WARMUP_MIN_NANOS = 1_000_000_000L;
  private static final long WARMUP_MAX_NANOS = 5_000_000_000L;
  private static final long MEASURE_MIN_NANOS = 600_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private QueryLoop() {}

  /** One measured point of a sweep. */
  record Measured(String params, double recall, double qps, double cpuQps, double p50Us, double p99Us, double meanUs) {}

  /**
   * Measures setting {@code s}. A {@code fullWarmup} lasts at least {@value #WARMUP_QUERIES} queries and a
   * second, for code the JIT has not compiled yet; else {@value #REWARM_QUERIES} queries bring the index's
   * memory back into the caches after other settings ran.
   */
  static Measured run(AnnEngine.Setting s, float[][] queries, int[][] truth, int k, boolean fullWarmup)
      throws IOException {
    long sink = 0;
    long warmStart = System.nanoTime();
    for (int i = 0; ; i++) {
      long spent = System.nanoTime() - warmStart;
      if (spent > WARMUP_MAX_NANOS || (fullWarmup ? i >= WARMUP_QUERIES && spent > WARMUP_MIN_NANOS
          : i >= REWARM_QUERIES)) {
        break;
      }
      sink += s.query().search(queries[i % queries.length], k).length;
    }
    int[][] found = new int[queries.length][];
    long[] nanos = new long[queries.length];
    int searches = 0;
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    do {
      for (int i = 0; i < queries.length; i++, searches++) {
        if (searches == nanos.length) {
          nanos = Arrays.copyOf(nanos, 2 * nanos.length);
        }
        long t0 = System.nanoTime();
        int[] ids = s.query().search(queries[i], k);
        nanos[searches] = System.nanoTime() - t0;
        if (found[i] == null) {
          found[i] = ids;
        } else {
          sink += ids.length;
        }
      }
    } while (System.nanoTime() - start < MEASURE_MIN_NANOS);
    long total = System.nanoTime() - start;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    if (sink < 0) {
      System.out.println(sink); // keeps the warm-up's and later passes' results alive
    }
    Arrays.sort(nanos, 0, searches);
    double mean = total / 1e3 / searches;
    return new Measured(s.params(), Recall.atK(found, truth, k), searches / (total / 1e9), searches / (cpu / 1e9),
        percentile(nanos, searches, 0.50) / 1e3, percentile(nanos, searches, 0.99) / 1e3, mean);
  }

  /** The {@code p} percentile of the first {@code n} values of {@code sorted}. */
  static long percentile(long[] sorted, int n, double p) {
    int i = (int) Math.ceil(p * n) - 1;
    return sorted[Math.max(0, Math.min(n - 1, i))];
  }

  static String row(String engine, Measured m) {
    return String.format(Locale.ROOT, "  %-18s %-34s %8.4f %10.0f %10.0f %9.1f %9.1f", engine, m.params(), m.recall(),
        m.qps(), m.cpuQps(), m.p50Us(), m.p99Us());
  }
}
