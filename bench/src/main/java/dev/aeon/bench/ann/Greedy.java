package dev.aeon.bench.ann;

import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.index.atlas.SearchParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Aeon paper's traversal (beam 1, one leaf, INT8 scores, no re-rank) on an Atlas of
 * {@value AnnBench#GREEDY_N} vectors (or the whole base when it is smaller): the paper reports 3.09 µs per
 * query for it and no recall; here both are measured.
 */
final class Greedy {

  private Greedy() {}

  static Map<String, Object> measure(Dataset full, Path cache, Path dir, boolean quick) throws IOException {
    Dataset d = full.withBase(AnnBench.GREEDY_N);
    int[][] truth = GroundTruth.load(d, AnnBench.K, cache);
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    try (AtlasEngine atlas = new AtlasEngine(dir)) {
      System.out.printf(Locale.ROOT, "greedy mode: building Atlas over %,d vectors ...%n", d.base().length);
      atlas.build(d.base());
      QueryLoop.Measured m = QueryLoop.run(atlas.setting(SearchParams.greedy()), d.queries(), truth, AnnBench.K);
      System.out.println(QueryLoop.row("aeon-greedy", m));
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("n", d.base().length);
      g.put("params", m.params());
      g.put("recall_at_10", BenchReport.round(m.recall(), 4));
      g.put("qps", BenchReport.round(m.qps(), 0));
      g.put("mean_us", BenchReport.round(m.meanUs(), 2));
      g.put("p50_us", BenchReport.round(m.p50Us(), 2));
      g.put("p99_us", BenchReport.round(m.p99Us(), 2));
      g.put("paper_us", 3.09);
      return g;
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }
}
