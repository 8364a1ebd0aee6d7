package dev.aeon.bench.ann;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times one search setting on one thread: a warm-up (so the JIT has compiled the path, Vector API code
 * included, before anything is timed), then queries timed one by one, in chunks that a {@link Tally}
 * adds up. {@link AnnBench} interleaves the chunks of every engine's settings (see {@link Contender}).
 *
 * <p>QPS is reported twice: from wall time, and from the search thread's CPU time. On a machine shared
 * with other work the first also counts the time other processes held the core, which differs from
 * engine to engine by when they ran; the second does not, so the verdict compares engines by it.
 */
final class QueryLoop {

  private static final int WARMUP_QUERIES = 1000;
  private static final long WARMUP_MIN_NANOS = 1_000_000_000L;
  private static final long WARMUP_MAX_NANOS = 5_000_000_000L;
  /** Queries run untimed before each chunk, to bring the setting's memory back into the caches. */
  private static final int REWARM_QUERIES = 25;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private QueryLoop() {}

  /** One measured point of a sweep. */
  record Measured(String params, double recall, double qps, double cpuQps, double p50Us, double p99Us, double meanUs) {}

  /**
   * Runs {@code s} untimed over every query once, and on until it has run at least {@value #WARMUP_QUERIES}
   * queries and for a second (or, the pass done, for five seconds); returns the recall of the first pass.
   */
  static double warmUp(AnnEngine.Setting s, float[][] queries, int[][] truth, int k) throws IOException {
    int[][] found = new int[queries.length][];
    long sink = 0;
    long start = System.nanoTime();
    for (int i = 0; ; i++) {
      long spent = System.nanoTime() - start;
      if (i >= queries.length && (spent > WARMUP_MAX_NANOS || i >= WARMUP_QUERIES && spent > WARMUP_MIN_NANOS)) {
        break;
      }
      int[] ids = s.query().search(queries[i % queries.length], k);
      if (i < queries.length) {
        found[i] = ids;
      } else {
        sink += ids.length;
      }
    }
    if (sink < 0) {
      System.out.println(sink); // keeps the results alive
    }
    return Recall.atK(found, truth, k);
  }

  /** Measures {@code s} alone: a warm-up, then every query once. */
  static Measured run(AnnEngine.Setting s, float[][] queries, int[][] truth, int k) throws IOException {
    Tally t = new Tally(s, warmUp(s, queries, truth, k));
    t.measure(queries, 0, queries.length, k);
    return t.result();
  }

  /**
   * One setting's timed queries, added up over chunks: every query's latency, and the search thread's CPU
   * and wall time over the timed queries only. Searches are deterministic, so the recall is the warm-up's.
   */
  static final class Tally {
    private final AnnEngine.Setting setting;
    private final double recall;
    private long[] nanos = new long[1024];
    private int searches;
    private long cpuNanos;
    private long wallNanos;
    private long sink;

    Tally(AnnEngine.Setting setting, double recall) {
      this.setting = setting;
      this.recall = recall;
    }

    /**
     * Runs {@value #REWARM_QUERIES} untimed queries (those before {@code from}, not the ones about to be
     * timed), then times queries {@code [from, to)}.
     */
    void measure(float[][] queries, int from, int to, int k) throws IOException {
      for (int i = 1; i <= REWARM_QUERIES; i++) {
        sink += setting.query().search(queries[Math.floorMod(from - i, queries.length)], k).length;
      }
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      for (int i = from; i < to; i++, searches++) {
        if (searches == nanos.length) {
          nanos = Arrays.copyOf(nanos, 2 * nanos.length);
        }
        long t0 = System.nanoTime();
        sink += setting.query().search(queries[i], k).length;
        nanos[searches] = System.nanoTime() - t0;
      }
      wallNanos += System.nanoTime() - start;
      cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuStart;
    }

    /** The point measured: QPS and latencies over every timed query. */
    Measured result() {
      if (sink < 0) {
        System.out.println(sink); // keeps the results alive
      }
      long[] sorted = Arrays.copyOf(nanos, searches);
      Arrays.sort(sorted);
      return new Measured(setting.params(), recall, searches / (wallNanos / 1e9), searches / (cpuNanos / 1e9),
          percentile(sorted, 0.50) / 1e3, percentile(sorted, 0.99) / 1e3, wallNanos / 1e3 / searches);
    }
  }

  static long percentile(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String row(String engine, Measured m) {
    return String.format(Locale.ROOT, "  %-18s %-34s %8.4f %10.0f %10.0f %9.1f %9.1f", engine, m.params(), m.recall(),
        m.qps(), m.cpuQps(), m.p50Us(), m.p99Us());
  }
}
