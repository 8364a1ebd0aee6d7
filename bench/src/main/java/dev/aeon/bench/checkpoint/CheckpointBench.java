package dev.aeon.bench.checkpoint;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./aeon bench checkpoint [--quick] [--entries N]}: runs {@link CheckpointBenchmarks} under JMH and writes
 * {@code target/bench/checkpoint.json} with the microseconds of the index's snapshot and of one insert and delete,
 * and their ratio (the snapshot in the writer's steps, which depends less on the machine and its load).
 */
public final class CheckpointBench {

  private CheckpointBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("checkpoint", args, "--quick", "--entries N");
    boolean quick = a.has("--quick");
    int entries = a.positiveInt("--entries", 100_000);
    System.out.println("checkpoint: the index's snapshot on " + entries + " entries of " + CheckpointBenchmarks.DIM
        + " dims" + (quick ? " (quick run)" : ""));
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(CheckpointBenchmarks.class.getName() + "\\.")
        .param("entries", Integer.toString(entries))
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .shouldFailOnError(true);
    if (quick) {
      options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(2))
          .measurementIterations(3).measurementTime(TimeValue.seconds(2));
    } else {
      options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(2))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2));
    }
    Map<String, double[]> us = new LinkedHashMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      us.put(run.getParams().getBenchmark().replaceAll(".*\\.", ""),
          new double[] {run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError()});
    }
    double[] stage = us.get("stage");
    double[] pair = us.get("pair");
    double ratio = stage[0] / pair[0];
    Map<String, Object> report = BenchReport.header();
    report.put("entries", entries);
    report.put("dim", CheckpointBenchmarks.DIM);
    report.put("stage_us", BenchReport.round(stage[0], 2));
    report.put("stage_error_us", BenchReport.round(stage[1], 2));
    report.put("pair_us", BenchReport.round(pair[0], 2));
    report.put("pair_error_us", BenchReport.round(pair[1], 2));
    report.put("stage_over_pair", BenchReport.round(ratio, 2));
    System.out.printf(Locale.ROOT, "%nstage %.1f ± %.1f us, one insert and delete %.1f ± %.1f us: stage / pair = %.2f%n",
        stage[0], stage[1], pair[0], pair[1], ratio);
    BenchReport.write("checkpoint", report);
  }
}
