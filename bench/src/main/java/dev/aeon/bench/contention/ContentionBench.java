package dev.aeon.bench.contention;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.bench.util.FlusherCounts;
import dev.aeon.bench.util.ThreadTimes;
import dev.aeon.bench.util.TimerSlack;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.CheckpointPause;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.MemoryStats;
import dev.aeon.wal.FlusherStats;
import dev.aeon.engine.Recall;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code ./aeon bench contention [--quick] [--events N] [--seconds S] [--readers R] [--load F] [--write-rate W]
 * [--checkpoint-seconds S] [--default-timer-slack] [--vectors random|wordnet]}:
 * recall (k=10) latency on a memory of 100,000 events (quick: 20,000), their vectors random (the default) or
 * WordNet glosses embedded with all-MiniLM-L6-v2 ({@link Workload}), after a warm-up that runs the same
 * mix unmeasured ({@link #warmUp}): first with one reader alone (closed loop), then with R open-loop
 * readers sharing a fixed total rate of F times what the lone reader sustained, without a writer, beside
 * one writer that remembers and forgets W pairs per second (default 200) under SYNC durability, and beside
 * the same writer flat out. Readers also time an EBR guard of an
 * {@link Epochs} the writer retires into. {@code --checkpoint-seconds} overrides the engine's background
 * checkpoint interval. The open-loop readers park with a timer slack of 1 ns ({@link TimerSlack});
 * {@code --default-timer-slack} leaves the kernel's. Each open-loop phase also reports its p99 per 5-second window,
 * which tells a tail spread over the phase from a few noisy seconds, and each phase what every group of threads took
 * of the cores and waited for one ({@link ThreadTimes}). Writes {@code target/bench/contention.json}.
 *
 * <p>Why a paced writer for the headline: on 2 cores a writer flat out takes a core of its own, so the
 * readers' fixed rate no longer fits in what is left and their queues grow without bound; that phase
 * measures the CPU the machine lacks, not what the engine's writer does to readers. It is reported too.
 *
 * <p>Why open loop: the machine this was written for has 2 cores; 16 threads recalling flat out would
 * measure the OS scheduler's time slices, not the engine. At a fixed rate below capacity, latency
 * measured from each recall's due time shows what a writer and concurrent readers add.
 */
public final class ContentionBench {

  static final int DIM = 384;
  static final int K = 10;
  static final int QUERIES = 1000;
  /** Thread groups below this share of a core are left off the console (they are all in the JSON). */
  static final double MIN_CPU_MS_PER_S_SHOWN = 5;

  private ContentionBench() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    String loadBefore = loadAverage();
    Workload workload = workload(o);
    float[][] queries = workload.queries();
    System.out.println("contention: vectors: " + workload.kind().label() + ", " + workload.description());
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "contention-bench-");
    Map<String, Object> report = BenchReport.header();
    report.put("load_average_before", loadBefore);
    try {
      LiveEvents ids = load(dir, workload);
      AeonOptions defaults = AeonOptions.defaults();
      AeonOptions options = defaults.withDurability(Durability.SYNC).withCheckpoints(defaults.checkpointLogBytes(),
          o.checkpointSeconds > 0 ? java.time.Duration.ofSeconds(o.checkpointSeconds) : defaults.checkpointInterval());
      try (Aeon aeon = Aeon.open(dir, options)) {
        Memory memory = aeon.memory();
        warmUp(memory, queries, o, new ChurnWriterFactory(memory, ids, workload, 0));
        Alone lone = alone(memory, queries, o.seconds);
        Latencies alone = lone.latency();
        double capacity = alone.count() / (double) o.seconds;
        double rate = o.load * capacity;
        System.out.println("contention on " + workload.kind().label() + " vectors, " + o.events + " events:");
        print("alone (1 reader, closed loop)", alone);
        System.out.print(lone.usage().describe(MIN_CPU_MS_PER_S_SHOWN));
        System.out.printf(Locale.ROOT, "%47sa recall allocates %,d bytes on the heap%n", "", lone.bytesPerRecall());
        System.out.printf(Locale.ROOT,
            "one reader sustains %.0f recalls/s; open-loop phases run %d readers at %.0f/s in total%n",
            capacity, o.readers, rate);
        Phase readersOnly = openLoop(memory, queries, o, rate, null);
        print("readers only (" + o.readers + " open-loop readers)", readersOnly.latency);
        printWindows(readersOnly);
        Phase contention = openLoop(memory, queries, o, rate,
            new ChurnWriterFactory(memory, ids, workload, o.writeRate));
        print("contention (" + o.readers + " readers + 1 SYNC writer at " + o.writeRate + " pairs/s)",
            contention.latency);
        printWindows(contention);
        System.out.printf(Locale.ROOT, "%45s %s%n", "", contention.writer.pace().describe());
        Phase saturated = openLoop(memory, queries, o, rate, new ChurnWriterFactory(memory, ids, workload, 0));
        print("saturated (" + o.readers + " readers + 1 SYNC writer flat out)", saturated.latency);
        System.out.print(saturated.usage.describe(MIN_CPU_MS_PER_S_SHOWN));
        printFlusher(saturated);
        System.out.printf(Locale.ROOT, "p99 / alone on %s vectors: %d readers %.2fx, beside the paced writer %.2fx%s,"
            + " beside the writer flat out %.2fx; the writer flat out: %,d pairs/s%n",
            workload.kind().label(), o.readers,
            readersOnly.latency.percentileNanos(0.99) / alone.percentileNanos(0.99),
            contention.latency.percentileNanos(0.99) / alone.percentileNanos(0.99),
            contention.writer.pace().fellShort() ? String.format(Locale.ROOT, " (SHORT OF ITS PACE: %.0f of %.0f"
                + " pairs/s)", contention.writer.pace().achievedPairsPerSecond(), o.writeRate) : "",
            saturated.latency.percentileNanos(0.99) / alone.percentileNanos(0.99),
            Math.round(saturated.writer.remembers.count() / saturated.seconds));
        report.putAll(results(o, alone, capacity, rate, readersOnly, contention, workload));
        report.put("alone_allocated_bytes_per_recall", lone.bytesPerRecall());
        report.put("saturated", keys(saturated.latency));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("alone", lone.usage().json());
        cpu.put("readers_only", readersOnly.usage.json());
        cpu.put("contention", contention.usage.json());
        cpu.put("saturated", saturated.usage.json());
        report.put("cpu_by_phase", cpu);
        report.put("flusher_by_phase", Map.of("contention", flusherJson(contention.flusher),
            "saturated", flusherJson(saturated.flusher)));
        report.put("saturated_writer_ops_per_s", Math.round(saturated.writer.operations() / saturated.seconds));
        report.put("saturated_p99_ratio",
            BenchReport.round(saturated.latency.percentileNanos(0.99) / alone.percentileNanos(0.99), 2));
        MemoryStats stats = memory.stats();
        report.put("events_at_end", stats.events());
        report.put("checkpoint_interval_s", options.checkpointInterval().toSeconds());
        report.put("checkpoints", stats.checkpoints());
        report.put("max_checkpoint_pause_us", stats.maxCheckpointPauseMicros());
        report.put("mean_checkpoint_pause_us", stats.meanCheckpointPauseMicros());
        Map<String, Object> pause = pauseSteps(stats.longestCheckpointPause());
        report.put("longest_checkpoint_pause_us", pause);
        System.out.printf(Locale.ROOT, "%d background checkpoints every %d s (warm-up included) held writers back"
            + " %.1f ms on average; the longest %.1f ms (us by step: %s)%n", stats.checkpoints(),
            options.checkpointInterval().toSeconds(), stats.meanCheckpointPauseMicros() / 1000.0,
            stats.maxCheckpointPauseMicros() / 1000.0, pause);
      }
    } finally {
      report.put("load_average_after", loadAverage());
      BenchFiles.deleteTree(dir);
    }
    BenchReport.write("contention", report);
  }

  /**
   * The events and queries of {@code --vectors}; with {@code wordnet}, exits 3 if WordNet cannot be had here and 2
   * if it has too few glosses for {@code --events}.
   */
  private static Workload workload(Options o) throws IOException {
    if (o.vectors == VectorKind.RANDOM) {
      return new RandomWorkload(o.events, QUERIES, DIM);
    }
    System.out.printf(Locale.ROOT, "contention: %,d events and %,d queries from WordNet's glosses; what the vector"
        + " cache lacks is embedded first (a few minutes per 10,000 on 2 cores, with progress)%n", o.events, QUERIES);
    try {
      return WordNetWorkload.load(o.events, QUERIES);
    } catch (DataUnavailableException e) {
      System.err.println("aeon bench contention: the WordNet glosses for --vectors wordnet are not available: "
          + e.getMessage());
      System.exit(3);
    } catch (IllegalArgumentException e) {
      System.err.println("aeon bench contention: " + e.getMessage());
      System.exit(2);
    }
    return null; // not reached
  }

  /** Remembers the workload's events with durability OFF, checkpoints and closes; returns them. */
  static LiveEvents load(Path dir, Workload workload) {
    int n = workload.events();
    LiveEvents ids = new LiveEvents(n);
    long start = System.nanoTime();
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      for (int i = 0; i < n; i++) {
        ids.add(m.remember(workload.loaded(i)), i);
        if ((i + 1) % 20_000 == 0 || i + 1 == n) {
          System.out.printf(Locale.ROOT, "contention: loaded %d/%d events (%.0f/s)%n", i + 1, n,
              (i + 1) / ((System.nanoTime() - start) / 1e9));
        }
      }
      m.checkpoint();
    }
    return ids;
  }

  /**
   * Runs what the measured phases will run, unmeasured, so that they measure compiled code: one reader
   * closed loop (the SIMD kernels allocate until C2 has compiled them, which takes seconds on a busy
   * machine), then the open-loop readers beside the writer flat out. Without the second part the first
   * measured phase with a writer also measured the JIT compiling the writer's path and recompiling the
   * readers' code that the first forgotten event, the first reader colliding with the writer on a shared
   * counter and the like had invalidated (seen with {@code -Xlog:deoptimization=debug}); a long-running
   * process pays that once, not in its steady state.
   */
  static void warmUp(Memory memory, float[][] queries, Options o, ChurnWriterFactory writer)
      throws InterruptedException {
    System.out.println("contention: warm-up (not measured): one reader ...");
    long recalls = runFor(memory, queries, o.seconds, null);
    System.out.println("contention: warm-up (not measured): readers beside the writer flat out ...");
    openLoop(memory, queries, o, o.load * recalls / o.seconds, writer);
  }

  /** One reader, closed loop, {@code seconds} measured. */
  static Alone alone(Memory memory, float[][] queries, int seconds) {
    Latencies l = new Latencies();
    ThreadTimes before = ThreadTimes.take();
    long allocatedBefore = allocatedBytes();
    long recalls = runFor(memory, queries, seconds, l);
    long allocated = allocatedBytes() - allocatedBefore;
    return new Alone(l, ThreadTimes.take().since(before), allocated / Math.max(1, recalls));
  }

  /** What the lone reader's phase measured; {@code bytesPerRecall} is what each recall allocated on average. */
  record Alone(Latencies latency, ThreadTimes.Usage usage, long bytesPerRecall) {}

  /** Bytes the calling thread has allocated on the heap so far (HotSpot counts them per thread). */
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** Recalls in a closed loop for {@code seconds}; returns how many. */
  private static long runFor(Memory memory, float[][] queries, double seconds, Latencies into) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    int i = 0;
    for (; System.nanoTime() < end; i++) {
      long t0 = System.nanoTime();
      memory.recall(Recall.vector(queries[i % queries.length], K).slb(false));
      if (into != null) {
        into.add(System.nanoTime() - t0);
      }
    }
    return i;
  }

  /** What one open-loop phase measured. */
  record Phase(Latencies latency, Latencies service, Latencies startDelay, Latencies guard, long errors,
      long useAfterRetire,
      ChurnWriter writer, double seconds, Latencies[] latencyByWindow, ThreadTimes.Usage usage, FlusherStats flusher) {

    /** p99 of each {@link OpenLoopReader#WINDOW_SECONDS}-second window of the phase, in µs. */
    List<Double> p99ByWindow() {
      return Stream.of(latencyByWindow).map(l -> Latencies.round1(l.percentileMicros(0.99))).toList();
    }
  }

  /** Makes the writer of a phase once the phase's stop condition and EBR board exist. */
  record ChurnWriterFactory(Memory memory, LiveEvents ids, Workload workload, double pairsPerSecond) {}

  /** Readers at a total of {@code rate} recalls/s for the phase's duration, with a writer if {@code w} is given. */
  static Phase openLoop(Memory memory, float[][] queries, Options o, double rate, ChurnWriterFactory w)
      throws InterruptedException {
    long interval = (long) (o.readers * 1e9 / rate);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long end = start + TimeUnit.SECONDS.toNanos(o.seconds);
    AtomicLong cursor = new AtomicLong();
    OpenLoopReader.Board board = new OpenLoopReader.Board();
    List<OpenLoopReader> readers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    ChurnWriter writer = null;
    ThreadTimes before = ThreadTimes.take();
    FlusherStats flusherBefore = FlusherCounts.of(memory.stats().logFlusher());
    ThreadTimes.Usage usage;
    FlusherStats flusher;
    try (Epochs epochs = new Epochs()) {
      for (int r = 0; r < o.readers; r++) {
        // Staggered so that the readers' due times interleave evenly.
        OpenLoopReader reader = new OpenLoopReader(memory, queries, K, start, start + r * interval / o.readers,
            interval, end, epochs, board, cursor, o.exactWakeUps);
        readers.add(reader);
        threads.add(Thread.ofPlatform().name("reader-" + r).start(reader));
      }
      if (w != null) {
        writer = new ChurnWriter(w.memory, w.ids, w.workload, epochs, board, () -> System.nanoTime() >= end,
            w.pairsPerSecond);
        threads.add(Thread.ofPlatform().name("writer").start(writer));
      }
      // Taken while every reader is still running: a thread's counters vanish with it.
      long sampleAt = end - TimeUnit.MILLISECONDS.toNanos(50);
      for (long wait; (wait = sampleAt - System.nanoTime()) > 0; ) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      usage = ThreadTimes.take().since(before);
      flusher = FlusherCounts.of(memory.stats().logFlusher()).since(flusherBefore);
      for (Thread t : threads) {
        t.join();
      }
    }
    Latencies latency = new Latencies();
    Latencies service = new Latencies();
    Latencies startDelay = new Latencies();
    Latencies guard = new Latencies();
    Latencies[] byWindow = Stream.generate(Latencies::new).limit(readers.getFirst().latencyByWindow.length)
        .toArray(Latencies[]::new);
    long errors = 0;
    long useAfterRetire = 0;
    for (OpenLoopReader r : readers) {
      latency.merge(r.latency);
      service.merge(r.service);
      startDelay.merge(r.startDelay);
      guard.merge(r.guard);
      for (int i = 0; i < byWindow.length; i++) {
        byWindow[i].merge(r.latencyByWindow[i]);
      }
      errors += r.errors;
      useAfterRetire += r.useAfterRetire;
    }
    return new Phase(latency, service, startDelay, guard, errors, useAfterRetire, writer, o.seconds, byWindow,
        usage, flusher);
  }

  static Map<String, Object> results(Options o, Latencies alone, double capacity, double rate, Phase readersOnly,
      Phase contention, Workload workload) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alone", keys(alone));
    m.put("contention", keys(contention.latency));
    ChurnWriter w = contention.writer;
    m.put("writer_ops_per_s", Math.round(w.operations() / contention.seconds));
    m.put("ebr_p99_ns", Math.round(contention.guard.percentileNanos(0.99)));
    m.put("p99_ratio", BenchReport.round(contention.latency.percentileNanos(0.99) / alone.percentileNanos(0.99), 2));
    m.put("readers_only", keys(readersOnly.latency));
    m.put("readers_only_p99_us_by_" + OpenLoopReader.WINDOW_SECONDS + "s", readersOnly.p99ByWindow());
    m.put("contention_p99_us_by_" + OpenLoopReader.WINDOW_SECONDS + "s", contention.p99ByWindow());
    m.put("contention_service_time", keys(contention.service));
    m.put("readers_only_service_time", keys(readersOnly.service));
    m.put("contention_start_delay", keys(contention.startDelay));
    m.put("readers_only_start_delay", keys(readersOnly.startDelay));
    m.put("events", o.events);
    m.put("dim", DIM);
    m.put("k", K);
    m.put("vectors", workload.kind().label());
    m.put("vectors_description", workload.description());
    m.put("readers", o.readers);
    m.put("writers", 1);
    m.put("writer_durability", "SYNC");
    m.put("writer_pairs_per_s_target", o.writeRate);
    m.putAll(w.pace().json()); // whether it kept that pace: under load it may not
    m.put("reader_mode", "open loop, latency from each recall's due time; lookaside buffer bypassed");
    m.put("reader_timer_slack", o.exactWakeUps && TimerSlack.supported() ? "1 ns" : "the kernel's default (50 us)");
    m.put("one_reader_capacity_per_s", Math.round(capacity));
    m.put("load_fraction", o.load);
    m.put("total_rate_per_s", Math.round(rate));
    m.put("seconds_per_phase", o.seconds);
    m.put("writer_remember", w.remembers.summaryMicros());
    m.put("writer_forget", w.forgets.summaryMicros());
    m.put("writer_errors", w.errors);
    m.put("reader_errors", readersOnly.errors + contention.errors);
    m.put("ebr_guard_ns", guardKeys(contention.guard));
    m.put("ebr_guard_ns_readers_only", guardKeys(readersOnly.guard));
    m.put("ebr_use_after_retire", contention.useAfterRetire + readersOnly.useAfterRetire);
    return m;
  }

  private static Map<String, Object> keys(Latencies l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50_us", Latencies.round1(l.percentileMicros(0.50)));
    m.put("p99_us", Latencies.round1(l.percentileMicros(0.99)));
    m.put("p999_us", Latencies.round1(l.percentileMicros(0.999)));
    m.put("mean_us", Latencies.round1(l.meanMicros()));
    m.put("max_us", Latencies.round1(l.percentileMicros(1.0)));
    m.put("count", l.count());
    return m;
  }

  private static Map<String, Object> pauseSteps(CheckpointPause p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", p.totalMicros());
    m.put("lock_wait", p.lockWaitMicros());
    m.put("index_snapshot", p.indexSnapshotMicros());
    m.put("trace", p.traceMicros());
    m.put("log", p.logMicros());
    return m;
  }

  private static Map<String, Object> guardKeys(Latencies l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", Math.round(l.percentileNanos(0.50)));
    m.put("p99", Math.round(l.percentileNanos(0.99)));
    m.put("p999", Math.round(l.percentileNanos(0.999)));
    m.put("count", l.count());
    return m;
  }

  private static void print(String what, Latencies l) {
    System.out.printf(Locale.ROOT, "%-45s p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us  (%d recalls)%n", what,
        l.percentileMicros(0.5), l.percentileMicros(0.99), l.percentileMicros(0.999), l.count());
  }

  /** The log flusher's idle waits over a phase ({@link FlusherStats}). */
  private static Map<String, Object> flusherJson(FlusherStats f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("waits_spun", f.waitsSpun());
    m.put("spins_wasted", f.spinsWasted());
    m.put("waits_blocked", f.waitsBlocked());
    m.put("wake_ups_a_spin_would_save", f.wakeUpsSpinWouldSave());
    m.put("writer_returns", f.writerReturns());
    m.put("writer_return_bounds_us", FlusherStats.RETURN_BOUNDS_MICROS);
    return m;
  }

  /** Shows whether a phase's tail is spread over it or comes from a few noisy seconds. */
  private static void printWindows(Phase phase) {
    System.out.printf(Locale.ROOT, "%45s p99 by %d s window (us): %s%n", "", OpenLoopReader.WINDOW_SECONDS,
        phase.p99ByWindow().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
    System.out.printf(Locale.ROOT, "%45s started after their due time: p50 %.1f us, p99 %.1f us; ran p50 %.1f us,"
        + " p99 %.1f us%n", "", phase.startDelay.percentileMicros(0.5), phase.startDelay.percentileMicros(0.99),
        phase.service.percentileMicros(0.5), phase.service.percentileMicros(0.99));
    System.out.print(phase.usage.describe(MIN_CPU_MS_PER_S_SHOWN));
    printFlusher(phase);
  }

  /** What the log's flusher decided on an empty ring over the phase, when a writer ran: spun or blocked. */
  private static void printFlusher(Phase phase) {
    if (phase.writer != null) {
      System.out.printf(Locale.ROOT, "%45s the log's flusher: %s%n", "", phase.flusher.summary());
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }


  /** Command-line options. */
  record Options(boolean quick, int events, int seconds, int readers, double load, double writeRate,
      int checkpointSeconds, boolean exactWakeUps, VectorKind vectors) {

    /** What the bench takes, in the order of its usage line. */
    static final String[] SPECS = {"--quick", "--events N", "--seconds S", "--readers R", "--load F",
        "--write-rate PAIRS_PER_S", "--checkpoint-seconds S", "--default-timer-slack", "--vectors random|wordnet"};

    /** Parses the command line, or prints the problem and the usage and exits 2. */
    static Options parse(String[] args) {
      return of(BenchArgs.parseOrExit("contention", args, SPECS));
    }

    /** The options of a parsed command line; a value of the wrong kind goes to {@link BenchArgs#fail}. */
    static Options of(BenchArgs a) {
      boolean quick = a.has("--quick");
      VectorKind vectors = VectorKind.RANDOM;
      try {
        vectors = VectorKind.of(a.value("--vectors", VectorKind.RANDOM.label()));
      } catch (IllegalArgumentException e) {
        a.fail(e.getMessage());
      }
      return new Options(quick, a.positiveInt("--events", quick ? 20_000 : 100_000),
          a.positiveInt("--seconds", quick ? 8 : 30), a.positiveInt("--readers", 15),
          a.positiveNumber("--load", 0.5, 1), a.positiveNumber("--write-rate", 200, Double.MAX_VALUE),
          a.nonNegativeInt("--checkpoint-seconds", 0), !a.has("--default-timer-slack"), // 0: the engine's default
          vectors);
    }
  }
}
