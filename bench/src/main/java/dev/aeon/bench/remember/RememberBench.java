package dev.aeon.bench.remember;

import dev.aeon.bench.locomo.LocomoData;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.bench.util.ClosedLoop;
import dev.aeon.engine.Durability;
import dev.aeon.wal.FlusherStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./aeon bench remember [--quick] [--events N] [--only CONFIGS] [--rounds R]}: remembers WordNet glosses with
 * their vectors ({@link Ingest}) through {@code Memory.remember} in each durability mode, from 1 and 4 writer threads
 * (SYNC, ASYNC) and 1 (OFF), each waiting for its acknowledgement before the next, and in SYNC from 1 thread
 * {@value Ingest#BATCH} at a time through {@code Memory.rememberAll}; and, as the baseline in the same run on the same
 * disk, the namespace's write-ahead log alone appending the very records those calls log, in the same mode from as
 * many threads. Every configuration is measured in each of several rounds, one after the other, so that a change in
 * the machine's load hits them alike. Heap bytes are those each call allocated on its thread (ThreadMXBean), per
 * event; the log's flusher's idle waits ({@link FlusherStats}: spun or blocked, how soon the writers came back) are
 * counted over the rounds. Writes {@code target/bench/remember.json}. {@code --only} measures the configurations it
 * names ({@link Config#key}, e.g. {@code sync_x1}), each still against its log alone, so that a comparison of one of
 * them runs shorter and more rounds of it fit in the same time ({@code --rounds}: 3 quick, 5 otherwise).
 * With {@code --embed [--data FILE]}, texts the engine embeds instead ({@link EmbedRememberBench}).
 */
public final class RememberBench {

  /** The configurations measured: each mode and writer count, for the engine and for its log alone. */
  private static final List<Config> CONFIGS = List.of(new Config(Durability.SYNC, 1, 1),
      new Config(Durability.SYNC, 4, 1), new Config(Durability.ASYNC, 1, 1), new Config(Durability.ASYNC, 4, 1),
      new Config(Durability.OFF, 1, 1), new Config(Durability.SYNC, 1, Ingest.BATCH));

  /** One configuration: a durability mode, a number of writer threads, the events a call remembers. */
  record Config(Durability mode, int threads, int batch) {

    /** E.g. {@code sync_x4} or {@code sync_x1_batch64}, as {@code --only} and the ratios name it. */
    String key() {
      return mode.name().toLowerCase(Locale.ROOT) + "_x" + threads + (batch > 1 ? "_batch" + batch : "");
    }
  }

  /**
   * The configurations {@code --only} names (comma-separated keys), in the order of {@link #CONFIGS}; all of them
   * when it is null.
   *
   * @throws IllegalArgumentException a key that names no configuration, or none at all
   */
  static List<Config> configs(String only) {
    if (only == null) {
      return CONFIGS;
    }
    List<String> keys = new ArrayList<>();
    for (String k : only.split(",", -1)) {
      String key = k.trim();
      if (CONFIGS.stream().noneMatch(c -> c.key().equals(key))) {
        throw new IllegalArgumentException("--only takes configurations among "
            + String.join(",", CONFIGS.stream().map(Config::key).toList()) + ", not '" + key + "'");
      }
      keys.add(key);
    }
    return CONFIGS.stream().filter(c -> keys.contains(c.key())).toList();
  }

  private final Path dir;
  private final List<Config> configs;
  private final int rounds;
  private final long warmupMillis;
  private final long measureMillis;

  private RememberBench(Path dir, List<Config> configs, boolean quick, int rounds) {
    this.dir = dir;
    this.configs = configs;
    this.rounds = rounds;
    this.warmupMillis = quick ? 200 : 500;
    this.measureMillis = quick ? 500 : 2000;
  }

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("remember", args, "--quick", "--events N", "--only CONFIGS", "--rounds R",
        "--embed", "--data FILE");
    boolean quick = a.has("--quick");
    String load = loadAverage();
    if (a.has("--embed")) {
      if (a.value("--only") != null || a.value("--rounds") != null) {
        a.fail("--only and --rounds choose among the configurations of remember with vectors, not of --embed");
      }
      EmbedRememberBench.main(quick, a.positiveInt("--events", Integer.MAX_VALUE),
          Path.of(a.value("--data", LocomoData.defaultFile().toString())), load);
      return;
    }
    if (a.value("--data") != null) {
      a.fail("--data is the LoCoMo file of --embed, and is taken only with it");
    }
    int glosses = a.positiveInt("--events", 20_000);
    int rounds = a.positiveInt("--rounds", quick ? 3 : 5);
    List<Config> configs = List.of();
    try {
      configs = configs(a.value("--only"));
    } catch (IllegalArgumentException e) {
      a.fail(e.getMessage());
    }
    System.out.printf("remember: %d WordNet glosses (all-MiniLM-L6-v2, 384 dims), %d rounds%s%s%n", glosses,
        rounds, quick ? " (quick run)" : "", configs.size() < CONFIGS.size()
            ? ", only " + String.join(",", configs.stream().map(Config::key).toList()) : "");
    Ingest ingest = Ingest.wordnet(glosses); // embeds what the cache lacks, once
    new RememberBench(Path.of("target", "bench", "remember-data"), configs, quick, rounds).run(ingest, load);
  }

  private void run(Ingest ingest, String loadBefore) throws Exception {
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    List<Subject> subjects = new ArrayList<>();
    try {
      for (Config c : configs) { // the engine and its log back to back
        subjects.add(Subject.engine(folder(Subject.ENGINE, c), c.mode(), c.threads(), c.batch(), ingest));
        subjects.add(Subject.wal(folder(Subject.WAL, c), c.mode(), c.threads(), c.batch(), ingest));
      }
      System.out.printf("warming up: each configuration for %d ms%n", warmupMillis + measureMillis);
      for (Subject x : subjects) {
        ClosedLoop.run(x.threads(), warmupMillis, measureMillis, x.op(), x.records());
      }
      List<List<ClosedLoop.Outcome>> outcomes = new ArrayList<>();
      List<FlusherStats> flushers = new ArrayList<>();
      subjects.forEach(x -> {
        outcomes.add(new ArrayList<>());
        flushers.add(FlusherStats.NONE);
      });
      for (int round = 1; round <= rounds; round++) {
        System.out.printf("round %d/%d:", round, rounds);
        for (int i = 0; i < subjects.size(); i++) {
          Subject x = subjects.get(i);
          FlusherStats before = x.flusher().get();
          ClosedLoop.Outcome o = ClosedLoop.run(x.threads(), warmupMillis, measureMillis, x.op(), x.records());
          flushers.set(i, flushers.get(i).plus(x.flusher().get().since(before)));
          outcomes.get(i).add(o);
          System.out.printf(Locale.ROOT, " %s %.0f/s%s", x.label(), o.opsPerSecond() * x.batch(),
              i + 1 < subjects.size() ? "," : "\n");
        }
      }
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < subjects.size(); i++) {
        rows.add(Row.of(subjects.get(i), outcomes.get(i), flushers.get(i)));
      }
      System.out.println();
      rows.forEach(r -> System.out.println(r.line()));
      System.out.println();
      System.out.println("the log's flusher on an empty ring over the rounds (warm-ups included): idle waits that"
          + " spun (in vain: the writer came back after the window) or blocked at once (though a spin would have"
          + " caught the writer); by how soon the writers came back");
      rows.forEach(r -> System.out.printf("%-26s %s%n", r.label(), r.flusher().summary()));
      Map<String, Object> ratios = ratios(rows);
      Map<String, Object> report = BenchReport.header();
      report.put("glosses", ingest.size());
      report.put("data", "WordNet 3.0 glosses (Debian wordnet-base), all-MiniLM-L6-v2 (int8 ONNX), 384 dims");
      report.put("mean_record_bytes", BenchReport.round(ingest.meanRecordBytes(), 0));
      report.put("configurations", configs.stream().map(Config::key).toList());
      report.put("rounds", rounds);
      report.put("measured_ms_per_round", measureMillis);
      report.put("batch", Ingest.BATCH);
      report.put("heap_bytes", "allocated on the calling threads during each measured call"
          + " (ThreadMXBean.getCurrentThreadAllocatedBytes), per event; not what the log's flusher thread or the"
          + " background checkpoints allocate");
      report.put("calling_threads_cpu_us", "CPU time of the calling threads from their first measured call to their"
          + " last (ThreadMXBean.getCurrentThreadCpuTime), per event: their waits for acknowledgements included, not"
          + " the log's flusher thread's");
      report.put("flusher", "the log's flusher's idle waits over the rounds, warm-ups included (Wal.flusherStats):"
          + " how many spun before they blocked (and of those, how many waited out the window for nothing) and how"
          + " many blocked at once (and of those, how many a spin would have caught), and how many ended with a record"
          + " published within each bound (µs) of the wait's start: " + FlusherStats.RETURN_BOUNDS_MICROS
          + ", the last count beyond them");
      report.put("load_average_before", loadBefore);
      report.put("load_average_after", loadAverage());
      report.put("results", rows.stream().map(Row::json).toList());
      report.put("ratios", ratios);
      BenchReport.write("remember", report);
    } finally {
      for (Subject x : subjects) {
        x.resource().close();
      }
      BenchFiles.deleteTree(dir);
    }
  }

  private Path folder(String kind, Config c) {
    return dir.resolve(Subject.folder(kind, c.mode(), c.threads(), c.batch()));
  }

  /**
   * The engine against its log, per configuration: how many times longer an event takes through the engine (the
   * log's events per second over the engine's), its latency percentiles and heap bytes over the log's; and what four
   * writers do in SYNC against one (group commit).
   */
  private static Map<String, Object> ratios(List<Row> rows) {
    Map<String, Object> r = new LinkedHashMap<>();
    System.out.println();
    for (Row engine : rows) {
      if (!engine.kind().equals(Subject.ENGINE)) {
        continue;
      }
      Row wal = find(rows, Subject.WAL, engine.mode(), engine.threads(), engine.batch());
      String key = engine.key();
      double time = wal.eventsPerS() / engine.eventsPerS();
      double p50 = engine.p50Us() / wal.p50Us();
      double p99 = engine.p99Us() / wal.p99Us();
      double bytes = engine.bytesPerEvent() / wal.bytesPerEvent();
      r.put(key + "_time_over_wal", BenchReport.round(time, 2));
      r.put(key + "_p50_over_wal", BenchReport.round(p50, 2));
      r.put(key + "_p99_over_wal", BenchReport.round(p99, 2));
      r.put(key + "_heap_bytes_over_wal", BenchReport.round(bytes, 2));
      System.out.printf(Locale.ROOT, "%-26s engine / log alone: time per event %5.2fx, p50 %5.2fx, p99 %5.2fx,"
          + " heap bytes %5.1fx%n", engine.label(), time, p50, p99, bytes);
    }
    for (String kind : List.of(Subject.ENGINE, Subject.WAL)) {
      Row one = find(rows, kind, Durability.SYNC, 1, 1);
      Row four = find(rows, kind, Durability.SYNC, 4, 1);
      Row batches = find(rows, kind, Durability.SYNC, 1, Ingest.BATCH);
      if (one != null && four != null) { // not when --only left either out
        double scaling = four.eventsPerS() / one.eventsPerS();
        r.put(kind + "_sync_x4_over_x1", BenchReport.round(scaling, 2));
        System.out.printf(Locale.ROOT, "%-6s sync: 4 writers / 1 writer = %.2fx events per second%n", kind, scaling);
      }
      if (one != null && batches != null) {
        double batched = batches.eventsPerS() / one.eventsPerS();
        r.put(kind + "_sync_x1_batch" + Ingest.BATCH + "_over_one_by_one", BenchReport.round(batched, 2));
        System.out.printf(Locale.ROOT, "%-6s sync, 1 writer: batches of %d / one by one = %.2fx events per second%n",
            kind, Ingest.BATCH, batched);
      }
    }
    return r;
  }

  /** The row of that subject and configuration, or null when the run did not measure it ({@code --only}). */
  private static Row find(List<Row> rows, String kind, Durability mode, int threads, int batch) {
    return rows.stream().filter(x -> x.kind().equals(kind) && x.mode() == mode && x.threads() == threads
        && x.batch() == batch).findFirst().orElse(null);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
