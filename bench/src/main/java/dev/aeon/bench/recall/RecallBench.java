package dev.aeon.bench.recall;

import dev.aeon.bench.slb.Background;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./aeon bench recall [--quick] [--events N] [--only REGEX]}: runs {@link RecallBenchmarks} under JMH with
 * its GC profiler and writes {@code target/bench/recall.json} with microseconds and heap bytes per recall. The
 * glosses are embedded (and cached) here, before JMH forks, so that the forks only read them.
 */
public final class RecallBench {

  private RecallBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("recall", args, "--quick", "--events N", "--only REGEX");
    boolean quick = a.has("--quick");
    int events = a.positiveInt("--events", 20_000);
    String only = a.value("--only"); // e.g. --only recall_slb
    System.out.println("recall: " + events + " WordNet glosses, " + RecallBenchmarks.QUERIES + " queries"
        + (quick ? " (quick run)" : ""));
    Background.wordnet(events + RecallBenchmarks.QUERIES); // embeds what the cache lacks, once, before the forks
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(RecallBenchmarks.class.getName() + "\\." + (only != null ? "(" + only + ")$" : ""))
        .param("events", Integer.toString(events))
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .addProfiler(GCProfiler.class) // heap bytes per recall
        .shouldFailOnError(true);
    // A recall's path takes C2 several seconds to compile on a busy machine (at a load average of 8, a quick run's
    // first measured iteration still allocated 3% more than its last after 8 s of warm-up): the warm-up is longer
    // than the kernels'.
    if (quick) {
      options.forks(1).warmupIterations(6).warmupTime(TimeValue.seconds(2))
          .measurementIterations(3).measurementTime(TimeValue.seconds(2));
    } else {
      options.forks(2).warmupIterations(5).warmupTime(TimeValue.seconds(2))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2));
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (RunResult run : new Runner(options.build()).run()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("benchmark", run.getParams().getBenchmark().replaceAll(".*\\.", ""));
      row.put("us_per_recall", BenchReport.round(run.getPrimaryResult().getScore(), 2));
      row.put("error_us", BenchReport.round(run.getPrimaryResult().getScoreError(), 2));
      Result<?> bytes = run.getSecondaryResults().get("gc.alloc.rate.norm");
      row.put("bytes_per_recall", bytes == null ? Double.NaN : BenchReport.round(bytes.getScore(), 0));
      row.put("error_bytes", bytes == null ? Double.NaN : BenchReport.round(bytes.getScoreError(), 0));
      results.add(row);
    }
    Map<String, Object> report = BenchReport.header();
    report.put("events", events);
    report.put("queries", RecallBenchmarks.QUERIES);
    report.put("k", RecallBenchmarks.K);
    report.put("data", "WordNet 3.0 glosses (Debian wordnet-base), all-MiniLM-L6-v2 (int8 ONNX), 384 dims");
    report.put("results", results);
    System.out.printf(Locale.ROOT, "%n%-12s %18s %22s%n", "benchmark", "us/recall", "heap bytes/recall");
    for (Map<String, Object> r : results) {
      System.out.printf(Locale.ROOT, "%-12s %10.1f ± %5.1f %14.0f ± %5.0f%n", r.get("benchmark"),
          r.get("us_per_recall"), r.get("error_us"), r.get("bytes_per_recall"), r.get("error_bytes"));
    }
    BenchReport.write("recall", report);
  }
}
