package dev.aeon.bench.backup;

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
import dev.aeon.engine.BackupResult;
import dev.aeon.engine.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code ./aeon bench backup [--quick] [--events N] [--rounds R]}: backups of a namespace of 100,000 events
 * (quick: 20,000) taken while a writer remembers events under SYNC durability. The baseline, measured in the
 * same run: copying every file of the closed namespace whole ({@code Files.copy}, as {@code cp -r} does), with
 * its files in the page cache. Reports how long each backup held writers back and took in all, the bytes it
 * copied against the files' sizes, and the writer's latencies while backups ran and while none did; the writer
 * is a closed loop, so the latencies during backups are also given as a writer at the pace between backups
 * would have seen them ({@link dev.aeon.bench.util.Latencies#atFixedRate}). Writes {@code target/bench/backup.json}.
 */
public final class BackupBench {

  private BackupBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("backup", args, "--quick", "--events N", "--rounds R");
    boolean quick = a.has("--quick");
    int events = a.positiveInt("--events", quick ? 20_000 : 100_000);
    int rounds = a.positiveInt("--rounds", quick ? 5 : 11);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "backup-bench-");
    try {
      Map<String, Object> report = BenchReport.header();
      report.put("events", events);
      report.put("vectors", Events.DIM + " dimensions, random unit vectors");
      Path memory = dir.resolve("memory");
      Events.rememberInto(memory, events);
      Path ns = memory.resolve("ns").resolve(Aeon.DEFAULT_NAMESPACE);
      report.put("namespace_bytes", BenchFiles.sizeOf(ns));

      double[] copyAll = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        copyAll[r] = copyWhole(ns, dir.resolve("whole-" + r));
        System.out.printf("baseline %d: copied every file whole in %.1f ms%n", r + 1, copyAll[r]);
      }
      report.put("copy_whole_ms", summary(copyAll));

      Run run = backupWhileWriting(memory, dir.resolve("backups"), events, rounds);
      double[] paused = run.results().stream().mapToDouble(b -> b.writersPausedMicros() / 1e3).toArray();
      double[] total = run.results().stream().mapToDouble(b -> b.totalMicros() / 1e3).toArray();
      Map<String, Object> backup = new LinkedHashMap<>();
      backup.put("bytes_copied", run.results().getLast().bytes());
      backup.put("files", run.results().getLast().files());
      backup.put("writers_paused_ms", summary(paused));
      backup.put("total_ms", summary(total));
      backup.put("paused_over_copy_whole", BenchReport.round(median(paused) / median(copyAll), 3));
      report.put("backup", backup);
      report.put("writes_during_backups_ms", summary(run.during()));
      report.put("writes_between_backups_ms", summary(run.between()));
      // The writer is a closed loop: a write held for a whole backup's catch-up is one sample, however long.
      double pace = median(run.between());
      double[] duringAtPace = atFixedRate(run.during(), pace);
      report.put("writes_during_backups_at_fixed_rate_ms", summary(duringAtPace));
      report.put("fixed_rate_interval_ms", BenchReport.round(pace, 3));
      report.put("last_backup_check", verify(dir.resolve("backups"), rounds - 1, events));
      System.out.printf("backups: writers paused p50 %.1f ms (max %.1f), %.1f ms in all p50; copying every file"
          + " whole p50 %.1f ms (%.3fx); %.1f of %.1f MiB copied%n", median(paused), max(paused), median(total),
          median(copyAll), median(paused) / median(copyAll), run.results().getLast().bytes() / 1048576.0,
          BenchFiles.sizeOf(ns) / 1048576.0);
      System.out.printf("writes: p50 %.2f / max %.1f ms while a backup ran (%d), p50 %.2f / max %.1f ms otherwise"
          + " (%d)%n", median(run.during()), max(run.during()), run.during().length, median(run.between()),
          max(run.between()), run.between().length);
      System.out.printf("writes during backups as a writer issuing one every %.2f ms (the pace between backups)"
          + " would have seen them: p50 %.2f / p99 %.1f ms%n", pace, median(duringAtPace),
          percentile(duringAtPace, 0.99));
      BenchReport.write("backup", report);
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  /** The backups, and the writer's latencies (ms) of writes that began while one ran, and of the others. */
  private record Run(List<BackupResult> results, double[] during, double[] between) {}

  /**
   * Opens the memory (SYNC), starts a writer remembering events, and takes {@code rounds} backups half a
   * second apart, after a second of writing.
   */
  private static Run backupWhileWriting(Path memory, Path targets, int events, int rounds) throws Exception {
    List<BackupResult> results = new ArrayList<>();
    List<long[]> windows = new ArrayList<>(); // [start, end] nanos of each backup
    List<long[]> writes = new ArrayList<>(); // [start, nanos] of each write
    AtomicBoolean stop = new AtomicBoolean();
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      Memory m = aeon.memory();
      Thread writer = Thread.ofPlatform().name("bench-writer").start(() -> {
        Events source = new Events(2);
        for (long i = events; !stop.get(); i++) {
          long start = System.nanoTime();
          m.remember(source.next(i));
          long took = System.nanoTime() - start;
          synchronized (writes) {
            writes.add(new long[] {start, took});
          }
        }
      });
      try {
        Thread.sleep(1000);
        for (int r = 0; r < rounds; r++) {
          long start = System.nanoTime();
          BackupResult b = aeon.backup(Aeon.DEFAULT_NAMESPACE, targets.resolve("b" + r));
          windows.add(new long[] {start, System.nanoTime()});
          results.add(b);
          System.out.printf("backup %d: writers paused %.1f ms, %.1f ms in all, %d files, %.1f MiB, up to log record"
              + " %d%n", r + 1, b.writersPausedMicros() / 1e3, b.totalMicros() / 1e3, b.files(), b.bytes() / 1048576.0,
              b.lastLsn());
          Thread.sleep(500);
        }
      } finally {
        stop.set(true);
        writer.join();
      }
    }
    List<Double> during = new ArrayList<>();
    List<Double> between = new ArrayList<>();
    for (long[] w : writes) {
      boolean inWindow = windows.stream().anyMatch(x -> w[0] >= x[0] && w[0] <= x[1]);
      (inWindow ? during : between).add(w[1] / 1e6);
    }
    return new Run(results, during.stream().mapToDouble(Double::doubleValue).toArray(),
        between.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Opens the last backup and cross-checks its stores: the figures are of copies that work. */
  private static String verify(Path targets, int last, int events) {
    try (Aeon copy = Aeon.open(targets.resolve("b" + last), AeonOptions.defaults())) {
      long held = copy.memory().stats().events();
      List<String> problems = copy.check(Aeon.DEFAULT_NAMESPACE);
      if (held < events || !problems.isEmpty()) {
        throw new IllegalStateException("backup b" + last + " holds " + held + " events, problems: " + problems);
      }
      return "ok: " + held + " events, stores agree";
    }
  }

  /** Copies every file of {@code ns} whole into {@code to}: milliseconds. */
  private static double copyWhole(Path ns, Path to) throws IOException {
    long start = System.nanoTime();
    try (Stream<Path> all = Files.walk(ns)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(ns.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    double ms = (System.nanoTime() - start) / 1e6;
    BenchFiles.deleteTree(to);
    return ms;
  }
}
