package dev.aeon.bench.forget;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code ./aeon bench forget [--quick] [--events N] [--forgotten N,N,.. | --sessions N,N,.. | --recall
 * [--kept-percent P,P,..]]}: runs
 * {@link ForgetBenchmarks} under JMH
 * and writes {@code target/bench/forget.json} with the microseconds of one forget and of one remember (the
 * baseline) on a memory of N live events after each number of forgotten ones, and their ratio (the forget in
 * remembers, which depends less on the machine and its load): wall time (JMH's, means and medians of the measured
 * batches) and CPU time on the writer's thread (medians of the batches), which a machine busy with other work
 * moves less.
 *
 * <p>With {@code --sessions}, it runs {@link SessionForgetBenchmarks} instead: whole sessions of each of those
 * sizes forgotten in a memory of N live events (100,000 unless {@code --events} says), their vectors spread or
 * clustered about a point of the session's own, and writes
 * {@code target/bench/forget-session.json} with the CPU time on the writer's thread per session forget and per
 * event, and the CPU time per event of the remembers that made the sessions (the baseline, in the same batches).
 *
 * <p>With {@code --recall}, it measures no time: {@link ForgetRecall} takes the default search's recall@10 after
 * most sessions were forgotten, against a fresh index of the same live vectors.
 */
public final class ForgetBench {

  private ForgetBench() {}

  /** A benchmark's figures at one forgotten count, microseconds per operation. */
  private record Figures(double mean, double error, double median, double cpuMedian, double cpuMean) {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("forget", args, "--quick", "--events N", "--forgotten N,N,..",
        "--sessions N,N,..", "--recall", "--kept-percent P,P,..");
    boolean quick = a.has("--quick");
    if (a.has("--recall")) {
      if (a.value("--sessions") != null || a.value("--forgotten") != null) {
        a.fail("--recall is not taken with --sessions or --forgotten");
      }
      ForgetRecall.run(quick, a.positiveInt("--events", quick ? ForgetRecall.QUICK_EVENTS : 100_000),
          keptPercents(a));
      return;
    }
    if (a.value("--kept-percent") != null) {
      a.fail("--kept-percent is taken with --recall only");
    }
    if (a.value("--sessions") != null) {
      if (a.value("--forgotten") != null) {
        a.fail("--sessions and --forgotten are not taken together");
      }
      sessions(quick, a.positiveInt("--events", 100_000), a.value("--sessions", "").split(","));
      return;
    }
    int events = a.positiveInt("--events", 20_000);
    String[] forgotten = a.value("--forgotten", "0,10000,100000").split(",");
    System.out.println("forget: one forget against one remember on " + events + " live events of "
        + ForgetBenchmarks.DIM + " dims after " + String.join(" or ", forgotten) + " forgotten"
        + (quick ? " (quick run)" : ""));
    Path cpuDir = cpuDir();
    ChainedOptionsBuilder options = options(ForgetBenchmarks.class, cpuDir, quick, events)
        .param("forgotten", forgotten);
    // by forgotten count: {forget, remember}
    Map<Integer, Figures[]> rows = new TreeMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      String name = run.getParams().getBenchmark().substring(run.getParams().getBenchmark().lastIndexOf('.') + 1);
      String n = run.getParams().getParam("forgotten");
      double[] cpu = cpuPerOp(cpuDir, name + "-" + n + "-");
      Figures f = new Figures(run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(),
          run.getPrimaryResult().getStatistics().getPercentile(50), median(cpu), Arrays.stream(cpu).average()
          .orElse(Double.NaN));
      rows.computeIfAbsent(Integer.parseInt(n), k -> new Figures[2])[name.equals("forget") ? 0 : 1] = f;
    }
    BenchFiles.deleteTree(cpuDir);
    Map<String, Object> report = report(quick, events);
    report.put("batch", ForgetBenchmarks.BATCH);
    List<Map<String, Object>> json = new ArrayList<>();
    for (Map.Entry<Integer, Figures[]> e : rows.entrySet()) {
      Figures forget = e.getValue()[0];
      Figures remember = e.getValue()[1];
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("forgotten_before", e.getKey());
      put(row, "forget", forget);
      put(row, "remember", remember);
      row.put("forget_over_remember", BenchReport.round(forget.mean() / remember.mean(), 2));
      row.put("forget_over_remember_medians", BenchReport.round(forget.median() / remember.median(), 2));
      row.put("forget_over_remember_cpu_medians", BenchReport.round(forget.cpuMedian() / remember.cpuMedian(), 2));
      json.add(row);
      System.out.printf(Locale.ROOT, "after %,d forgotten: forget mean %.1f ± %.1f us, median %.1f us, CPU median"
          + " %.1f us; remember mean %.1f ± %.1f us, median %.1f us, CPU median %.1f us; forget / remember: means"
          + " %.2f, medians %.2f, CPU medians %.2f%n", e.getKey(), forget.mean(), forget.error(), forget.median(),
          forget.cpuMedian(), remember.mean(), remember.error(), remember.median(), remember.cpuMedian(),
          forget.mean() / remember.mean(), forget.median() / remember.median(),
          forget.cpuMedian() / remember.cpuMedian());
    }
    report.put("rows", json);
    BenchReport.write("forget", report);
  }

  /** {@code --kept-percent}: falling shares of the sessions, each in [0, 100) (10,1 unless given). */
  private static int[] keptPercents(BenchArgs a) {
    String[] parts = a.value("--kept-percent", "10,1").split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        a.fail("--kept-percent takes whole percentages: '" + parts[i] + "'");
      }
      if (out[i] < 0 || out[i] >= 100 || (i > 0 && out[i] >= out[i - 1])) {
        a.fail("--kept-percent takes falling percentages below 100: " + a.value("--kept-percent"));
      }
    }
    return out;
  }

  /** The report's header and what both modes ran on. */
  private static Map<String, Object> report(boolean quick, int events) {
    Map<String, Object> report = BenchReport.header();
    report.put("quick", quick);
    report.put("events", events);
    report.put("dim", ForgetBenchmarks.DIM);
    return report;
  }

  /** An empty folder where the benchmarks' forks leave the CPU time of each measured operation. */
  private static Path cpuDir() throws IOException {
    Path cpuDir = Path.of("target", "bench", "forget-cpu").toAbsolutePath();
    BenchFiles.deleteTree(cpuDir);
    Files.createDirectories(cpuDir);
    return cpuDir;
  }

  /** JMH's options for {@code benchmarks} on a memory of {@code events} live events, quick or full. */
  private static ChainedOptionsBuilder options(Class<?> benchmarks, Path cpuDir, boolean quick, int events) {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(benchmarks.getName() + "\\.")
        .param("events", Integer.toString(events))
        .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
            "-D" + ForgetBenchmarks.CPU_DIR_PROPERTY + "=" + cpuDir)
        .shouldFailOnError(true);
    if (quick) {
      options.forks(1).warmupIterations(3).measurementIterations(5);
    } else {
      options.forks(2).warmupIterations(5).measurementIterations(10);
    }
    return options;
  }

  /** The session mode: {@link SessionForgetBenchmarks} at each session size. */
  private static void sessions(boolean quick, int events, String[] sizes) throws Exception {
    System.out.println("forget: sessions of " + String.join(" or ", sizes) + " events with vectors of "
        + ForgetBenchmarks.DIM + " dims forgotten in a memory of " + events + " live events"
        + (quick ? " (quick run)" : ""));
    Path cpuDir = cpuDir();
    ChainedOptionsBuilder options = options(SessionForgetBenchmarks.class, cpuDir, quick, events)
        .param("sessionEvents", sizes);
    Map<String, Map<String, Object>> rows = new TreeMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      int size = Integer.parseInt(run.getParams().getParam("sessionEvents"));
      String vectors = run.getParams().getParam("vectors");
      int sessions = Math.max(1, SessionForgetBenchmarks.EVENTS_PER_BATCH / size);
      double[][] cpu = cpuColumns(cpuDir, "forgetSession-" + vectors + "-" + size + "-");
      double perSession = median(cpu[0]);
      double rememberPerEvent = median(cpu[1]);
      double wallPerSession = run.getPrimaryResult().getStatistics().getPercentile(50) / sessions;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("vectors", vectors);
      row.put("session_events", size);
      row.put("sessions_per_batch", sessions);
      row.put("forget_session_cpu_median_us", BenchReport.round(perSession, 2));
      row.put("forget_per_event_cpu_median_us", BenchReport.round(perSession / size, 2));
      row.put("remember_per_event_cpu_median_us", BenchReport.round(rememberPerEvent, 2));
      row.put("forget_over_remember_per_event_cpu_medians", BenchReport.round(perSession / size / rememberPerEvent,
          3));
      row.put("forget_session_wall_median_us", BenchReport.round(wallPerSession, 2));
      rows.put(vectors + String.format(Locale.ROOT, "%09d", size), row);
      System.out.printf(Locale.ROOT, "sessions of %,d events, %s: forget CPU median %.1f us a session, %.2f us an"
          + " event; remember CPU median %.1f us an event; forget / remember per event %.3f; wall median %.1f us a"
          + " session%n", size, vectors, perSession, perSession / size, rememberPerEvent,
          perSession / size / rememberPerEvent, wallPerSession);
    }
    BenchFiles.deleteTree(cpuDir);
    Map<String, Object> report = report(quick, events);
    report.put("events_per_batch", SessionForgetBenchmarks.EVENTS_PER_BATCH);
    report.put("rows", new ArrayList<>(rows.values()));
    BenchReport.write("forget-session", report);
  }

  /** The two columns (forget µs per session, remember µs per event) of every measured batch of one size. */
  private static double[][] cpuColumns(Path dir, String prefix) throws IOException {
    List<double[]> values = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            String[] parts = line.trim().split(" ");
            values.add(new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])});
          }
        }
      }
    }
    return new double[][] {values.stream().mapToDouble(v -> v[0]).toArray(),
        values.stream().mapToDouble(v -> v[1]).toArray()};
  }

  private static void put(Map<String, Object> row, String name, Figures f) {
    row.put(name + "_us", BenchReport.round(f.mean(), 2));
    row.put(name + "_error_us", BenchReport.round(f.error(), 2));
    row.put(name + "_median_us", BenchReport.round(f.median(), 2));
    row.put(name + "_cpu_median_us", BenchReport.round(f.cpuMedian(), 2));
    row.put(name + "_cpu_mean_us", BenchReport.round(f.cpuMean(), 2));
  }

  /** The CPU microseconds per operation of every measured batch of one benchmark, from its forks' files. */
  private static double[] cpuPerOp(Path dir, String prefix) throws IOException {
    List<Double> values = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            values.add(Double.parseDouble(line.trim()));
          }
        }
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
