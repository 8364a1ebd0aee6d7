package dev.aeon.bench.transfer;

import static dev.aeon.bench.util.Latencies.atFixedRate;
import static dev.aeon.bench.util.Latencies.max;
import static dev.aeon.bench.util.Latencies.median;
import static dev.aeon.bench.util.Latencies.percentile;
import static dev.aeon.bench.util.Latencies.summary;

import dev.aeon.bench.open.Events;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.ExportCounts;
import dev.aeon.engine.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./aeon bench transfer [--quick] [--events N]}: a namespace of 100,000 events (quick: 20,000; 384
 * dimensions, dialogue-sized texts) exported to JSON lines while a writer remembers more events into it, and
 * imported into a new memory, as {@code ./aeon export} and {@code ./aeon import} do (ASYNC, made durable by the
 * closing checkpoint), and again into another through {@code Aeon.importNamespace} with the default options
 * (SYNC). The baselines, measured in the same run: remembering the events in the first place, the
 * same way (after as many as a quick run remembers, untimed, into a memory of their own, so that the JIT has
 * compiled the write path, as it has for the export and the imports), and the writer's latencies in the second
 * before the export. Checks that the import holds every
 * event acknowledged before the export began and none begun after it ended, and that its stores agree. Writes
 * {@code target/bench/transfer.json}.
 */
public final class TransferBench {

  /** Events remembered untimed before the baseline (a quick run's worth). */
  static final int WARM_UP_EVENTS = 20_000;

  private TransferBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("transfer", args, "--quick", "--events N");
    int events = a.positiveInt("--events", a.has("--quick") ? 20_000 : 100_000);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "transfer-bench-");
    try {
      Map<String, Object> report = BenchReport.header();
      report.put("events", events);
      report.put("vectors", Events.DIM + " dimensions, random unit vectors");
      // Untimed: the baseline was the process's first work, so it alone paid for compiling the engine's write
      // path, which the export and the imports measured after it then ran compiled.
      int warmUp = Math.min(events, WARM_UP_EVENTS);
      System.out.printf("warm-up (not measured): remembering %,d events into a memory of its own%n", warmUp);
      Events.rememberInto(dir.resolve("warm-up"), warmUp);
      BenchFiles.deleteTree(dir.resolve("warm-up"));
      report.put("warm_up_events", warmUp);
      long start = System.nanoTime();
      Events.rememberInto(dir.resolve("source"), events);
      double rememberMs = (System.nanoTime() - start) / 1e6;
      report.put("namespace_bytes", BenchFiles.sizeOf(dir.resolve("source/ns")));

      Path file = dir.resolve("export.jsonl");
      AeonOptions options = AeonOptions.defaults().withDurability(Durability.ASYNC);
      Export export = exportWhileWriting(dir.resolve("source"), file, events, options);

      start = System.nanoTime();
      ExportCounts imported;
      try (Aeon aeon = Aeon.open(dir.resolve("target"), options)) {
        imported = aeon.importNamespace(Aeon.DEFAULT_NAMESPACE, file);
      }
      double importMs = (System.nanoTime() - start) / 1e6;

      start = System.nanoTime();
      try (Aeon aeon = Aeon.open(dir.resolve("target-sync"), AeonOptions.defaults())) {
        ExportCounts again = aeon.importNamespace(Aeon.DEFAULT_NAMESPACE, file);
        if (!again.equals(imported)) {
          throw new IllegalStateException("the SYNC import read " + again + ", the ASYNC one " + imported);
        }
      }
      double importSyncMs = (System.nanoTime() - start) / 1e6;

      try (Aeon aeon = Aeon.open(dir.resolve("target"), AeonOptions.defaults())) {
        long held = aeon.memory().stats().events();
        List<String> problems = aeon.check(Aeon.DEFAULT_NAMESPACE);
        if (held < events + export.ackedBefore() || held > events + export.begunBeforeEnd() || !problems.isEmpty()
            || !imported.equals(export.counts())) {
          throw new IllegalStateException("the import holds " + held + " events, not between " + events + " + "
              + export.ackedBefore() + " and " + events + " + " + export.begunBeforeEnd() + "; problems: " + problems
              + "; exported " + export.counts() + ", imported " + imported);
        }
      }
      report.put("remember_ms", BenchReport.round(rememberMs, 0));
      report.put("export_ms", BenchReport.round(export.ms(), 0));
      report.put("import_ms", BenchReport.round(importMs, 0));
      report.put("import_sync_ms", BenchReport.round(importSyncMs, 0));
      report.put("exported_events", export.counts().events());
      report.put("export_bytes", Files.size(file));
      // Per event: the export holds the writer's events acknowledged before it too.
      double rememberPerEvent = rememberMs / events;
      double exportRatio = export.ms() / export.counts().events() / rememberPerEvent;
      double importRatio = importMs / imported.events() / rememberPerEvent;
      report.put("export_over_remember_per_event", BenchReport.round(exportRatio, 3));
      report.put("import_over_remember_per_event", BenchReport.round(importRatio, 3));
      report.put("import_sync_over_remember_per_event",
          BenchReport.round(importSyncMs / imported.events() / rememberPerEvent, 3));
      report.put("writes_during_export_ms", summary(export.during()));
      report.put("writes_before_export_ms", summary(export.before()));
      // The writer is a closed loop: a write held for the export's backup catch-up is one sample, however long.
      double pace = median(export.before());
      double[] duringAtPace = atFixedRate(export.during(), pace);
      report.put("writes_during_export_at_fixed_rate_ms", summary(duringAtPace));
      report.put("fixed_rate_interval_ms", BenchReport.round(pace, 3));
      System.out.printf("remember %,d events %.0f ms; export of %,d events %.0f ms (%.3fx per event), %.1f MiB;"
          + " import %.0f ms (%.3fx per event), under SYNC %.0f ms%n", events, rememberMs, export.counts().events(),
          export.ms(), exportRatio, Files.size(file) / 1048576.0, importMs, importRatio, importSyncMs);
      System.out.printf("writes: p50 %.2f / max %.1f ms during the export (%d), p50 %.2f / max %.1f ms in the second"
          + " before it (%d)%n", median(export.during()), max(export.during()), export.during().length,
          median(export.before()), max(export.before()), export.before().length);
      System.out.printf("writes during the export as a writer issuing one every %.2f ms (the pace before it) would"
          + " have seen them: p50 %.2f / p99 %.1f ms%n", pace, median(duringAtPace),
          percentile(duringAtPace, 0.99));
      BenchReport.write("transfer", report);
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  /**
   * What the export wrote and took, the writer's latencies (ms) of writes begun in the second before it and
   * during it, and how many writes were acknowledged before it began and begun before it ended.
   */
  private record Export(ExportCounts counts, double ms, double[] before, double[] during, long ackedBefore,
      long begunBeforeEnd) {}

  /** Starts a writer, lets it write for a second, then exports the namespace while it goes on. */
  private static Export exportWhileWriting(Path memory, Path file, int events, AeonOptions options)
      throws Exception {
    List<long[]> writes = new ArrayList<>(); // [start, nanos] of each write
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong acked = new AtomicLong();
    AtomicLong begun = new AtomicLong();
    try (Aeon aeon = Aeon.open(memory, options)) {
      Memory m = aeon.memory();
      Thread writer = Thread.ofPlatform().name("bench-writer").start(() -> {
        Events source = new Events(2);
        for (long i = events; !stop.get(); i++) {
          begun.incrementAndGet();
          long start = System.nanoTime();
          m.remember(source.next(i));
          long took = System.nanoTime() - start;
          acked.incrementAndGet();
          synchronized (writes) {
            writes.add(new long[] {start, took});
          }
        }
      });
      ExportCounts counts;
      long start;
      long end;
      long ackedBefore;
      long begunBeforeEnd;
      try {
        Thread.sleep(1000);
        ackedBefore = acked.get();
        start = System.nanoTime();
        counts = aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, file);
        end = System.nanoTime();
        begunBeforeEnd = begun.get();
      } finally {
        stop.set(true);
        writer.join();
      }
      List<Double> before = new ArrayList<>();
      List<Double> during = new ArrayList<>();
      for (long[] w : writes) {
        if (w[0] >= start && w[0] <= end) {
          during.add(w[1] / 1e6);
        } else if (w[0] < start) {
          before.add(w[1] / 1e6);
        }
      }
      return new Export(counts, (end - start) / 1e6, before.stream().mapToDouble(Double::doubleValue).toArray(),
          during.stream().mapToDouble(Double::doubleValue).toArray(), ackedBefore, begunBeforeEnd);
    }
  }
}
