package dev.aeon.bench.wal;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.ClosedLoop;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.wal.Durability;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * {@code ./aeon bench wal [--quick] [--dir DIR]} (DIR: where to write, in a new folder of its own): appends
 * 200-byte records through the WAL in each durability mode from 1, 4 and 16 threads (each thread waits for
 * its acknowledgement before the next append), and, as the baseline in the same run on the same disk, one
 * write and one force per record without batching. Writes {@code target/bench/wal.json} with the machine's load average
 * before and after, since the disk and cores may be shared.
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

  /** A configuration under test: its operation and force counter, open for the whole run. */
  private record Subject(String mode, int threads, ClosedLoop.Op op, LongSupplier forces, AutoCloseable resource) {}

  private final Path dir;
  private final int rounds;
  private final long warmupMillis;
  private final long measureMillis;
  private final byte[] payload = new byte[RECORD_BYTES];

  private WalBench(Path dir, boolean quick) {
    this.dir = dir;
    this.rounds = quick ? 3 : 5;
    this.warmupMillis = quick ? 100 : 300;
    this.measureMillis = quick ? 500 : 1000;
    new Random(42).nextBytes(payload);
  }

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("wal", args, "--quick", "--dir DIR");
    boolean quick = a.has("--quick");
    new WalBench(workDir(a.value("--dir")), quick).run(quick);
  }

  /**
   * The folder a run writes its logs in, deleted before and after the run. The default one belongs to the
   * bench (so what a killed run left there goes too). {@code --dir} says where, on which disk, not which
   * folder to take over: the run gets a new folder inside it, and nothing already there is touched.
   */
  static Path workDir(String given) throws IOException {
    if (given == null) {
      return Path.of("target", "bench", "wal-data");
    }
    return Files.createTempDirectory(Files.createDirectories(Path.of(given)), "wal-bench-");
  }

  /**
   * Measures every configuration in each of several rounds, one after the other, so that a change in
   * the machine's load (the disk is shared) hits every configuration alike rather than one of them.
   */
  private void run(boolean quick) throws Exception {
    String load = loadAverage();
    System.out.printf("wal: %d-byte records, %d rounds of %d ms per configuration, files in %s%s%n", RECORD_BYTES,
        rounds, measureMillis, dir.toAbsolutePath(), quick ? " (quick run)" : "");
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    List<Subject> subjects = new ArrayList<>();
    try {
      subjects.add(baseline());
      for (int threads : THREADS) {
        subjects.add(wal(Durability.SYNC, threads));
      }
      for (int threads : THREADS) { // ASYNC is compared with OFF: each pair is measured back to back
        subjects.add(wal(Durability.ASYNC, threads));
        subjects.add(wal(Durability.OFF, threads));
      }
      List<List<ClosedLoop.Outcome>> outcomes = new ArrayList<>();
      subjects.forEach(x -> outcomes.add(new ArrayList<>()));
      for (int round = 1; round <= rounds; round++) {
        System.out.printf("round %d/%d%n", round, rounds);
        for (int i = 0; i < subjects.size(); i++) {
          Subject x = subjects.get(i);
          outcomes.get(i).add(ClosedLoop.run(x.threads(), warmupMillis, measureMillis, x.op(), x.forces()));
        }
      }
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < subjects.size(); i++) {
        rows.add(report(row(subjects.get(i), outcomes.get(i))));
      }
      Map<String, Object> report = BenchReport.header();
      report.put("record_bytes", RECORD_BYTES);
      report.put("rounds", rounds);
      report.put("measured_ms_per_round", measureMillis);
      report.put("load_average_before", load);
      report.put("load_average_after", loadAverage());
      report.put("results", rows.stream().map(Row::json).toList());
      report.put("checks", checks(rows));
      BenchReport.write("wal", report);
    } finally {
      for (Subject x : subjects) {
        x.resource().close();
      }
      BenchFiles.deleteTree(dir);
    }
  }

  private Subject baseline() throws IOException {
    FsyncPerRecord log = new FsyncPerRecord(dir.resolve("fsync-per-record.dat"), 64L << 20, RECORD_BYTES);
    return new Subject("fsync_per_record", 1, t -> log.append(payload), log::forces, log);
  }

  private Subject wal(Durability mode, int threads) throws IOException {
    Wal wal = Wal.open(dir.resolve("wal-" + mode.name().toLowerCase() + "-" + threads),
        WalOptions.defaults().durability(mode));
    return new Subject(mode.name().toLowerCase(), threads, t -> wal.appendAndWait((byte) 1, payload), wal::forces,
        wal);
  }

  /** ops/s is the median over the rounds; latency percentiles are over every measured operation. */
  private static Row row(Subject x, List<ClosedLoop.Outcome> rounds) {
    double[] rates = rounds.stream().mapToDouble(ClosedLoop.Outcome::opsPerSecond).sorted().toArray();
    ClosedLoop.Outcome all = ClosedLoop.Outcome.merge(rounds);
    return new Row(x.mode(), x.threads(), all.ops(), rates[rates.length / 2], all.percentileMicros(0.50),
        all.percentileMicros(0.99), all.counted());
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
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

}
