package dev.aeon.bench.remember;

import dev.aeon.bench.util.BenchReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One configuration of {@code ./aeon bench remember --embed} over its rounds: texts per second (the median round's;
 * every configuration of a round takes the same texts), latency percentiles of one call over every measured call (a
 * call takes {@code batch} texts), the calling thread's CPU time per text and the whole process's (the cores a call
 * kept busy: the embedder's parallel windows, ONNX runtime's threads, the log's flusher) and its threads' share of it,
 * by name, and the cores the process used while measured.
 */
record EmbedRow(String kind, int batch, long calls, double eventsPerS, double p50Us, double p99Us,
    double callingCpuUsPerEvent, double processCpuUsPerEvent, double coresBusy,
    Map<String, Double> cpuUsPerTextByThread) {

  static EmbedRow of(String kind, int batch, List<TextRound> rounds) {
    double[] rates = rounds.stream().mapToDouble(TextRound::textsPerSecond).sorted().toArray();
    TextRound all = TextRound.merge(rounds);
    return new EmbedRow(kind, batch, all.sortedCallNanos().length, rates[rates.length / 2], all.percentileMicros(0.50),
        all.percentileMicros(0.99), all.threadCpuNanos() / 1e3 / all.texts(), all.processCpuNanos() / 1e3 / all.texts(),
        (double) all.processCpuNanos() / all.nanos(), perText(all));
  }

  /** Each group of threads' CPU per text, in µs, the largest first. */
  private static Map<String, Double> perText(TextRound all) {
    Map<String, Double> m = new LinkedHashMap<>();
    all.processCpuNanosByThread().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> m.put(e.getKey(), BenchReport.round(e.getValue() / 1e3 / all.texts(), 1)));
    return m;
  }

  /** The groups of threads that took at least 1% of the process's CPU, e.g. {@code main 4,420, GC Thread# 310}. */
  String threadsLine() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s CPU per text by thread, us:", label()));
    cpuUsPerTextByThread.forEach((name, us) -> {
      if (us >= processCpuUsPerEvent / 100) {
        sb.append(String.format(Locale.ROOT, " %s %,.0f;", name, us));
      }
    });
    return sb.toString();
  }

  String label() {
    return kind + " x" + batch;
  }

  String line() {
    return String.format(Locale.ROOT, "%-18s %8.1f texts/s   per call: p50 %9.1f us, p99 %9.1f us   CPU per text:"
        + " calling thread %7.1f us, process %7.1f us   %.2f cores busy", label(), eventsPerS, p50Us, p99Us,
        callingCpuUsPerEvent, processCpuUsPerEvent, coresBusy);
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subject", kind);
    m.put("batch", batch);
    m.put("texts_per_s", BenchReport.round(eventsPerS, 1));
    m.put("p50_us_per_call", BenchReport.round(p50Us, 1));
    m.put("p99_us_per_call", BenchReport.round(p99Us, 1));
    m.put("calling_thread_cpu_us_per_text", BenchReport.round(callingCpuUsPerEvent, 1));
    m.put("process_cpu_us_per_text", BenchReport.round(processCpuUsPerEvent, 1));
    m.put("cores_busy", BenchReport.round(coresBusy, 2));
    m.put("calls", calls);
    m.put("process_cpu_us_per_text_by_thread", cpuUsPerTextByThread);
    return m;
  }
}
