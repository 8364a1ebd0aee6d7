package dev.aeon.bench.remember;

import dev.aeon.bench.util.BenchReport;
import dev.aeon.bench.util.ClosedLoop;
import dev.aeon.engine.Durability;
import dev.aeon.wal.FlusherStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One configuration's figures over its rounds: events per second (the median round's), latency percentiles of
 * one call over every measured call (a call remembers {@code batch} events), heap bytes per event allocated on the
 * calling threads, their CPU time per event (waiting included: a writer that spins or yields for its
 * acknowledgement spends it there), log records per event, and the log's flusher's idle waits over the rounds.
 */
record Row(String kind, Durability mode, int threads, int batch, long calls, double eventsPerS, double p50Us,
    double p99Us, double maxUs, double bytesPerEvent, double cpuUsPerEvent, double recordsPerEvent,
    FlusherStats flusher) {

  static Row of(Subject x, List<ClosedLoop.Outcome> rounds, FlusherStats flusher) {
    double[] rates = rounds.stream().mapToDouble(ClosedLoop.Outcome::opsPerSecond).sorted().toArray();
    ClosedLoop.Outcome all = ClosedLoop.Outcome.merge(rounds);
    long events = all.ops() * x.batch();
    return new Row(x.kind(), x.mode(), x.threads(), x.batch(), all.ops(), rates[rates.length / 2] * x.batch(),
        all.percentileMicros(0.50), all.percentileMicros(0.99), all.percentileMicros(1.0),
        events == 0 ? Double.NaN : (double) all.allocatedBytes() / events,
        events == 0 ? Double.NaN : all.cpuNanos() / 1e3 / events,
        events == 0 ? Double.NaN : (double) all.counted() / events, flusher);
  }

  /** E.g. {@code sync_x4} or {@code sync_x1_batch64}: the configuration, in the ratios' names. */
  String key() {
    return new RememberBench.Config(mode, threads, batch).key();
  }

  String label() {
    return Subject.label(kind, mode, threads, batch);
  }

  String line() {
    return String.format(Locale.ROOT, "%-26s %8.0f events/s   per call: p50 %8.1f us, p99 %8.1f us, max %8.0f us"
        + "   %6.0f heap bytes/event   %6.1f us CPU/event   %.3f log records/event", label(), eventsPerS, p50Us, p99Us,
        maxUs, bytesPerEvent, cpuUsPerEvent, recordsPerEvent);
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subject", kind);
    m.put("mode", mode.name().toLowerCase(Locale.ROOT));
    m.put("threads", threads);
    m.put("batch", batch);
    m.put("events_per_s", BenchReport.round(eventsPerS, 0));
    m.put("p50_us_per_call", BenchReport.round(p50Us, 1));
    m.put("p99_us_per_call", BenchReport.round(p99Us, 1));
    m.put("max_us_per_call", BenchReport.round(maxUs, 0));
    m.put("heap_bytes_per_event", BenchReport.round(bytesPerEvent, 0));
    m.put("calling_threads_cpu_us_per_event", BenchReport.round(cpuUsPerEvent, 1));
    m.put("log_records_per_event", BenchReport.round(recordsPerEvent, 4));
    m.put("calls", calls);
    m.put("flusher_waits_spun", flusher.waitsSpun());
    m.put("flusher_waits_blocked", flusher.waitsBlocked());
    m.put("flusher_spins_wasted", flusher.spinsWasted());
    m.put("flusher_wake_ups_a_spin_would_save", flusher.wakeUpsSpinWouldSave());
    m.put("flusher_writer_returns", flusher.writerReturns());
    return m;
  }
}
