package dev.aeon.bench.wal;

import dev.aeon.bench.util.BenchReport;
import dev.aeon.wal.Durability;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code ./aeon bench wal [--quick] [--dir DIR]}: appends 200-byte records through the WAL in each
 * durability mode from 1, 4 and 16 threads (each thread waits for its acknowledgement before the next
 * append), and, as the baseline in the same run on the same disk, one write and one force per record
 * without batching. Writes {@code target/bench/wal.json}.
 */
public final class WalBench {

  static final int RECORD_BYTES = 200;
  private static final int[] THREADS = {1, 4, 16};

  /** One measured configuration. */
  record Row(String mode, int threads, long ops, double opsPerS, double p50Us, double p99Us, long forces) {

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mode", mode);
      m.put("threads", threads);
      m.put("ops_per_s", BenchReport.round(opsPerS, 0));
      m.put("p50_us", BenchReport.round(p50Us, 1));
      m.put("p99_us", BenchReport.round(p99Us, 1));
      m.put("forces", forces);
      m.put("records_per_force", forces == 0 ? null : BenchReport.round((double) ops / forces, 2));
      m.put("ops", ops);
      return m;
    }
  }

  private final Path dir;
  private final long warmupMillis;
  private final long measureMillis;
  private final byte[] payload = new byte[RECORD_BYTES];

  private WalBench(Path dir, boolean quick) {
    this.dir = dir;
    this.warmupMillis = quick ? 300 : 1000;
    this.measureMillis = quick ? 1500 : 5000;
    new Random(42).nextBytes(payload);
  }

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    boolean quick = a.contains("--quick");
    int d = a.indexOf("--dir");
    Path dir = d >= 0 && d + 1 < args.length ? Path.of(args[d + 1]) : Path.of("target", "bench", "wal-data");
    new WalBench(dir, quick).run(quick);
  }

  private void run(boolean quick) throws Exception {
    System.out.printf("wal: %d-byte records, %d ms warm-up + %d ms measured per row, files in %s%s%n",
        RECORD_BYTES, warmupMillis, measureMillis, dir.toAbsolutePath(), quick ? " (quick run)" : "");
    List<Row> rows = new ArrayList<>();
    rows.add(report(baseline()));
    for (Durability mode : Durability.values()) {
      for (int threads : THREADS) {
        rows.add(report(wal(mode, threads)));
      }
    }
    deleteTree(dir);
    Map<String, Object> report = BenchReport.header();
    report.put("record_bytes", RECORD_BYTES);
    report.put("measured_ms_per_row", measureMillis);
    report.put("directory", dir.toAbsolutePath().toString());
    report.put("results", rows.stream().map(Row::json).toList());
    report.put("checks", checks(rows));
    BenchReport.write("wal", report);
  }

  private Row baseline() throws Exception {
    Path base = Files.createDirectories(dir).resolve("fsync-per-record.dat");
    try (FsyncPerRecord log = new FsyncPerRecord(base, 64L << 20, RECORD_BYTES)) {
      return row("fsync_per_record", 1,
          ClosedLoop.run(1, warmupMillis, measureMillis, t -> log.append(payload), log::forces));
    } finally {
      Files.deleteIfExists(base);
    }
  }

  private Row wal(Durability mode, int threads) throws Exception {
    Path walDir = dir.resolve("wal-" + mode.name().toLowerCase() + "-" + threads);
    deleteTree(walDir);
    try (Wal wal = Wal.open(walDir, WalOptions.defaults().durability(mode))) {
      return row(mode.name().toLowerCase(), threads,
          ClosedLoop.run(threads, warmupMillis, measureMillis, t -> wal.appendAndWait((byte) 1, payload), wal::forces));
    } finally {
      deleteTree(walDir);
    }
  }

  private static Row row(String mode, int threads, ClosedLoop.Outcome o) {
    return new Row(mode, threads, o.ops(), o.opsPerSecond(), o.percentileMicros(0.50), o.percentileMicros(0.99),
        o.counted());
  }

  private static Row report(Row r) {
    System.out.printf("%-17s %3d threads %10.0f ops/s   p50 %8.1f us   p99 %8.1f us   %8d forces%n", r.mode(),
        r.threads(), r.opsPerS(), r.p50Us(), r.p99Us(), r.forces());
    return r;
  }

  /** The targets, evaluated on this run. */
  private static Map<String, Object> checks(List<Row> rows) {
    Row naive = find(rows, "fsync_per_record", 1);
    Row sync16 = find(rows, "sync", 16);
    Map<String, Object> c = new LinkedHashMap<>();
    double speedup = sync16.opsPerS() / naive.opsPerS();
    c.put("sync16_over_fsync_per_record", BenchReport.round(speedup, 2));
    c.put("sync16_p99_us", BenchReport.round(sync16.p99Us(), 1));
    double worstAsyncOverOff = Double.MAX_VALUE;
    for (int t : THREADS) {
      double ratio = find(rows, "async", t).opsPerS() / find(rows, "off", t).opsPerS();
      c.put("async_over_off_threads_" + t, BenchReport.round(ratio, 3));
      worstAsyncOverOff = Math.min(worstAsyncOverOff, ratio);
    }
    System.out.printf("%nsync x16 / fsync_per_record = %.1fx (target >= 10x), sync x16 p99 = %.0f us (target < 5000)%n",
        speedup, sync16.p99Us());
    System.out.printf("async / off, worst over thread counts = %.2f (target >= 0.8)%n", worstAsyncOverOff);
    c.put("targets_met", speedup >= 10 && sync16.p99Us() < 5000 && worstAsyncOverOff >= 0.8);
    return c;
  }

  private static Row find(List<Row> rows, String mode, int threads) {
    return rows.stream().filter(r -> r.mode().equals(mode) && r.threads() == threads).findFirst().orElseThrow();
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }
}
