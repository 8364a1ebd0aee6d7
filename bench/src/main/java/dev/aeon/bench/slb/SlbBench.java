package dev.aeon.bench.slb;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.locomo.LocomoData;
import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.bench.locomo.VectorCache;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.AeonOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./aeon bench slb [--quick] [--data FILE] [--threshold T] [--sweep T1,T2,..] [--replays N]
 * [--background N]}: the semantic lookaside buffer on LoCoMo conversations replayed turn by turn (see
 * {@link Replay}), each threshold replayed N times (default 6, quick 2) with the latencies pooled; with
 * {@code --background N}, each conversation's memory first holds N WordNet glosses ({@link Background}). Writes
 * {@code target/bench/slb.json} with hit rate, recall@10 and latency with and without the buffer at the
 * default threshold, and the same for each threshold of the sweep (full run only, unless given).
 */
public final class SlbBench {

  static final float[] FULL_SWEEP = {0.95f, 0.9f, 0.85f, 0.8f, 0.75f, 0.7f, 0.65f, 0.6f};
  static final int QUICK_CONVERSATIONS = 2;
  /** Even, so that each turn's recalls run in both orders equally often (see {@link Replay#run}). */
  static final int REPLAYS = 6;
  static final int QUICK_REPLAYS = 2;

  private SlbBench() {}

  private static final int WARMUP_REPLAYS = 3;

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (!Files.isRegularFile(options.data)) {
      System.err.println("slb: no LoCoMo data at " + options.data.toAbsolutePath()
          + "; give a file in the format of locomo10.json with --data FILE");
      System.exit(2);
    }
    List<Conversation> all = LocomoData.load(options.data);
    List<List<float[]>> vectors = embed(all);
    int n = options.quick ? Math.min(QUICK_CONVERSATIONS, all.size()) : all.size();
    Background background = background(options.background);
    Replay replay = new Replay(all.subList(0, n), vectors.subList(0, n), background);
    int turns = all.subList(0, n).stream().mapToInt(c -> c.turns().size()).sum();
    System.out.printf("slb: %d conversations, %d turns, k=%d, %d-entry ring, %d candidates per entry%n",
        n, turns, Replay.K, AeonOptions.defaults().slbEntriesPerSession(), Replay.SLB_CANDIDATES);
    if (background.size() > 0) {
      System.out.printf("slb: each conversation's memory first holds %,d WordNet glosses (not timed)%n",
          background.size());
    }
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "slb-bench-");
    String loadBefore = loadAverage();
    // Hits are a few percent of the queries, so one replay runs the hit path too rarely for the JIT to
    // have compiled it by the measured one; a long-running engine would have.
    for (int w = 1; w <= WARMUP_REPLAYS; w++) {
      System.out.printf("slb: warm-up replay %d/%d (not measured) ...%n", w, WARMUP_REPLAYS);
      replay.run(work.resolve("warmup"), options.threshold, w);
    }
    List<ReplayResult> results = new ArrayList<>();
    ReplayResult main = replays(replay, work, options.threshold, options.replays);
    print(main);
    for (float t : options.sweep) {
      ReplayResult r = t == options.threshold ? main : replays(replay, work, t, options.replays);
      if (r != main) {
        print(r);
      }
      results.add(r);
    }
    Files.deleteIfExists(work);
    Map<String, Object> report = BenchReport.header();
    report.putAll(main.summary());
    report.put("conversations", n);
    report.put("turns", turns);
    report.put("k", Replay.K);
    report.put("slb_entries_per_session", AeonOptions.defaults().slbEntriesPerSession());
    report.put("slb_candidates", Replay.SLB_CANDIDATES);
    report.put("replays_per_threshold", options.replays);
    report.put("background_events", background.size());
    report.put("model", ModelSpec.DEFAULT.name());
    report.put("data", options.data.getFileName().toString());
    report.put("load_average_before", loadBefore);
    report.put("load_average_after", loadAverage());
    report.put("model_agrees_with_engine_counters", results.stream().allMatch(ReplayResult::agreesWithEngine)
        && main.agreesWithEngine());
    report.put("sweep", results.stream().map(ReplayResult::summary).toList());
    BenchReport.write("slb", report);
  }

  private static Background background(int n) throws IOException {
    if (n == 0) {
      return Background.none();
    }
    try {
      return Background.wordnet(n);
    } catch (DataUnavailableException e) {
      System.err.println("slb: the WordNet glosses for --background are not available: " + e.getMessage());
      System.exit(3);
      return null;
    } catch (IllegalArgumentException e) {
      System.err.println("slb: " + e.getMessage());
      System.exit(2);
      return null;
    }
  }

  /** {@code n} replays at {@code threshold}, pooled. */
  private static ReplayResult replays(Replay replay, Path work, float threshold, int n) throws IOException {
    ReplayResult pooled = new ReplayResult(threshold);
    for (int i = 0; i < n; i++) {
      pooled.merge(replay.run(work.resolve("t" + threshold + "-" + i), threshold, i));
    }
    return pooled;
  }

  /** Unit vectors of every turn of every conversation, through the shared vector cache. */
  static List<List<float[]>> embed(List<Conversation> conversations) throws IOException {
    List<String> texts = new ArrayList<>();
    for (Conversation c : conversations) {
      c.turns().forEach(t -> texts.add(t.embeddingText()));
    }
    List<float[]> flat;
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(ModelSpec.DEFAULT)) {
      flat = new VectorCache(VectorCache.defaultDir()).vectors(embedder, VectorCache.Purpose.PASSAGE, texts);
    }
    List<List<float[]>> out = new ArrayList<>();
    int at = 0;
    for (Conversation c : conversations) {
      List<float[]> vs = new ArrayList<>();
      for (Turn ignored : c.turns()) {
        vs.add(unit(flat.get(at++)));
      }
      out.add(vs);
    }
    return out;
  }

  /** The vector scaled to unit length as the engine does it, so that the lookaside model sees the same query. */
  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(n));
    float[] u = v.clone();
    for (int i = 0; i < u.length; i++) {
      u[i] *= inv;
    }
    return u;
  }

  private static void print(ReplayResult r) {
    System.out.printf(Locale.ROOT,
        "threshold %.2f: hit rate %.3f (%d hits, %d similar but unusable, of %d), recall@10 %.4f with / %.4f without,"
            + " mean %.1f / %.1f us (x%.2f; per replay %s), p99 hit %.1f us, p99 miss %.1f us%n",
        r.threshold, r.hitRate(), r.count(LookasideModel.Outcome.HIT), r.count(LookasideModel.Outcome.REJECTED),
        r.queries(), r.recallSlb / r.queries(), r.recallNoSlb / r.queries(), r.slb.meanMicros(),
        r.noSlb.meanMicros(), r.meanRatio(),
        r.replayRatios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(),
        r.slbByOutcome.get(LookasideModel.Outcome.HIT).percentileMicros(0.99),
        r.missLatencies().percentileMicros(0.99));
    if (!r.agreesWithEngine()) {
      System.out.printf(
          "  warning: the engine counted %d hits and %d misses, the model %d lookups with a similar query%n",
          r.engineHits, r.engineMisses, r.count(LookasideModel.Outcome.HIT) + r.count(LookasideModel.Outcome.REJECTED));
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Command-line options. */
  record Options(boolean quick, Path data, float threshold, float[] sweep, int replays, int background) {
    static Options parse(String[] args) {
      BenchArgs a = BenchArgs.parseOrExit("slb", args,
          "--quick", "--data FILE", "--threshold T", "--sweep T1,T2,..", "--replays N", "--background N");
      boolean quick = a.has("--quick");
      float threshold = (float) a.positiveNumber("--threshold", AeonOptions.defaults().slbThreshold(), 1);
      float[] sweep = a.positiveNumbers("--sweep", quick ? new float[] {threshold} : FULL_SWEEP, 1);
      int replays = a.positiveInt("--replays", quick ? QUICK_REPLAYS : REPLAYS);
      int background = a.nonNegativeInt("--background", 0);
      String data = a.value("--data");
      return new Options(quick, data != null ? Path.of(data) : LocomoData.defaultFile(), threshold, sweep, replays,
          background);
    }
  }
}
