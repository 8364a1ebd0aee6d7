package dev.aeon.bench.forget;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code ./aeon bench forget [--quick] [--events N] [--forgotten N,N,..]}: runs {@link ForgetBenchmarks} under JMH
 * and writes {@code target/bench/forget.json} with the microseconds of one forget and of one remember (the
 * baseline) on a memory of N live events after each number of forgotten ones, and their ratio (the forget in
 * remembers, which depends less on the machine and its load), means and medians of the measured batches.
 */
public final class ForgetBench {

  private ForgetBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("forget", args, "--quick", "--events N", "--forgotten N,N,..");
    boolean quick = a.has("--quick");
    int events = a.positiveInt("--events", 20_000);
    String[] forgotten = a.value("--forgotten", "0,10000,100000").split(",");
    System.out.println("forget: one forget against one remember on " + events + " live events of "
        + ForgetBenchmarks.DIM + " dims after " + String.join(" or ", forgotten) + " forgotten"
        + (quick ? " (quick run)" : ""));
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(ForgetBenchmarks.class.getName() + "\\.")
        .param("events", Integer.toString(events))
        .param("forgotten", forgotten)
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .shouldFailOnError(true);
    if (quick) {
      options.forks(1).warmupIterations(3).measurementIterations(5);
    } else {
      options.forks(2).warmupIterations(5).measurementIterations(10);
    }
    // by forgotten count: {forget, remember}, each {mean, its error, median}
    Map<Integer, double[][]> rows = new TreeMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      double[] us = {run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(),
          run.getPrimaryResult().getStatistics().getPercentile(50)};
      int n = Integer.parseInt(run.getParams().getParam("forgotten"));
      rows.computeIfAbsent(n, k -> new double[2][]);
      rows.get(n)[run.getParams().getBenchmark().endsWith(".forget") ? 0 : 1] = us;
    }
    Map<String, Object> report = BenchReport.header();
    report.put("quick", quick);
    report.put("events", events);
    report.put("dim", ForgetBenchmarks.DIM);
    report.put("batch", ForgetBenchmarks.BATCH);
    List<Map<String, Object>> json = new ArrayList<>();
    for (Map.Entry<Integer, double[][]> e : rows.entrySet()) {
      double[] forget = e.getValue()[0];
      double[] remember = e.getValue()[1];
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("forgotten_before", e.getKey());
      row.put("forget_us", BenchReport.round(forget[0], 2));
      row.put("forget_error_us", BenchReport.round(forget[1], 2));
      row.put("forget_median_us", BenchReport.round(forget[2], 2));
      row.put("remember_us", BenchReport.round(remember[0], 2));
      row.put("remember_error_us", BenchReport.round(remember[1], 2));
      row.put("remember_median_us", BenchReport.round(remember[2], 2));
      row.put("forget_over_remember", BenchReport.round(forget[0] / remember[0], 2));
      row.put("forget_over_remember_medians", BenchReport.round(forget[2] / remember[2], 2));
      json.add(row);
      System.out.printf(Locale.ROOT, "after %,d forgotten: forget mean %.1f ± %.1f us, median %.1f us; remember mean"
          + " %.1f ± %.1f us, median %.1f us; forget / remember: means %.2f, medians %.2f%n", e.getKey(), forget[0],
          forget[1], forget[2], remember[0], remember[1], remember[2], forget[0] / remember[0], forget[2] / remember[2]);
    }
    report.put("rows", json);
    BenchReport.write("forget", report);
  }
}
