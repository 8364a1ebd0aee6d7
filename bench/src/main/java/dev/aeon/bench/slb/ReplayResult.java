package dev.aeon.bench.slb;

import dev.aeon.bench.contention.Latencies;
import dev.aeon.bench.slb.LookasideModel.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one replay at one threshold measured: latencies, recall and the lookaside buffer's outcomes. */
final class ReplayResult {

  final float threshold;
  final Latencies slb = new Latencies();
  final Latencies noSlb = new Latencies();
  final Map<Outcome, Latencies> slbByOutcome = new EnumMap<>(Outcome.class);
  double recallSlb;
  double recallNoSlb;
  /** Recall of the same queries without the buffer, summed over the queries that hit it. */
  double recallSlbOnHits;
  double recallNoSlbOnHits;
  long engineHits;
  long engineMisses;
  int conversations;
  /** Mean latency with the buffer over mean latency without it, of each replay merged into this one. */
  final List<Double> replayRatios = new ArrayList<>();

  ReplayResult(float threshold) {
    this.threshold = threshold;
    for (Outcome o : Outcome.values()) {
      slbByOutcome.put(o, new Latencies());
    }
  }

  /** Records one query, answered once through the buffer and once without it. */
  void add(Outcome outcome, long slbNanos, double slbRecall, long noSlbNanos, double noSlbRecall) {
    slb.add(slbNanos);
    noSlb.add(noSlbNanos);
    slbByOutcome.get(outcome).add(slbNanos);
    recallSlb += slbRecall;
    recallNoSlb += noSlbRecall;
    if (outcome == Outcome.HIT) {
      recallSlbOnHits += slbRecall;
      recallNoSlbOnHits += noSlbRecall;
    }
  }

  /**
   * Adds the queries of another replay at the same threshold: its latencies pooled with these, its ratio
   * kept on its own. One replay's mean can move by a tenth when the machine stalls a single query for
   * milliseconds, so a figure is pooled over several replays and their ratios are shown side by side.
   */
  void merge(ReplayResult other) {
    slb.merge(other.slb);
    noSlb.merge(other.noSlb);
    for (Outcome o : Outcome.values()) {
      slbByOutcome.get(o).merge(other.slbByOutcome.get(o));
    }
    recallSlb += other.recallSlb;
    recallNoSlb += other.recallNoSlb;
    recallSlbOnHits += other.recallSlbOnHits;
    recallNoSlbOnHits += other.recallNoSlbOnHits;
    engineHits += other.engineHits;
    engineMisses += other.engineMisses;
    conversations += other.conversations;
    replayRatios.add(other.meanRatio());
  }

  int queries() {
    return slb.count();
  }

  int count(Outcome o) {
    return slbByOutcome.get(o).count();
  }

  double hitRate() {
    return (double) count(Outcome.HIT) / queries();
  }

  /** Misses of the buffer: no similar query, or one it could not use; both search the whole index. */
  Latencies missLatencies() {
    Latencies l = new Latencies();
    l.merge(slbByOutcome.get(Outcome.MISS));
    l.merge(slbByOutcome.get(Outcome.REJECTED));
    return l;
  }

  double meanRatio() {
    return slb.meanNanos() / noSlb.meanNanos();
  }

  /** True when the model's outcomes add up to the engine's counters (see {@link LookasideModel}). */
  boolean agreesWithEngine() {
    return engineHits == count(Outcome.HIT) && engineMisses == count(Outcome.MISS) + count(Outcome.REJECTED);
  }

  /** The keys for this threshold, then the detail. */
  Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    int hits = count(Outcome.HIT);
    m.put("threshold", threshold);
    m.put("hit_rate", round(hitRate()));
    m.put("recall_at_10_slb", round(recallSlb / queries()));
    m.put("recall_at_10_no_slb", round(recallNoSlb / queries()));
    m.put("mean_us_slb", Latencies.round1(slb.meanMicros()));
    m.put("mean_us_no_slb", Latencies.round1(noSlb.meanMicros()));
    m.put("p99_us_hit", Latencies.round1(slbByOutcome.get(Outcome.HIT).percentileMicros(0.99)));
    m.put("p99_us_miss", Latencies.round1(missLatencies().percentileMicros(0.99)));
    m.put("mean_latency_ratio", round(meanRatio()));
    m.put("p50_latency_ratio", round(slb.percentileMicros(0.5) / noSlb.percentileMicros(0.5)));
    m.put("replays", replayRatios.size());
    m.put("mean_latency_ratio_per_replay", replayRatios.stream().map(ReplayResult::round).toList());
    m.put("queries", queries());
    m.put("hits", hits);
    m.put("similar_but_rejected", count(Outcome.REJECTED));
    m.put("engine_counted_hits", engineHits);
    m.put("engine_counted_misses", engineMisses);
    m.put("recall_at_10_on_hits_slb", hits == 0 ? null : round(recallSlbOnHits / hits));
    m.put("recall_at_10_on_hits_no_slb", hits == 0 ? null : round(recallNoSlbOnHits / hits));
    m.put("latency_slb", slb.summaryMicros());
    m.put("latency_no_slb", noSlb.summaryMicros());
    m.put("latency_hit", slbByOutcome.get(Outcome.HIT).summaryMicros());
    m.put("latency_miss", missLatencies().summaryMicros());
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
