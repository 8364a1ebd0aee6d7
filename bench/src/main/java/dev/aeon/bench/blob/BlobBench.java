package dev.aeon.bench.blob;

import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./aeon bench blob [--quick]}: blob arena append MB/s, 600-byte read latency, a GC of 100,000 blobs
 * with half dead while a reader reads, EBR enter+exit latency under 15 readers and 1 retiring writer, and the
 * JMH comparison of padded and packed EBR reader slots. Writes {@code target/bench/blob.json}.
 */
public final class BlobBench {

  private BlobBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = BenchArgs.parseOrExit("blob", args, "--quick").has("--quick");
    Path work = Path.of("target", "bench", "blob-work");
    ArenaFigures arena = new ArenaFigures(work);
    Map<String, Object> report = BenchReport.header();
    report.put("quick", quick);
    report.put("load_average_at_start", loadAverage());

    System.out.println("blob: append" + (quick ? " (quick run)" : ""));
    List<Map<String, Object>> append = new ArrayList<>();
    append.add(arena.append(quick ? 50_000 : 200_000, ArenaFigures.BLOB_BYTES));
    append.add(arena.append(quick ? 500 : 2_000, 64 << 10));
    report.put("append", append);

    System.out.println("blob: read latency");
    report.put("read", arena.read(100_000, quick ? 300_000 : 2_000_000));

    System.out.println("blob: gc of 100,000 blobs, half dead, with a concurrent reader");
    report.put("gc", arena.gc(100_000, quick ? 3 : 7));

    System.out.println("blob: EBR enter+exit, 15 readers + 1 retiring writer");
    int samples = quick ? 300_000 : 2_000_000;
    report.put("ebr", EbrLatency.measure(true, samples));
    report.put("ebr_unpadded", EbrLatency.measure(false, samples));
    report.put("clock_baseline", EbrLatency.clockBaseline(samples));

    System.out.println("blob: JMH, padded vs packed EBR slots");
    report.put("ebr_padding_jmh", paddingJmh(quick));
    BenchFiles.deleteTree(work);

    report.put("load_average_at_end", loadAverage());
    print(report);
    BenchReport.write("blob", report);
  }

  private static List<Map<String, Object>> paddingJmh(boolean quick) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int threads : new int[] {1, 2, 4}) {
      ChainedOptionsBuilder options = new OptionsBuilder()
          .include(EbrPaddingBenchmark.class.getName() + "\\.")
          .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
          .threads(threads)
          .shouldFailOnError(true);
      if (quick) {
        options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
            .measurementIterations(3).measurementTime(TimeValue.seconds(1));
      } else {
        options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(2))
            .measurementIterations(5).measurementTime(TimeValue.seconds(2));
      }
      for (RunResult run : new Runner(options.build()).run()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("threads", threads);
        row.put("padded", Boolean.parseBoolean(run.getParams().getParam("padded")));
        row.put("ns_per_enter_exit", ArenaFigures.round(run.getPrimaryResult().getScore()));
        row.put("error_ns", ArenaFigures.round(run.getPrimaryResult().getScoreError()));
        rows.add(row);
      }
    }
    return rows;
  }

  /** The 1-minute load average: other work on the machine bounds every wall-clock figure here. */
  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> report) {
    System.out.printf("%nload average %.1f at start, %.1f at end (2 cores)%n", report.get("load_average_at_start"),
        report.get("load_average_at_end"));
    for (Map<String, Object> a : (List<Map<String, Object>>) report.get("append")) {
      System.out.printf("append %7d B blobs: %9.1f MB/s   (baseline mmap memcpy %9.1f MB/s)%n", a.get("blob_bytes"),
          a.get("mb_per_s"), a.get("baseline_mmap_memcpy_mb_per_s"));
    }
    Map<String, Object> read = (Map<String, Object>) report.get("read");
    System.out.printf("read 600 B: p50 %d ns, p99 %d ns   (no CRC: p50 %d, p99 %d; bare memcpy: p50 %d, p99 %d)%n",
        read.get("p50_ns"), read.get("p99_ns"), read.get("unverified_p50_ns"), read.get("unverified_p99_ns"),
        read.get("baseline_memcpy_p50_ns"), read.get("baseline_memcpy_p99_ns"));
    Map<String, Object> gc = (Map<String, Object>) report.get("gc");
    System.out.printf("gc 100,000 blobs at 0.5 dead: %.1f ms wall, %.1f ms cpu (medians of %d); reader p99 %.2f us "
        + "during gc, %.2f us idle%n", gc.get("wall_ms"), gc.get("cpu_ms"), gc.get("runs"),
        gc.get("reader_p99_us_during_gc"), gc.get("reader_p99_us_idle"));
    for (String key : new String[] {"ebr", "ebr_unpadded"}) {
      Map<String, Object> e = (Map<String, Object>) report.get(key);
      System.out.printf("%-13s enter+exit, 15 readers + 1 writer: p50 %d ns, p99 %d ns, p99.9 %d ns%n", key,
          e.get("p50_ns"), e.get("p99_ns"), e.get("p999_ns"));
    }
    Map<String, Object> clock = (Map<String, Object>) report.get("clock_baseline");
    System.out.printf("clock baseline (nanoTime pair): p50 %d ns, p99 %d ns%n", clock.get("p50_ns"),
        clock.get("p99_ns"));
    for (Map<String, Object> row : (List<Map<String, Object>>) report.get("ebr_padding_jmh")) {
      System.out.printf("JMH enter+exit %d thread(s), padded=%-5s: %6.2f ± %.2f ns%n", row.get("threads"),
          row.get("padded"), row.get("ns_per_enter_exit"), row.get("error_ns"));
    }
  }
}
