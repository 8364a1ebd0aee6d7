package dev.aeon.bench.ann;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The targets, checked on one run: at recall@10 {@value #TARGET_RECALL}, Atlas's QPS at least
 * {@value #QPS_RATIO} times the best baseline's (each read off its curve at that recall, interpolated);
 * Atlas's build no slower than Lucene's; Atlas's resident bytes per vector at most
 * {@value #BYTES_PER_DIM} times the dimension.
 */
final class Verdict {

  static final double TARGET_RECALL = 0.95;
  static final double QPS_RATIO = 1.5;
  static final double BYTES_PER_DIM = 1.3;

  private Verdict() {}

  static Map<String, Object> compute(List<EngineResult> results, int dim) {
    EngineResult aeon = find(results, "aeon");
    EngineResult lucene = find(results, "lucene-hnsw-int8");
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("target_recall_at_10", TARGET_RECALL);
    v.put("qps_basis", "search thread CPU time (wall-clock figures under qps_wall)");
    v.putAll(qps(results, aeon, true));
    v.put("qps_met", Boolean.TRUE.equals(v.get("qps_ok")));
    v.remove("qps_ok");
    v.putAll(perRound(results, aeon));
    Map<String, Object> wall = qps(results, aeon, false);
    wall.remove("qps_ok");
    v.put("qps_wall", wall);
    double buildRatio = aeon == null || lucene == null ? Double.NaN : aeon.buildSeconds() / lucene.buildSeconds();
    double buildCpuRatio = aeon == null || lucene == null ? Double.NaN
        : aeon.buildCpuSeconds() / lucene.buildCpuSeconds();
    v.put("build_ratio_aeon_over_lucene", round(buildRatio));
    v.put("build_cpu_ratio_aeon_over_lucene", round(buildCpuRatio));
    v.put("build_met", buildRatio <= 1.0 && buildCpuRatio <= 1.0);
    double bytesRatio = aeon == null ? Double.NaN : aeon.bytesPerVector() / dim;
    v.put("aeon_bytes_per_vector_over_dim", round(bytesRatio));
    v.put("bytes_ratio_allowed", BYTES_PER_DIM);
    v.put("bytes_met", bytesRatio <= BYTES_PER_DIM);
    return v;
  }

  /** Atlas's QPS at the target recall against the best baseline's, both read off their curves. */
  private static Map<String, Object> qps(List<EngineResult> results, EngineResult aeon, boolean cpu) {
    double aeonQps = aeon == null ? Double.NaN : Recall.qpsAtRecall(aeon.curve(cpu), TARGET_RECALL);
    String bestName = null;
    double bestQps = Double.NaN;
    for (EngineResult r : results) {
      if (r != aeon) {
        double q = Recall.qpsAtRecall(r.curve(cpu), TARGET_RECALL);
        if (!Double.isNaN(q) && (Double.isNaN(bestQps) || q > bestQps)) {
          bestQps = q;
          bestName = r.engine();
        }
      }
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("aeon_qps_at_target", round(aeonQps));
    v.put("best_baseline", bestName);
    v.put("best_baseline_qps_at_target", round(bestQps));
    double ratio = aeonQps / bestQps;
    v.put("qps_ratio", round(ratio));
    v.put("qps_ratio_required", QPS_RATIO);
    v.put("qps_ok", ratio >= QPS_RATIO);
    return v;
  }

  /**
   * The same ratio round by round, and its median: the engines are timed chunk by chunk through each
   * round, so within a round they met the same conditions of the machine. Reported beside the verdict,
   * which reads the ratio of the points' median rounds.
   */
  private static Map<String, Object> perRound(List<EngineResult> results, EngineResult aeon) {
    Map<String, Object> v = new LinkedHashMap<>();
    if (aeon == null || results.size() < 2) {
      return v;
    }
    double[] ratios = new double[aeon.rounds()];
    for (int r = 0; r < ratios.length; r++) {
      double best = Double.NaN;
      for (EngineResult e : results) {
        if (e != aeon && e.rounds() == ratios.length) {
          double q = Recall.qpsAtRecall(e.roundCurve(r), TARGET_RECALL);
          best = Double.isNaN(best) || q > best ? q : best;
        }
      }
      ratios[r] = Recall.qpsAtRecall(aeon.roundCurve(r), TARGET_RECALL) / best;
    }
    v.put("qps_ratio_per_round", java.util.Arrays.stream(ratios).mapToObj(Verdict::round).toList());
    double[] sorted = ratios.clone();
    java.util.Arrays.sort(sorted);
    v.put("qps_ratio_median_of_rounds", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2]));
    return v;
  }

  static String describe(Map<String, Object> v) {
    return String.format(Locale.ROOT,
        "verdict at recall@10 %.2f: aeon %s QPS (cpu time) vs best baseline (%s) %s -> ratio %s (need >= %.1f: %s);"
            + " by wall time: ratio %s%n"
            + "  build time aeon/lucene %s wall, %s cpu (need <= 1: %s); aeon bytes/vector / dim %s (need <= %.1f: %s)",
        TARGET_RECALL, v.get("aeon_qps_at_target"), v.get("best_baseline"), v.get("best_baseline_qps_at_target"),
        v.get("qps_ratio"), QPS_RATIO, met(v, "qps_met"), ((Map<?, ?>) v.get("qps_wall")).get("qps_ratio"),
        v.get("build_ratio_aeon_over_lucene"), v.get("build_cpu_ratio_aeon_over_lucene"), met(v, "build_met"),
        v.get("aeon_bytes_per_vector_over_dim"), BYTES_PER_DIM, met(v, "bytes_met"))
        + (v.containsKey("qps_ratio_per_round") ? String.format(Locale.ROOT,
            "%n  qps ratio round by round (the engines timed chunk by chunk, so each round's met the same"
                + " conditions): %s, median %s", v.get("qps_ratio_per_round"), v.get("qps_ratio_median_of_rounds"))
            : "");
  }

  private static String met(Map<String, Object> v, String key) {
    return Boolean.TRUE.equals(v.get(key)) ? "met" : "MISSED";
  }

  private static EngineResult find(List<EngineResult> results, String name) {
    return results.stream().filter(r -> r.engine().equals(name)).findFirst().orElse(null);
  }

  /** Rounded to 3 decimals; NaN (a curve that never reaches the target) becomes null in the JSON. */
  static Double round(double x) {
    return Double.isNaN(x) || Double.isInfinite(x) ? null : Math.round(x * 1000) / 1000.0;
  }
}
