package dev.aeon.bench.self;

import dev.aeon.bench.locomo.LocomoData;
import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.bench.locomo.VectorCache;
import dev.aeon.bench.slb.Background;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.SearchParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./aeon bench self [--quick] [--events N] [--k LIST] [--rounds N] [--settings NPROBE:POOL,..]}: stores real
 * sentence embeddings in an index and searches each with itself, with the default parameters: how often it is not first
 * and not in the top k, and why ({@link SelfSearches}). Two data sets, each in an index built one insert at a time (as
 * the engine's remember builds it) and one built in bulk: every LoCoMo turn, embedded as the locomo benchmark embeds
 * it, every LoCoMo turn's text alone (which repeats: exact and near duplicates), and the first {@code --events} WordNet
 * glosses (default 20,000; 5,000 with {@code --quick}), all with all-MiniLM-L6-v2. Also times the default search of
 * k=10 over the same queries (the best of {@code --rounds} passes), for comparisons of two builds run in turn. {@code
 * --settings} measures the default path at each nprobe and routing pool given ({@link SearchParams#routingPool};
 * default {@code 48:2}, the defaults), the path without the sketch pass at the first only. Writes {@code
 * target/bench/self.json}.
 */
public final class SelfBench {

  private SelfBench() {}

  /** A data set: texts, their unit vectors. */
  record Data(String name, List<String> texts, float[][] vectors) {}

  /** An nprobe and a routing pool to search with. */
  record Setting(int nprobe, int pool) {

    SearchParams params() {
      return SearchParams.nprobe(nprobe).withRoutingPool(pool);
    }

    String label() {
      return nprobe == SearchParams.DEFAULT_NPROBE && pool == SearchParams.DEFAULT_ROUTING_POOL ? "default"
          : nprobe + ":" + pool;
    }
  }

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("self", args, "--quick", "--events N", "--k LIST", "--rounds N",
        "--settings NPROBE:POOL,..");
    boolean quick = a.has("--quick");
    int events = a.positiveInt("--events", quick ? 5_000 : 20_000);
    int rounds = a.positiveInt("--rounds", 3);
    List<Integer> ks = new ArrayList<>();
    for (String k : a.value("--k", "10").split(",")) {
      try {
        ks.add(Integer.parseInt(k.trim()));
      } catch (NumberFormatException e) {
        a.fail("--k takes whole numbers separated by commas: " + k);
      }
    }
    List<Setting> settings = new ArrayList<>();
    for (String setting : a.value("--settings", SearchParams.DEFAULT_NPROBE + ":" + SearchParams.DEFAULT_ROUTING_POOL)
        .split(",")) {
      String[] parts = setting.trim().split(":");
      try {
        if (parts.length != 2 || Integer.parseInt(parts[0]) < 1 || Integer.parseInt(parts[1]) < 1) {
          a.fail("--settings takes positive NPROBE:POOL pairs separated by commas: " + setting);
        }
        settings.add(new Setting(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
      } catch (NumberFormatException e) {
        a.fail("--settings takes positive NPROBE:POOL pairs separated by commas: " + setting);
      }
    }
    List<Data> sets = List.of(locomo(false), locomo(true), wordnet(events));
    Map<String, Object> report = BenchReport.header();
    report.put("model", ModelSpec.DEFAULT.name());
    report.put("quick", quick);
    List<Map<String, Object>> rows = new ArrayList<>();
    System.out.printf(Locale.ROOT, "%-18s %-7s %6s %-8s %3s %8s %5s %7s %6s %5s %6s %10s %10s %10s %9s%n", "data",
        "build", "vectors", "params", "k", "sketches", "depth", "first", "tied", "late", "missed", "not_probed",
        "candidates", "depth_need", "us/search");
    for (Data d : sets) {
      for (boolean bulk : new boolean[] {false, true}) {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "self-bench-");
        try (AtlasIndex index = build(dir, d, bulk)) {
          for (int k : ks) {
            for (Setting s : settings) {
              rows.add(measure(index, d, bulk, s.params(), s.label(), k, rounds));
            }
            rows.add(measure(index, d, bulk, settings.getFirst().params().withSketchDepth(SearchParams.NO_SKETCH),
                "int8", k, rounds));
          }
        } finally {
          BenchFiles.deleteTree(dir);
        }
      }
    }
    report.put("results", rows);
    BenchReport.write("self", report);
  }

  /**
   * Searches the index with each of its vectors, with {@code params}: the default path at a setting, or ({@code
   * int8}) the same without the sketch pass, the path of an index below 1,024 vectors or one whose sketches fail their
   * check. Prints a line.
   */
  private static Map<String, Object> measure(AtlasIndex index, Data d, boolean bulk, SearchParams params, String label,
      int k, int rounds) {
    long[] ids = new long[d.vectors().length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    double micros = SelfSearches.microsPerSearch(index, params, d.vectors(), k, rounds);
    SelfSearches.Tally t = SelfSearches.run(index, params, ids, d.vectors(), d.texts(), k);
    int[] needed = SelfSearches.sorted(t.depthsNeeded());
    System.out.printf(Locale.ROOT, "%-18s %-7s %6d %-8s %3d %8s %5d %7d %6d %5d %6d %10d %10d %10s %9.1f%n",
        d.name(), bulk ? "bulk" : "inserts", t.queries(), label, k, t.sketches(), t.depth(),
        t.first(), t.tied(), t.late(), t.notInTopK(), t.notProbed(), t.lostInCandidates(),
        needed.length == 0 ? "-" : needed[needed.length / 2] + "/" + needed[needed.length - 1], micros);
    return row(d, bulk, label, params, t, micros);
  }

  private static Map<String, Object> row(Data d, boolean bulk, String label, SearchParams params, SelfSearches.Tally t,
      double micros) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("data", d.name());
    row.put("build", bulk ? "bulk" : "inserts");
    row.put("vectors", t.queries());
    row.put("params", label);
    row.put("nprobe", params.nprobe());
    row.put("routing_pool", params.routingPool());
    row.put("k", t.k());
    row.put("sketches", t.sketches());
    row.put("rerank_depth", t.depth());
    row.put("with_exact_duplicates", t.withDuplicates());
    row.put("first", t.first());
    row.put("tied_with_exact_duplicates", t.tied());
    row.put("late", t.late());
    row.put("not_first", t.notFirst());
    row.put("not_in_top_k", t.notInTopK());
    row.put("not_probed", t.notProbed());
    row.put("lost_in_candidates", t.lostInCandidates());
    row.put("depths_needed", SelfSearches.sorted(t.depthsNeeded()));
    row.put("nprobes_needed", SelfSearches.sorted(t.nprobesNeeded()));
    row.put("us_per_search", BenchReport.round(micros, 2));
    row.put("examples", t.examples());
    return row;
  }

  /** An index of the data's vectors, ids 0 to n - 1, by inserts one at a time or by one bulk build. */
  private static AtlasIndex build(Path dir, Data d, boolean bulk) throws Exception {
    AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(d.vectors()[0].length));
    if (bulk) {
      long[] ids = new long[d.vectors().length];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i;
      }
      index.addAll(ids, d.vectors());
    } else {
      for (int i = 0; i < d.vectors().length; i++) {
        index.add(i, d.vectors()[i]);
      }
    }
    return index;
  }

  /**
   * Every turn of the LoCoMo conversations, embedded as the locomo benchmark embeds them ({@code
   * "[<date>] <speaker>: <text>"}) or, with {@code textOnly}, the turn's text alone, as an agent that stores what
   * was said would: short replies then repeat ("Thanks!"), exact duplicates and near ones.
   */
  private static Data locomo(boolean textOnly) throws Exception {
    Path file = LocomoData.defaultFile();
    List<String> texts = new ArrayList<>();
    for (Conversation c : LocomoData.load(file)) {
      for (Turn t : c.turns()) {
        texts.add(textOnly ? t.text() : t.embeddingText());
      }
    }
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(ModelSpec.DEFAULT)) {
      List<float[]> vectors = new VectorCache(VectorCache.defaultDir()).vectors(embedder,
          VectorCache.Purpose.PASSAGE, texts);
      return new Data(textOnly ? "locomo_turn_texts" : "locomo_turns", texts, vectors.toArray(float[][]::new));
    }
  }

  private static Data wordnet(int n) throws Exception {
    Background b = Background.wordnet(n);
    return new Data("wordnet_" + n, b.texts(), b.vectors());
  }
}
