package dev.aeon.bench.writes;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./aeon bench writes [--quick]}: runs {@link WriteBenchmarks} under JMH (forked, warmed up) and writes
 * {@code target/bench/writes.json} with nanoseconds per write, and each positional writer's time as a ratio of
 * the file channel's from the same kind of memory, measured in the same run.
 */
public final class WritesBench {

  private WritesBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("writes", args, "--quick");
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(WriteBenchmarks.class.getName() + "\\.")
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .shouldFailOnError(true);
    if (a.has("--quick")) { // about a minute
      options.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.seconds(1));
    } else { // about 5 minutes
      options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(1))
          .measurementIterations(5).measurementTime(TimeValue.seconds(1));
    }
    Map<String, Map<Integer, double[]>> byWay = new LinkedHashMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      String way = run.getParams().getBenchmark().replaceAll(".*\\.", "");
      int bytes = Integer.parseInt(run.getParams().getParam("bytes"));
      byWay.computeIfAbsent(way, w -> new LinkedHashMap<>()).put(bytes,
          new double[] {run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError()});
    }
    List<Map<String, Object>> results = new ArrayList<>();
    System.out.printf("%n%-16s %8s %16s%n", "way", "bytes", "ns per write");
    byWay.forEach((way, sizes) -> sizes.forEach((bytes, ns) -> {
      System.out.printf("%-16s %8d %10.1f ± %.1f%n", way, bytes, ns[0], ns[1]);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("way", way);
      row.put("bytes", bytes);
      row.put("ns_per_write", BenchReport.round(ns[0], 1));
      row.put("error_ns", BenchReport.round(ns[1], 1));
      results.add(row);
    }));
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (int bytes : byWay.getOrDefault("pwrite_off_heap", Map.of()).keySet()) {
      double offHeap = byWay.get("pwrite_off_heap").get(bytes)[0] / byWay.get("channel_direct").get(bytes)[0];
      double heap = byWay.get("pwrite_heap").get(bytes)[0] / byWay.get("channel_heap").get(bytes)[0];
      System.out.printf("%6d bytes: pwrite_off_heap / channel_direct = %.2f, pwrite_heap / channel_heap = %.2f%n",
          bytes, offHeap, heap);
      ratios.put("pwrite_off_heap_over_channel_direct_" + bytes, BenchReport.round(offHeap, 3));
      ratios.put("pwrite_heap_over_channel_heap_" + bytes, BenchReport.round(heap, 3));
    }
    Map<String, Object> report = BenchReport.header();
    report.put("results", results);
    report.put("ratios", ratios);
    BenchReport.write("writes", report);
  }
}
