package dev.aeon.bench.trace;

import dev.aeon.bench.contention.Latencies;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.blob.BlobArena;
import dev.aeon.query.trace.Trace;
import dev.aeon.query.trace.VectorRecall;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ./aeon bench trace [--quick]}: builds a trace of 1,000,000 events in 1,000 sessions with
 * 2,000,000 typed edges (100,000 events with {@code --quick}), texts in the blob arena, then times
 * {@code history(session, 100)}, a time range of 100 events and a 2-hop expansion from 10 seeds, through
 * the store API and through the query language. Heap is the used heap after full GCs with the trace
 * loaded minus the same after it is closed and dropped; disk is the sum of the trace's files after a
 * flush. Writes {@code target/bench/trace.json}.
 */
public final class TraceBench {

  static final int SESSIONS = 1_000;
  static final long SEED = 42;

  private TraceBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = BenchArgs.parseOrExit("trace", args, "--quick").has("--quick");
    int events = quick ? 100_000 : 1_000_000;
    int samples = quick ? 20_000 : 100_000;
    Path work = Path.of("target", "bench", "trace-work");
    BenchFiles.deleteTree(work);
    Map<String, Object> report = BenchReport.header();
    report.put("quick", quick);
    report.put("load_average_at_start", loadAverage());
    report.put("sessions", SESSIONS);

    long heapBefore = usedHeapAfterGc();
    try (BlobArena blobs = BlobArena.open(work.resolve("blobs"))) {
      Trace trace = Trace.open(work.resolve("trace"), blobs::readString, VectorRecall.NONE);
      TraceWorkload workload = new TraceWorkload(events, SESSIONS, SEED);
      System.out.printf("trace: loading %,d events in %,d sessions%s%n", events, SESSIONS, quick ? " (quick run)" : "");
      TraceWorkload.LoadTimes load = workload.load(trace, blobs);
      long flushStart = System.nanoTime();
      trace.flush(1);
      blobs.force();
      report.put("flush_ms", BenchReport.round((System.nanoTime() - flushStart) / 1e6, 1));
      long heapLoaded = usedHeapAfterGc();
      report.put("events", trace.eventCount());
      report.put("edges", load.edges());
      report.put("append_per_s", Math.round(events / (load.appendNanos() / 1e9)));
      report.put("edge_add_per_s", Math.round(load.edges() / (load.edgeNanos() / 1e9)));
      report.put("load_wall_s", BenchReport.round(load.wallNanos() / 1e9, 2));
      report.put("load_events_per_s_with_edges_and_blobs", Math.round(events / (load.wallNanos() / 1e9)));

      measureReads(new TraceQueries(trace, workload, events, SEED + 1), samples, report);
      long traceDisk = BenchFiles.sizeOf(work.resolve("trace"));
      report.put("disk_bytes_per_event", BenchReport.round((double) traceDisk / events, 1));
      report.put("disk_bytes_per_event_logical", BenchReport.round((double) trace.diskBytes() / events, 1));
      report.put("heap_estimate_bytes_per_event", BenchReport.round((double) trace.graph().heapBytes() / events, 1));
      trace.close();
      trace = null; // so the GC below frees the whole trace: the heap it held is the difference
      long heapWithoutTrace = usedHeapAfterGc();
      report.put("heap_bytes_per_event", BenchReport.round((double) (heapLoaded - heapWithoutTrace) / events, 1));
      report.put("blob_heap_bytes_per_event", BenchReport.round((double) (heapWithoutTrace - heapBefore) / events, 1));
      report.put("blob_disk_bytes_per_event",
          BenchReport.round((double) BenchFiles.sizeOf(work.resolve("blobs")) / events, 1));
      reopen(work.resolve("trace"), blobs, events, heapWithoutTrace, report);
    }
    BenchFiles.deleteTree(work);
    report.put("load_average_at_end", loadAverage());
    print(report);
    BenchReport.write("trace", report);
  }

  private static void measureReads(TraceQueries q, int samples, Map<String, Object> report) {
    int warmup = samples / 5;
    System.out.println("trace: history(session, 100)");
    put(report, "history", q.measure(warmup, samples, q::history));
    System.out.println("trace: time range of 100 events");
    put(report, "range", q.measure(warmup, samples, q::range));
    System.out.println("trace: 2-hop expansion from 10 seeds");
    put(report, "hop2", q.measure(warmup, samples / 5, q::hop2));
    report.put("hop2_reached_mean", BenchReport.round(q.meanReached(), 1));
    int qlSamples = samples / 10;
    System.out.println("trace: the same through the query language");
    put(report, "ql_history", q.measure(qlSamples / 5, qlSamples, q::qlHistory));
    put(report, "ql_range", q.measure(qlSamples / 5, qlSamples, q::qlRange));
    put(report, "ql_hop2", q.measure(qlSamples / 10, qlSamples / 5, q::qlHop2));
    put(report, "ql_session_of", q.measure(qlSamples / 10, qlSamples / 5, q::qlSessionOf));
    put(report, "ql_with", q.measure(qlSamples / 10, qlSamples / 5, q::qlNewestWithPrevious));
    q.checkExistsAgreesWithTheJoin(20);
    put(report, "ql_exists_join", q.measure(qlSamples / 10, qlSamples / 5, q::qlExistsAsJoin));
    put(report, "ql_exists", q.measure(qlSamples / 10, qlSamples / 5, q::qlExists));
    report.put("ql_exists_p50_ratio", BenchReport.round((double) report.get("ql_exists_p50_us")
        / (double) report.get("ql_exists_join_p50_us"), 2));
    report.put("ql_statements", TraceQueries.statements());
    report.put("ql_plans", q.explain());
    report.put("samples", samples);
    report.put("checksum", q.checksum());
  }

  /** Reopens the flushed trace (rebuilding its indexes from the files) and measures that and its heap. */
  private static void reopen(Path dir, BlobArena blobs, int events, long heapWithoutTrace, Map<String, Object> report)
      throws IOException {
    System.out.println("trace: reopening");
    long start = System.nanoTime();
    try (Trace trace = Trace.open(dir, blobs::readString, VectorRecall.NONE)) {
      report.put("reopen_s", BenchReport.round((System.nanoTime() - start) / 1e9, 2));
      if (trace.eventCount() != events || trace.graph().edgeCount() != (long) report.get("edges")) {
        throw new AssertionError("reopened trace has " + trace.eventCount() + " events");
      }
      long heap = usedHeapAfterGc();
      report.put("heap_bytes_per_event_reopened", BenchReport.round((double) (heap - heapWithoutTrace) / events, 1));
    }
  }

  private static void put(Map<String, Object> report, String name, TraceQueries.Phase p) {
    Latencies l = p.wall();
    report.put(name + "_p50_us", BenchReport.round(l.percentileMicros(0.50), 2));
    report.put(name + "_p99_us", BenchReport.round(l.percentileMicros(0.99), 2));
    report.put(name + "_p999_us", BenchReport.round(l.percentileMicros(0.999), 2));
    report.put(name + "_samples", p.samples());
    // preemptions per 1000 samples: above 10, the p99 is at least partly a wait for a CPU
    report.put(name + "_preemptions_per_1000", p.preemptions() < 0 ? -1
        : BenchReport.round(1000.0 * p.preemptions() / p.samples(), 1));
    report.put(name + "_cpu_p50_us", BenchReport.round(p.cpu().percentileMicros(0.50), 2));
    report.put(name + "_cpu_p99_us", BenchReport.round(p.cpu().percentileMicros(0.99), 2));
  }

  /** Used heap after full collections, once the figure stops falling. */
  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void print(Map<String, Object> r) {
    System.out.printf("%n%,d events, %,d edges in %,d sessions; load average %.1f at start, %.1f at end (%d cores)%n",
        r.get("events"), r.get("edges"), r.get("sessions"), r.get("load_average_at_start"),
        r.get("load_average_at_end"), r.get("cores"));
    System.out.printf("append %,d events/s (edges %,d/s; whole load incl. blobs %.1f s)%n", r.get("append_per_s"),
        r.get("edge_add_per_s"), r.get("load_wall_s"));
    System.out.printf("%-28s %9s %9s %9s %12s %12s %12s%n", "read", "p50 us", "p99 us", "p99.9 us", "cpu p50 us",
        "cpu p99 us", "preempt/1000");
    String[][] rows = {{"history", "history(session, 100)"}, {"range", "time range, 100 events"},
        {"hop2", "2 hops from 10 seeds"}, {"ql_history", "QL history"}, {"ql_range", "QL time range"},
        {"ql_hop2", "QL 2 hops, 10 statements"}, {"ql_session_of", "QL session of an event"},
        {"ql_with", "QL WITH: newest 5 + previous"}, {"ql_exists_join", "QL referring turns, join"},
        {"ql_exists", "QL referring turns, EXISTS"}};
    for (String[] row : rows) {
      System.out.printf("%-28s %9.2f %9.2f %9.2f %12.2f %12.2f %12.1f%n", row[1], r.get(row[0] + "_p50_us"),
          r.get(row[0] + "_p99_us"), r.get(row[0] + "_p999_us"), r.get(row[0] + "_cpu_p50_us"),
          r.get(row[0] + "_cpu_p99_us"), r.get(row[0] + "_preemptions_per_1000"));
    }
    System.out.printf("EXISTS against the join (p50): %.2fx%n", r.get("ql_exists_p50_ratio"));
    System.out.printf("2-hop expansion reached %.1f events on average%n", r.get("hop2_reached_mean"));
    System.out.printf("heap %.1f B/event measured (%.1f estimated, %.1f after reopen); disk %.1f B/event "
        + "(blobs: %.1f B/event disk, %.1f heap); reopen %.2f s%n", r.get("heap_bytes_per_event"),
        r.get("heap_estimate_bytes_per_event"), r.get("heap_bytes_per_event_reopened"), r.get("disk_bytes_per_event"),
        r.get("blob_disk_bytes_per_event"), r.get("blob_heap_bytes_per_event"), r.get("reopen_s"));
    System.out.printf("targets at this size (wall clock): hop2 p99 < 1000 us: %s; history p99 < 100 us: %s%n",
        (double) r.get("hop2_p99_us") < 1000 ? "met" : "MISSED",
        (double) r.get("history_p99_us") < 100 ? "met" : "MISSED");
    System.out.printf("(cpu time per operation: hop2 p99 %.0f us, history p99 %.0f us)%n", r.get("hop2_cpu_p99_us"),
        r.get("history_cpu_p99_us"));
  }
}
