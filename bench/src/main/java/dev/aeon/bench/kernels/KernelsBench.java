package dev.aeon.bench.kernels;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.index.kernel.Kernels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./aeon bench kernels [--quick] [--only REGEX]}: runs {@link KernelBenchmarks} under JMH (forked, warmed up)
 * and writes {@code target/bench/kernels.json} with nanoseconds per scored vector.
 */
public final class KernelsBench {

  private KernelsBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("kernels", args, "--quick", "--only REGEX");
    boolean quick = a.has("--quick");
    String only = a.value("--only"); // e.g. --only 'int8_bulk256|lucene_int8_dot' while tuning
    String pattern = only != null ? "(" + only + ")$" : "";
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(KernelBenchmarks.class.getName() + "\\." + pattern)
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .addProfiler(GCProfiler.class) // heap bytes per operation: a kernel call should allocate none
        .shouldFailOnError(true);
    if (quick) { // 39 benchmarks in about 3 minutes
      options.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.seconds(1));
    } else {
      options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(2))
          .measurementIterations(5).measurementTime(TimeValue.seconds(2));
    }
    System.out.println("kernels: " + Kernels.best().name() + (quick ? " (quick run)" : ""));
    List<Map<String, Object>> results = new ArrayList<>();
    for (RunResult run : new Runner(options.build()).run()) {
      String kernel = run.getParams().getBenchmark().replaceAll(".*\\.", "");
      int dim = Integer.parseInt(run.getParams().getParam("dim"));
      double ns = run.getPrimaryResult().getScore();
      double error = run.getPrimaryResult().getScoreError();
      int perOp = switch (kernel) {
        case "int8_bulk8" -> KernelBenchmarks.INDEX_PAGE;
        case "int8_bulk64" -> KernelBenchmarks.SMALL_PAGE;
        case "int8_bulk256", "int8_bulk256_vector_api" -> KernelBenchmarks.LARGE_PAGE;
        default -> 1;
      };
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("kernel", kernel);
      row.put("dim", dim);
      row.put("ns_per_vector", BenchReport.round(ns / perOp, 3));
      row.put("error_ns_per_vector", BenchReport.round(error / perOp, 3));
      row.put("bytes_per_op", BenchReport.round(allocatedPerOp(run), 1));
      results.add(row);
    }
    results.sort(Comparator.comparing((Map<String, Object> r) -> (Integer) r.get("dim"))
        .thenComparing(r -> (String) r.get("kernel")));
    Map<String, Object> report = BenchReport.header();
    report.put("kernels", Kernels.best().name());
    report.put("results", results);
    printTable(results);
    printRatios(results);
    BenchReport.write("kernels", report);
  }

  /** The GC profiler's heap bytes allocated per benchmark operation (NaN without it). */
  private static double allocatedPerOp(RunResult run) {
    Result<?> r = run.getSecondaryResults().get("gc.alloc.rate.norm");
    return r == null ? Double.NaN : r.getScore();
  }

  private static void printTable(List<Map<String, Object>> results) {
    System.out.printf("%n%-24s %6s %14s %16s%n", "kernel", "dim", "ns/vector", "heap bytes/op");
    for (Map<String, Object> r : results) {
      System.out.printf("%-24s %6d %10.2f ± %.2f %12.1f%n", r.get("kernel"), r.get("dim"), r.get("ns_per_vector"),
          r.get("error_ns_per_vector"), r.get("bytes_per_op"));
    }
  }

  private static void printRatios(List<Map<String, Object>> results) {
    for (int dim : new int[] {384, 768, 1024}) {
      double bulk = ns(results, "int8_bulk256", dim);
      double fp32 = ns(results, "fp32_dot", dim);
      double lucene = ns(results, "lucene_int8_dot", dim);
      double vectorApi = ns(results, "int8_bulk256_vector_api", dim);
      System.out.printf("dim %4d: int8_bulk256 / fp32_dot = %.2f, int8_bulk256 / lucene_int8_dot = %.2f"
          + " (Vector API kernel: %.2f, %.2f); quantize / quantize_scalar = %.2f%n", dim, bulk / fp32, bulk / lucene,
          vectorApi / fp32, vectorApi / lucene, ns(results, "quantize", dim) / ns(results, "quantize_scalar", dim));
    }
  }

  private static double ns(List<Map<String, Object>> results, String kernel, int dim) {
    return results.stream().filter(r -> kernel.equals(r.get("kernel")) && (Integer) r.get("dim") == dim)
        .mapToDouble(r -> (Double) r.get("ns_per_vector")).findFirst().orElse(Double.NaN);
  }
}
