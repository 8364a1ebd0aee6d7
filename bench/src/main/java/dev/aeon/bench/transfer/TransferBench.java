package dev.aeon.bench.transfer;

import dev.aeon.bench.open.Events;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.ExportCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./aeon bench transfer [--quick] [--events N]}: a namespace of 100,000 events (quick: 20,000; 384
 * dimensions, dialogue-sized texts) exported to JSON lines and imported into a new memory, as {@code ./aeon
 * export} and {@code ./aeon import} do (ASYNC, made durable by the closing checkpoint). The baseline, measured
 * in the same run: remembering the same events in the first place, the same way. Checks that the import holds
 * every event and that its stores agree. Writes {@code target/bench/transfer.json}.
 */
public final class TransferBench {

  private TransferBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("transfer", args, List.of("--quick"), Map.of("--events", "N"));
    int events = a.positiveInt("--events", a.has("--quick") ? 20_000 : 100_000);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "transfer-bench-");
    try {
      Map<String, Object> report = BenchReport.header();
      report.put("events", events);
      report.put("vectors", Events.DIM + " dimensions, random unit vectors");
      long start = System.nanoTime();
      Events.rememberInto(dir.resolve("source"), events);
      double rememberMs = (System.nanoTime() - start) / 1e6;

      Path file = dir.resolve("export.jsonl");
      AeonOptions options = AeonOptions.defaults().withDurability(Durability.ASYNC);
      start = System.nanoTime();
      ExportCounts exported;
      try (Aeon aeon = Aeon.open(dir.resolve("source"), options)) {
        exported = aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, file);
      }
      double exportMs = (System.nanoTime() - start) / 1e6;

      start = System.nanoTime();
      ExportCounts imported;
      try (Aeon aeon = Aeon.open(dir.resolve("target"), options)) {
        imported = aeon.importNamespace(Aeon.DEFAULT_NAMESPACE, file);
      }
      double importMs = (System.nanoTime() - start) / 1e6;

      try (Aeon aeon = Aeon.open(dir.resolve("target"), AeonOptions.defaults())) {
        long held = aeon.memory().stats().events();
        List<String> problems = aeon.check(Aeon.DEFAULT_NAMESPACE);
        if (held != events || !problems.isEmpty() || !imported.equals(exported)) {
          throw new IllegalStateException("the import holds " + held + " of " + events + " events; problems: "
              + problems + "; exported " + exported + ", imported " + imported);
        }
      }
      report.put("remember_ms", BenchReport.round(rememberMs, 0));
      report.put("export_ms", BenchReport.round(exportMs, 0));
      report.put("import_ms", BenchReport.round(importMs, 0));
      report.put("export_bytes", Files.size(file));
      report.put("namespace_bytes", BenchFiles.sizeOf(dir.resolve("source/ns")));
      report.put("export_over_remember", BenchReport.round(exportMs / rememberMs, 3));
      report.put("import_over_remember", BenchReport.round(importMs / rememberMs, 3));
      System.out.printf("remember %,d events %.0f ms; export %.0f ms (%.3fx), %.1f MiB; import %.0f ms (%.3fx)%n",
          events, rememberMs, exportMs, exportMs / rememberMs, Files.size(file) / 1048576.0, importMs,
          importMs / rememberMs);
      BenchReport.write("transfer", report);
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }
}
