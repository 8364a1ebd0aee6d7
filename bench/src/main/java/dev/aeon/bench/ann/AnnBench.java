package dev.aeon.bench.ann;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.common.UserCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./aeon bench ann --dataset NAME [--quick] [--engines aeon,lucene-hnsw-int8,jvector] [--routing]}: builds
 * Atlas, Lucene's int8 HNSW and JVector over the same base vectors in one JVM, sweeps each one's search knob on
 * one thread at k = 10 (in {@link #ROUNDS} rounds, see {@link Contender}), prints a recall-QPS table and
 * the verdict against the targets, and writes {@code target/bench/ann-NAME.json} and
 * {@code target/bench/ann-NAME.svg}. {@code --routing} sweeps Atlas over the default nprobe and two wider ones, each
 * with the descent's routing pool at 2, 3 and 4 ({@link AtlasEngine#ROUTING_POOLS}), instead of its usual sweep, and
 * skips the greedy figures.
 */
public final class AnnBench {

  static final int K = 10;
  static final int GREEDY_N = 100_000;
  /** Rounds of every engine's sweep in a full run (the median round of each point is reported). */
  static final int ROUNDS = 5;
  /** Queries each point times per round in a full run (the queries are taken in turn, round after round). */
  static final int ROUND_QUERIES = 2_000;
  /** Queries per chunk: every point of every engine times one chunk before any times the next. */
  static final int CHUNK = 250;
  private static final int QUICK_BASE = 20_000;
  private static final int QUICK_QUERIES = 500;
  private static final List<String> ENGINES = List.of("aeon", "lucene-hnsw-int8", "jvector");

  private AnnBench() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.println("ann: data set " + o.dataset + (o.quick ? " (quick: at most " + QUICK_BASE + " base vectors, "
        + QUICK_QUERIES + " queries, fewer sweep points)" : ""));
    Dataset d;
    try {
      d = Datasets.load(o.dataset, o.quick, QUICK_BASE, QUICK_QUERIES);
    } catch (DataUnavailableException e) {
      System.err.println("aeon bench ann: data set " + o.dataset + " is not available: " + e.getMessage());
      System.exit(3);
      return;
    }
    System.out.printf(Locale.ROOT, "  %,d base vectors, %,d queries, %d dims (%s)%n", d.base().length,
        d.queries().length, d.dim(), d.source());
    Path cache = UserCache.root().resolve("ann");
    int[][] truth = GroundTruth.load(d, K, cache);
    Path work = Path.of("target", "ann-work", d.name());
    List<EngineResult> results = measure(o, d, truth, work);
    Map<String, Object> greedy = o.engines.contains("aeon") && !o.routing
        ? Greedy.measure(d, cache, work.resolve("greedy"), o.quick)
        : null;
    Map<String, Object> verdict = Verdict.compute(results, d.dim());
    printTable(d, results, greedy, verdict);
    Map<String, Object> report = report(d, o.quick, results, greedy, verdict);
    Path json = BenchReport.write("ann-" + d.name(), report);
    Path svg = json.resolveSibling("ann-" + d.name() + ".svg");
    Files.writeString(svg, SvgPlot.render("ANN " + d.name() + ": n=" + d.base().length + ", dim=" + d.dim()
        + ", k=10, 1 thread", results));
    System.out.println("wrote " + svg);
    BenchFiles.deleteTree(work);
  }

  /** Builds every engine, then measures their sweeps in {@link #ROUNDS} rounds (see {@link Contender}). */
  private static List<EngineResult> measure(Options o, Dataset d, int[][] truth, Path work) throws IOException {
    List<Contender> built = new ArrayList<>();
    try {
      for (String name : o.engines) {
        built.add(build(name, d, work.resolve(name), o.quick, o.routing));
      }
      float[][] queries = d.queries();
      System.out.println("warming up every setting (and taking its recall) ...");
      for (Contender c : built) {
        c.warmUp(queries, truth, K);
      }
      int rounds = o.quick ? 1 : ROUNDS, timed = o.quick ? queries.length : ROUND_QUERIES;
      int next = 0; // the next query to time, carried from round to round
      for (int r = 0; r < rounds; r++) {
        System.out.printf(Locale.ROOT, "round %d of %d%n", r + 1, rounds);
        for (Contender c : built) {
          c.startRound();
        }
        for (int left = timed, chunk = 0; left > 0; chunk++) {
          int from = next, to = Math.min(queries.length, from + Math.min(CHUNK, left));
          for (Contender c : chunk % 2 == 0 ? built : built.reversed()) {
            c.measureChunk(queries, from, to, K);
          }
          left -= to - from;
          next = to == queries.length ? 0 : to;
        }
        for (Contender c : built) {
          c.endRound(r);
        }
      }
      return built.stream().map(Contender::result).toList();
    } finally {
      for (Contender c : built) {
        c.close();
      }
      for (String name : o.engines) {
        BenchFiles.deleteTree(work.resolve(name));
      }
    }
  }

  private static Contender build(String name, Dataset d, Path dir, boolean quick, boolean routing)
      throws IOException {
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    AnnEngine e = create(name, dir, routing);
    try {
      System.out.printf(Locale.ROOT, "building %s over %,d vectors ...%n", name, d.base().length);
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      e.build(d.base());
      double buildS = (System.nanoTime() - t0) / 1e9;
      double buildCpuS = (processCpuNanos() - cpu0) / 1e9;
      double bpv = e.bytesPerVector();
      System.out.printf(Locale.ROOT, "  built in %.1f s (%.1f s of CPU); %.1f bytes/vector in RAM (%s)%n", buildS,
          buildCpuS, bpv, e.memoryNote());
      return new Contender(e, buildS, buildCpuS, bpv, quick);
    } catch (IOException | RuntimeException ex) {
      e.close();
      throw ex;
    }
  }

  static AnnEngine create(String name, Path dir, boolean routing) {
    return switch (name) {
      case "aeon" -> new AtlasEngine(dir, routing);
      case "lucene-hnsw-int8" -> new LuceneHnswEngine(dir);
      case "jvector" -> new JVectorEngine();
      default -> throw new IllegalArgumentException("unknown engine '" + name + "'; known: " + ENGINES);
    };
  }

  private static void printTable(Dataset d, List<EngineResult> results, Map<String, Object> greedy,
      Map<String, Object> verdict) {
    System.out.printf(Locale.ROOT, "%nANN %s: n=%,d, dim=%d, %,d queries, k=%d, one search thread%n", d.name(),
        d.base().length, d.dim(), d.queries().length, K);
    System.out.printf(Locale.ROOT, "  %-18s %8s %12s %14s%n", "engine", "build_s", "build_cpu_s", "bytes/vector");
    for (EngineResult r : results) {
      System.out.printf(Locale.ROOT, "  %-18s %8.1f %12.1f %14.1f%n", r.engine(), r.buildSeconds(), r.buildCpuSeconds(),
          r.bytesPerVector());
    }
    System.out.printf(Locale.ROOT, "  %-18s %-34s %8s %10s %10s %9s %9s%n", "engine", "params", "recall", "QPS",
        "QPS(cpu)", "p50_us", "p99_us");
    for (EngineResult r : results) {
      for (QueryLoop.Measured m : r.points()) {
        System.out.println(QueryLoop.row(r.engine(), m));
      }
    }
    if (greedy != null) {
      System.out.println("  greedy (beam 1, one leaf, no re-rank): " + greedy);
    }
    System.out.println(Verdict.describe(verdict));
  }

  private static Map<String, Object> report(Dataset d, boolean quick, List<EngineResult> results,
      Map<String, Object> greedy, Map<String, Object> verdict) {
    Map<String, Object> r = BenchReport.header();
    r.put("dataset", d.name());
    r.put("source", d.source());
    r.put("quick", quick);
    r.put("n", d.base().length);
    r.put("dim", d.dim());
    r.put("queries", d.queries().length);
    r.put("k", K);
    List<Map<String, Object>> engines = new ArrayList<>();
    for (EngineResult e : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("engine", e.engine());
      m.put("build_s", BenchReport.round(e.buildSeconds(), 2));
      m.put("build_cpu_s", BenchReport.round(e.buildCpuSeconds(), 2));
      m.put("bytes_per_vector", BenchReport.round(e.bytesPerVector(), 1));
      m.put("memory_counts", e.memoryNote());
      List<Map<String, Object>> points = new ArrayList<>();
      for (int i = 0; i < e.points().size(); i++) {
        QueryLoop.Measured p = e.points().get(i);
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("params", p.params());
        pm.put("recall_at_10", BenchReport.round(p.recall(), 4));
        pm.put("qps", BenchReport.round(p.qps(), 0));
        pm.put("qps_cpu", BenchReport.round(p.cpuQps(), 0));
        pm.put("qps_cpu_rounds", java.util.Arrays.stream(e.cpuQpsRounds().get(i))
            .map(q -> BenchReport.round(q, 0)).boxed().toList());
        pm.put("p50_us", BenchReport.round(p.p50Us(), 1));
        pm.put("p99_us", BenchReport.round(p.p99Us(), 1));
        points.add(pm);
      }
      m.put("points", points);
      engines.add(m);
    }
    r.put("engines", engines);
    if (greedy != null) {
      r.put("greedy", greedy);
    }
    r.put("verdict", verdict);
    return r;
  }

  /** CPU time of the whole process (every thread, JIT and GC included): a build's cost on a shared machine. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }


  /** The command line. */
  record Options(String dataset, boolean quick, List<String> engines, boolean routing) {

    static Options parse(String[] args) {
      BenchArgs a = BenchArgs.parseOrExit("ann", args,
          "!--dataset " + String.join("|", Datasets.NAMES), "--quick", "--engines " + String.join(",", ENGINES),
          "--routing");
      String dataset = a.required("--dataset");
      if (!Datasets.NAMES.contains(dataset)) {
        a.fail("unknown data set '" + dataset + "'");
      }
      String engines = a.value("--engines");
      List<String> chosen = engines == null ? ENGINES : List.of(engines.split(","));
      for (String e : chosen) {
        if (!ENGINES.contains(e)) {
          a.fail("unknown engine '" + e + "'");
        }
      }
      return new Options(dataset, a.has("--quick"), chosen, a.has("--routing"));
    }
  }
}
