package dev.aeon.bench.checkpoint;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./aeon bench checkpoint [--quick] [--entries N] [--pairs N,N,..]}: runs {@link CheckpointBenchmarks} under
 * JMH and writes {@code target/bench/checkpoint.json} with the microseconds of the index's snapshot after each number
 * of inserts and deletes since the last one (0 and 1,000: what does not depend on the changes, and a checkpoint's
 * worth at the contention benchmark's pace) and of one insert and delete, and their ratios (the snapshot in the
 * writer's steps, which depends less on the machine and its load), means and medians.
 */
public final class CheckpointBench {

  private CheckpointBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("checkpoint", args, "--quick", "--entries N", "--pairs N,N,..");
    boolean quick = a.has("--quick");
    int entries = a.positiveInt("--entries", 100_000);
    String[] pairs = a.value("--pairs", "0,1000").split(",");
    System.out.println("checkpoint: the index's snapshot on " + entries + " entries of " + CheckpointBenchmarks.DIM
        + " dims after " + String.join(" or ", pairs) + " inserts and deletes" + (quick ? " (quick run)" : ""));
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(CheckpointBenchmarks.class.getName() + "\\.")
        .param("entries", Integer.toString(entries))
        .param("pairs", pairs)
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .shouldFailOnError(true);
    if (quick) {
      options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(2))
          .measurementIterations(3).measurementTime(TimeValue.seconds(2));
    } else {
      options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(2))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2));
    }
    double[] pair = null;
    Map<String, double[]> stages = new LinkedHashMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      // mean, its error, median (sampled times)
      double[] us = {run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(),
          run.getPrimaryResult().getStatistics().getPercentile(50)};
      if (run.getParams().getBenchmark().endsWith(".pair")) {
        pair = us;
      } else {
        stages.put(run.getParams().getParam("pairs"), us);
      }
    }
    Map<String, Object> report = BenchReport.header();
    report.put("entries", entries);
    report.put("dim", CheckpointBenchmarks.DIM);
    report.put("pair_us", BenchReport.round(pair[0], 2));
    report.put("pair_error_us", BenchReport.round(pair[1], 2));
    report.put("pair_median_us", BenchReport.round(pair[2], 2));
    System.out.printf(Locale.ROOT, "%none insert and delete (the baseline): mean %.1f ± %.1f us, median %.1f us%n",
        pair[0], pair[1], pair[2]);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : stages.entrySet()) {
      double[] stage = e.getValue();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("pairs_since_last_stage", Integer.parseInt(e.getKey()));
      row.put("stage_us", BenchReport.round(stage[0], 2));
      row.put("stage_error_us", BenchReport.round(stage[1], 2));
      row.put("stage_median_us", BenchReport.round(stage[2], 2));
      row.put("stage_over_pair", BenchReport.round(stage[0] / pair[0], 2));
      row.put("stage_over_pair_medians", BenchReport.round(stage[2] / pair[2], 2));
      rows.add(row);
      System.out.printf(Locale.ROOT, "stage after %s pairs: mean %.1f ± %.1f us, median %.1f us; stage / pair: means"
          + " %.2f, medians %.2f%n", e.getKey(), stage[0], stage[1], stage[2], stage[0] / pair[0], stage[2] / pair[2]);
    }
    report.put("stages", rows);
    BenchReport.write("checkpoint", report);
  }
}
