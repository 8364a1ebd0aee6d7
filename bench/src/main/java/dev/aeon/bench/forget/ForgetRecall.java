package dev.aeon.bench.forget;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.slb.Background;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.AtlasStats;
import dev.aeon.index.atlas.SearchResult;
import dev.aeon.index.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * {@code ./aeon bench forget --recall [--quick] [--events N] [--kept-percent P,P,..]}: what forgetting most sessions
 * of an index does to the default search's recall@10. An Atlas index is built by single adds (as remembers make it)
 * of N WordNet gloss vectors (all-MiniLM-L6-v2) in sessions of {@value #SESSION} events, interleaved (the adds in a
 * seeded shuffle); then seeded random sessions are forgotten, one {@code removeAll} each, until P percent are left,
 * for each P in turn. At each step the default search (k = 10) is measured against the exact top 10 of the live
 * vectors over held-out glosses, and so is a fresh index of the same live vectors added in the same order: the
 * baseline, an index that never held what was forgotten.
 *
 * <p>Sessions are {@code spread} (the glosses' shuffled order: each session's events all over the sphere) or
 * {@code clustered} (the glosses grouped by the nearest of N / {@value #SESSION} seeded centres, cut in sessions in
 * that order: a conversation on one topic, whose events fill leaves of their own). Writes
 * {@code target/bench/forget-recall.json}.
 */
final class ForgetRecall {

  static final int SESSION = 100;
  static final int K = 10;
  static final int QUERIES = 1000;
  static final int QUICK_EVENTS = 20_000;
  static final int QUICK_QUERIES = 300;

  private ForgetRecall() {}

  static void run(boolean quick, int events, int[] keptPercents) throws IOException {
    int queries = quick ? QUICK_QUERIES : QUERIES;
    System.out.printf(Locale.ROOT, "forget --recall: %,d WordNet vectors in sessions of %d, forgotten until %s%%"
        + " of the sessions are left; recall@10 of the default search over %,d held-out glosses%s%n", events,
        SESSION, Arrays.toString(keptPercents), queries, quick ? " (quick run)" : "");
    Background glosses;
    try {
      glosses = Background.wordnet(events + queries);
    } catch (DataUnavailableException e) {
      System.err.println("aeon bench forget: the WordNet glosses are not available: " + e.getMessage());
      System.exit(3);
      return;
    }
    float[][] base = Arrays.copyOfRange(glosses.vectors(), 0, events);
    float[][] qs = Arrays.copyOfRange(glosses.vectors(), events, events + queries);
    Map<String, Object> report = BenchReport.header();
    report.put("quick", quick);
    report.put("events", events);
    report.put("session_events", SESSION);
    report.put("queries", queries);
    report.put("k", K);
    List<Map<String, Object>> rows = new ArrayList<>();
    Path work = Path.of("target", "forget-recall-work").toAbsolutePath();
    try {
      for (String kind : List.of("spread", "clustered")) {
        int[] order = kind.equals("spread") ? identity(events) : clusteredOrder(base);
        rows.addAll(measure(kind, base, order, qs, keptPercents, work));
      }
    } finally {
      BenchFiles.deleteTree(work);
    }
    report.put("rows", rows);
    BenchReport.write("forget-recall", report);
  }

  /**
   * One kind of session: the index of every event, then each kept share, each against a fresh index. Session s is
   * the events {@code order[s * SESSION ..]}; an event's id is its place in {@code base}.
   */
  private static List<Map<String, Object>> measure(String kind, float[][] base, int[] order, float[][] qs,
      int[] keptPercents, Path work) throws IOException {
    int sessions = base.length / SESSION;
    int[] adds = shuffled(identity(sessions * SESSION), 7); // places in order: the sessions interleaved
    List<Map<String, Object>> rows = new ArrayList<>();
    BenchFiles.deleteTree(work);
    Files.createDirectories(work);
    try (AtlasIndex index = AtlasIndex.create(work.resolve("forgotten"), AtlasConfig.of(base[0].length))) {
      for (int at : adds) {
        index.add(order[at], base[order[at]]);
      }
      boolean[] live = new boolean[base.length];
      for (int at : adds) {
        live[order[at]] = true;
      }
      rows.add(row(kind, 100, index, null, base, live, qs));
      int[] forgetOrder = shuffled(identity(sessions), 11);
      int forgotten = 0;
      for (int percent : keptPercents) {
        int keep = (int) Math.round(sessions * percent / 100.0);
        for (; forgotten < sessions - keep; forgotten++) {
          int s = forgetOrder[forgotten];
          long[] ids = new long[SESSION];
          for (int i = 0; i < SESSION; i++) {
            ids[i] = order[s * SESSION + i];
            live[(int) ids[i]] = false;
          }
          index.removeAll(ids);
        }
        Path freshDir = work.resolve("fresh-" + percent);
        try (AtlasIndex fresh = AtlasIndex.create(freshDir, AtlasConfig.of(base[0].length))) {
          for (int at : adds) {
            if (live[order[at]]) {
              fresh.add(order[at], base[order[at]]);
            }
          }
          rows.add(row(kind, percent, index, fresh, base, live, qs));
        }
        BenchFiles.deleteTree(freshDir);
      }
    }
    return rows;
  }

  /** The figures of one step: the index's recall and shape, and the fresh one's if there is one. */
  private static Map<String, Object> row(String kind, int percent, AtlasIndex index, AtlasIndex fresh,
      float[][] base, boolean[] live, float[][] qs) {
    int[][] truth = exactTopK(base, live, qs);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("sessions", kind);
    row.put("kept_percent", percent);
    row.put("live", index.size());
    Figures f = Figures.of(index, qs, truth);
    f.put(row, "");
    String line = String.format(Locale.ROOT, "%-9s %3d%% kept, %,7d live: recall@10 %.4f (%s)", kind, percent,
        index.size(), f.recall(), f.shape());
    if (fresh != null) {
      Figures g = Figures.of(fresh, qs, truth);
      g.put(row, "fresh_");
      row.put("recall_minus_fresh", BenchReport.round(f.recall() - g.recall(), 4));
      line += String.format(Locale.ROOT, "; fresh index recall@10 %.4f (%s)", g.recall(), g.shape());
    }
    System.out.println(line);
    return row;
  }

  /** Recall@10 of an index's default search, and its shape. */
  private record Figures(double recall, AtlasStats stats, double leavesScored) {

    static Figures of(AtlasIndex index, float[][] qs, int[][] truth) {
      long hits = 0;
      long leaves = 0;
      for (int q = 0; q < qs.length; q++) {
        SearchResult r = index.search(qs[q], K);
        leaves += r.leafIds().length;
        for (long id : r.ids()) {
          for (int t : truth[q]) {
            hits += t == id ? 1 : 0;
          }
        }
      }
      return new Figures(hits / ((double) qs.length * K), index.stats(), leaves / (double) qs.length);
    }

    String shape() {
      return String.format(Locale.ROOT, "%,d leaves under %,d inner nodes, %.1f leaves scored a search",
          stats.leaves(), stats.innerNodes(), leavesScored);
    }

    void put(Map<String, Object> row, String prefix) {
      row.put(prefix + "recall_at_10", BenchReport.round(recall, 4));
      row.put(prefix + "leaves", stats.leaves());
      row.put(prefix + "inner_nodes", stats.innerNodes());
      row.put(prefix + "leaves_scored_per_search", BenchReport.round(leavesScored, 1));
    }
  }

  /** The exact top {@value #K} of the live base vectors for each query (ids are places in {@code base}). */
  private static int[][] exactTopK(float[][] base, boolean[] live, float[][] qs) {
    return IntStream.range(0, qs.length).parallel().mapToObj(q -> {
      int[] ids = new int[K];
      float[] scores = new float[K];
      Arrays.fill(scores, Float.NEGATIVE_INFINITY);
      Arrays.fill(ids, -1);
      for (int i = 0; i < base.length; i++) {
        if (!live[i]) {
          continue;
        }
        float s = Kernels.dot(qs[q], base[i]);
        if (s > scores[K - 1]) {
          int j = K - 1;
          while (j > 0 && scores[j - 1] < s) {
            scores[j] = scores[j - 1];
            ids[j] = ids[j - 1];
            j--;
          }
          scores[j] = s;
          ids[j] = i;
        }
      }
      return ids;
    }).toArray(int[][]::new);
  }

  /**
   * The events grouped by topic: each with the others nearest the same of {@code base.length / SESSION} seeded
   * random events (its centre), the groups in the centres' order.
   */
  private static int[] clusteredOrder(float[][] base) {
    int centres = Math.max(1, base.length / SESSION);
    int[] picked = Arrays.copyOf(shuffled(identity(base.length), 5), centres);
    int[] nearest = IntStream.range(0, base.length).parallel().map(i -> {
      int best = 0;
      float bestScore = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < centres; c++) {
        float s = Kernels.dot(base[i], base[picked[c]]);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      return best;
    }).toArray();
    return IntStream.range(0, base.length).boxed()
        .sorted((a, b) -> nearest[a] != nearest[b] ? Integer.compare(nearest[a], nearest[b]) : Integer.compare(a, b))
        .mapToInt(Integer::intValue).toArray();
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    Arrays.setAll(out, i -> i);
    return out;
  }

  private static int[] shuffled(int[] a, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
