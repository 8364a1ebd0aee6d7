package dev.aeon.bench.open;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./aeon bench open [--quick] [--events N] [--rounds R] [--idle N]}: how long opening a namespace of
 * 100,000 events (quick: 20,000) takes, with its files in the page cache, after a clean close and after a crash
 * that left a tenth of them to replay from the log; and, as the baseline measured in the same run, how long
 * reading every file of the namespace once takes. A server opens a namespace at its first command after an
 * idle close, so this is that command's extra latency. Then what 200 open namespaces (quick: 50) cost the
 * process while nobody uses them ({@link IdleCost}), in modes SYNC and ASYNC. Writes {@code target/bench/open.json}.
 */
public final class OpenBench {

  private OpenBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parseOrExit("open", args, "--quick", "--events N", "--rounds R", "--idle N");
    boolean quick = a.has("--quick");
    int events = a.positiveInt("--events", quick ? 20_000 : 100_000);
    int rounds = a.positiveInt("--rounds", quick ? 3 : 7);
    int idle = a.positiveInt("--idle", quick ? 50 : 200);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "open-bench-");
    try {
      Map<String, Object> report = BenchReport.header();
      run(dir.resolve("memory"), events, rounds, report);
      Map<String, Object> idleCost = new LinkedHashMap<>();
      for (Durability durability : List.of(Durability.SYNC, Durability.ASYNC)) {
        String mode = durability.name().toLowerCase(java.util.Locale.ROOT);
        System.out.printf("idle (%s): the process's CPU with no namespace open, then with %d open and unused%n",
            mode, idle);
        IdleCost.Result r = IdleCost.measure(dir.resolve("idle-" + mode), idle, quick ? 3_000 : 10_000, durability);
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("namespaces", r.count());
        cost.put("cpu_ms_per_s_none_open", BenchReport.round(r.noneMsPerS(), 1));
        cost.put("cpu_ms_per_s_all_open", BenchReport.round(r.openMsPerS(), 1));
        cost.put("threads_none_open", r.threadsNone());
        cost.put("threads_all_open", r.threadsOpen());
        cost.put("heap_bytes_per_namespace", (r.heapOpen() - r.heapNone()) / r.count());
        cost.put("direct_bytes_per_namespace", (r.directOpen() - r.directNone()) / r.count());
        cost.put("disk_bytes_per_namespace", r.diskBytes() / r.count());
        idleCost.put(mode, cost);
        System.out.printf("idle (%s): %.1f ms of CPU per second with none open, %.1f with %d open (%d threads, %d"
            + " before)%n", mode, r.noneMsPerS(), r.openMsPerS(), r.count(), r.threadsOpen(), r.threadsNone());
        System.out.printf("idle (%s): per namespace of one event, %,d bytes of heap, %,d of direct buffers and %,d"
            + " of data on disk%n", mode, (r.heapOpen() - r.heapNone()) / r.count(),
            (r.directOpen() - r.directNone()) / r.count(), r.diskBytes() / r.count());
      }
      report.put("idle", idleCost);
      BenchReport.write("open", report);
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  private static void run(Path dir, int events, int rounds, Map<String, Object> report) throws Exception {
    report.put("events", events);
    report.put("vectors", Events.DIM + " dimensions, random unit vectors");
    Events.rememberInto(dir, events);
    Path ns = dir.resolve("ns").resolve(Aeon.DEFAULT_NAMESPACE);
    report.put("namespace_bytes", BenchFiles.sizeOf(ns));
    openAndClose(dir); // untimed: the JIT and the page cache see the code and the files once

    double[] readAll = new double[rounds];
    double[] open = new double[rounds];
    double[] close = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      readAll[r] = readEveryFile(ns);
      double[] oc = openAndClose(dir);
      open[r] = oc[0];
      close[r] = oc[1];
      System.out.printf("round %d: read every file %.1f ms, open %.1f ms, close %.1f ms%n", r + 1, readAll[r],
          oc[0], oc[1]);
    }
    report.put("read_all_ms", summary(readAll));
    report.put("open_ms", summary(open));
    report.put("close_ms", summary(close));
    report.put("open_over_read_all", BenchReport.round(median(open) / median(readAll), 2));

    int more = Math.max(1, events / 10);
    System.out.printf("recovery: a child process remembers %,d more events with checkpoints off, and is killed%n",
        more);
    writeAndKill(dir, events, more);
    long before = System.nanoTime();
    long held;
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
      Memory m = aeon.memory();
      double ms = (System.nanoTime() - before) / 1e6;
      held = m.stats().events();
      long replayed = held - events;
      Map<String, Object> recovery = new LinkedHashMap<>();
      recovery.put("replayed_events", replayed);
      recovery.put("open_ms", BenchReport.round(ms, 1));
      recovery.put("open_over_clean_open", BenchReport.round(ms / median(open), 2));
      report.put("recovery", recovery);
      System.out.printf("recovery: open %.1f ms, %,d events replayed (%.2fx the clean open)%n", ms, replayed,
          ms / median(open));
    }
    System.out.printf("clean open p50 %.1f ms, read every file p50 %.1f ms: %.2fx; close p50 %.1f ms%n",
        median(open), median(readAll), median(open) / median(readAll), median(close));
  }

  /** Opens the memory and its namespace, then closes it: the two times in milliseconds. */
  private static double[] openAndClose(Path dir) {
    long start = System.nanoTime();
    Aeon aeon = Aeon.open(dir, AeonOptions.defaults());
    aeon.memory();
    long opened = System.nanoTime();
    aeon.close();
    return new double[] {(opened - start) / 1e6, (System.nanoTime() - opened) / 1e6};
  }

  /** Reads every file of the namespace once, through a 1 MiB buffer: milliseconds. */
  private static double readEveryFile(Path ns) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    long start = System.nanoTime();
    long sum = 0;
    try (Stream<Path> files = Files.walk(ns)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try (FileChannel ch = FileChannel.open(f)) {
          while (ch.read(buffer.clear()) > 0) {
            sum += buffer.get(0); // touch what was read
          }
        }
      }
    }
    double ms = (System.nanoTime() - start) / 1e6;
    return sum == Long.MIN_VALUE ? -1 : ms;
  }

  private static void writeAndKill(Path dir, int first, int count) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("crashed-writer.log");
    Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        CrashedWriter.class.getName(), dir.toString(), Integer.toString(first), Integer.toString(count))
        .redirectError(log.toFile()).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      if (!"done".equals(line)) {
        child.destroyForcibly();
        throw new IllegalStateException("the writer process stopped before it was done; its errors are in " + log);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no close, no checkpoint
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Object> summary(double[] ms) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("p50", BenchReport.round(median(ms), 1));
    s.put("min", BenchReport.round(Arrays.stream(ms).min().orElse(0), 1));
    s.put("max", BenchReport.round(Arrays.stream(ms).max().orElse(0), 1));
    return s;
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
