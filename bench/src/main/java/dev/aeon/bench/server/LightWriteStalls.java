package dev.aeon.bench.server;

import dev.aeon.bench.util.BenchReport;
import dev.aeon.bench.util.Latencies;
import dev.aeon.bench.util.RespClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.DoubleStream;

/**
 * What the light writes run on a connection's thread cost the other clients' fast commands: writers send VADDs of
 * {@value #DIMENSION}-dimension vectors as FP32 blobs, each to a new element of one set (a VADD sent alone, or the last
 * of a pipeline, is light: {@code --light-writes connection}, the default), while {@value #PROBES} other clients send
 * PING and VCARD of that set one at a time, a pause of {@value #PROBE_PAUSE_MICROS} us after each reply, and time each.
 * Against two servers started by this run, one with {@code --light-writes connection} and one with {@code pool} (every
 * write on the pool of command threads), in alternating rounds of the same length; the figures are the medians of the
 * rounds' percentiles. A leaf of the index fills every few dozen inserts and the insert that finds it full splits it
 * ({@link SplitCost}, measured in this process first), on the writer's connection thread if the write is light: the
 * virtual threads of every client share that carrier (one on two cores). With {@code --replace N}, each writer's
 * VADDs go round N elements of its own, each after the first N replacing an element's vector: its old event's forget
 * removes the old vector from the index, which compacts a leaf a quarter dead and may merge it into a sibling.
 */
final class LightWriteStalls {

  static final int DIMENSION = 384;
  private static final int PROBES = 2;
  private static final int PROBE_PAUSE_MICROS = 200;
  private static final String KEY = "bench:light";
  private static final List<String> MODES = List.of("connection", "pool");

  private LightWriteStalls() {}

  /** The probes' latencies of one round, in milliseconds, by command; and the writes it made. */
  private record Round(Map<String, double[]> probeMs, long writes, long writesOnPool, double seconds) {}

  static List<Map<String, Object>> run(Path work, boolean quick, String durability, int pipeline, int replace)
      throws Exception {
    int seconds = quick ? 4 : 10;
    int rounds = quick ? 1 : 3;
    int[] writerCounts = quick ? new int[] {1} : new int[] {1, 4};
    SplitCost.Result cost = SplitCost.measure(work.resolve("split-cost"), DIMENSION, quick ? 10_000 : 40_000);
    System.out.printf(Locale.ROOT, "split cost, %d dims, leaves of %d: %,d inserts, %,d split (1 in %.0f); an insert"
        + " p50 %.0f us p99 %.0f us, one that splits p50 %.0f us p99 %.0f us max %.0f us (CPU p50 %.0f us p99 %.0f"
        + " us)%n", DIMENSION, dev.aeon.index.atlas.AtlasConfig.of(DIMENSION).leafCapacity(), cost.inserts(),
        cost.splits(), 1 / cost.splitsPerInsert(), cost.insertP50Us(), cost.insertP99Us(), cost.splitP50Us(),
        cost.splitP99Us(), cost.splitMaxUs(), cost.splitCpuP50Us(), cost.splitCpuP99Us());
    System.out.printf("light writes beside fast commands: %d probes (PING, VCARD), writers at -P %d, --durability %s,"
        + " %d s rounds, %d round(s) after one untimed, --light-writes connection against pool%s%n", PROBES, pipeline,
        durability, seconds, rounds, replace > 0 ? ", each writer replacing " + replace + " elements in turn" : "");
    List<Map<String, Object>> results = new ArrayList<>();
    try (ServerProcess onConnection = ServerProcess.aeon(work.resolve("light-connection"), durability,
             work.resolve("light-connection.log"), "--light-writes", "connection");
         ServerProcess onPool = ServerProcess.aeon(work.resolve("light-pool"), durability,
             work.resolve("light-pool.log"), "--light-writes", "pool")) {
      List<ServerProcess> servers = List.of(onConnection, onPool);
      for (ServerProcess s : servers) { // untimed: the JIT's warm-up, the set created and loaded
        round(s.port, 1, pipeline, Math.max(2, seconds / 2), "warm", replace);
      }
      for (int writers : writerCounts) {
        List<List<Round>> byMode = List.of(new ArrayList<>(), new ArrayList<>());
        for (int r = 0; r < rounds; r++) { // alternate, so both see the same machine load
          for (int m = 0; m < servers.size(); m++) {
            byMode.get(m).add(round(servers.get(m).port, writers, pipeline, seconds, "w" + writers + "r" + r, replace));
          }
        }
        for (String command : List.of("PING", "VCARD")) {
          double connectionP999 = median(byMode.get(0), command, 0.999);
          for (int m = 0; m < MODES.size(); m++) {
            results.add(entry(MODES.get(m), command, writers, pipeline, durability, byMode.get(m), cost,
                median(byMode.get(m), command, 0.999) / connectionP999, replace));
          }
        }
      }
    }
    return results;
  }

  /**
   * Writers and probes against one server for {@code seconds}; element names start with {@code tag}, or with the
   * writer's number only if they {@code replace} (the same elements every round).
   */
  private static Round round(int port, int writers, int pipeline, int seconds, String tag, int replace)
      throws Exception {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    long[] before = poolCounts(address);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long[] written = new long[writers];
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int me = w;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          written[me] = write(address, pipeline, (replace > 0 ? "replaced" : tag) + "-" + me, me, stop, replace);
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    List<Map<String, DoubleStream.Builder>> probed = new ArrayList<>();
    for (int p = 0; p < PROBES; p++) {
      Map<String, DoubleStream.Builder> mine = Map.of("PING", DoubleStream.builder(), "VCARD", DoubleStream.builder());
      probed.add(mine);
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          probe(address, mine, stop);
        } catch (Exception e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw failure.get();
    }
    long[] after = poolCounts(address);
    Map<String, double[]> ms = new LinkedHashMap<>();
    for (String command : List.of("PING", "VCARD")) {
      ms.put(command, probed.stream().flatMapToDouble(p -> p.get(command).build()).toArray());
    }
    long writes = java.util.Arrays.stream(written).sum();
    // INFO runs on the pool too: the one of this round's end is not a write
    return new Round(ms, writes, after[0] - before[0] - 1, elapsed);
  }

  /**
   * Sends VADDs, {@code pipeline} at a time, until told to stop; returns how many. Each of a new element, or if {@code
   * replace} is not 0 of one of that many in turn.
   */
  private static long write(InetSocketAddress address, int pipeline, String prefix, long seed, AtomicBoolean stop,
      int replace) throws IOException {
    Random rnd = new Random(seed * 7919 + prefix.hashCode());
    float[] v = new float[DIMENSION];
    long sent = 0;
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setTcpNoDelay(true);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      while (!stop.get()) {
        for (int i = 0; i < pipeline; i++) {
          for (int j = 0; j < DIMENSION; j++) {
            v[j] = (float) rnd.nextGaussian();
          }
          long element = replace > 0 ? (sent + i) % replace : sent + i;
          out.write(RespClient.command("VADD", KEY, "FP32", VectorWorkload.fp32(v), prefix + "-" + element));
        }
        out.flush();
        for (int i = 0; i < pipeline; i++) {
          if (!(RespClient.readReply(in, "VADD") instanceof Long added) || added != 1 && (replace == 0 || added != 0)) {
            throw new IOException("a VADD did not answer 1 (a new element)" + (replace > 0 ? " or 0" : ""));
          }
        }
        sent += pipeline;
      }
    }
    return sent;
  }

  /** PING and VCARD in turn, one at a time, each timed, until told to stop. */
  private static void probe(InetSocketAddress address, Map<String, DoubleStream.Builder> ms, AtomicBoolean stop)
      throws IOException {
    try (RespClient c = RespClient.connect(address)) {
      for (long n = 0; !stop.get(); n++) {
        String command = n % 2 == 0 ? "PING" : "VCARD";
        long start = System.nanoTime();
        Object reply = command.equals("PING") ? c.call("PING") : c.call("VCARD", KEY);
        ms.get(command).add((System.nanoTime() - start) / 1e6);
        if (reply == null) {
          throw new IOException(command + " answered null");
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(PROBE_PAUSE_MICROS));
      }
    }
  }

  /** INFO stats' commands run on the pool, and commands processed. */
  private static long[] poolCounts(InetSocketAddress address) throws IOException {
    try (RespClient c = RespClient.connect(address)) {
      String info = (String) c.call("INFO", "stats");
      return new long[] {field(info, "total_commands_on_command_pool"), field(info, "total_commands_processed")};
    }
  }

  private static long field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new IllegalStateException("INFO stats has no " + name + ": " + info);
  }

  private static double median(List<Round> rounds, String command, double percentile) {
    return Latencies.median(rounds.stream().mapToDouble(r -> Latencies.percentile(r.probeMs().get(command),
        percentile)).toArray());
  }

  private static Map<String, Object> entry(String mode, String command, int writers, int pipeline, String durability,
      List<Round> rounds, SplitCost.Result cost, double p999OverConnection, int replace) {
    double writesPerS = Latencies.median(rounds.stream().mapToDouble(r -> r.writes() / r.seconds()).toArray());
    double lightShare = Latencies.median(rounds.stream()
        .mapToDouble(r -> 1 - Math.min(r.writes(), Math.max(0, r.writesOnPool())) / (double) r.writes()).toArray());
    double probesPerS = Latencies.median(rounds.stream()
        .mapToDouble(r -> r.probeMs().get(command).length / r.seconds()).toArray());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("server", "aeon");
    m.put("test", command);
    m.put("pipeline", 1);
    m.put("clients", PROBES);
    m.put("rps", BenchReport.round(probesPerS, 1));
    m.put("p50_ms", BenchReport.round(median(rounds, command, 0.5), 3));
    m.put("p99_ms", BenchReport.round(median(rounds, command, 0.99), 3));
    m.put("p999_ms", BenchReport.round(median(rounds, command, 0.999), 3));
    m.put("max_ms", BenchReport.round(median(rounds, command, 1.0), 3));
    m.put("light_writes", mode);
    m.put("writers", writers);
    m.put("writers_pipeline", pipeline);
    m.put("writer_replaces_over", replace);
    m.put("durability", durability);
    m.put("writes_per_s", BenchReport.round(writesPerS, 1));
    m.put("light_share_of_writes", BenchReport.round(lightShare, 3));
    m.put("light_splits_per_s", BenchReport.round(writesPerS * lightShare * cost.splitsPerInsert(), 1));
    m.put("split_us_p50", BenchReport.round(cost.splitP50Us(), 1));
    m.put("split_cpu_us_p50", BenchReport.round(cost.splitCpuP50Us(), 1));
    m.put("p999_vs_connection", BenchReport.round(p999OverConnection, 2));
    m.put("rounds_p999_ms", rounds.stream()
        .map(r -> BenchReport.round(Latencies.percentile(r.probeMs().get(command), 0.999), 3)).toList());
    return m;
  }

  /** The console's note for a result of this section. */
  static String note(Map<String, Object> m) {
    return String.format(Locale.ROOT, "--light-writes %s, %d writer(s) -P %d: p999 %.3f ms (%.2fx), max %.3f ms;"
        + " %,.0f writes/s, %.0f%% light, ~%.0f light splits/s", m.get("light_writes"), (Integer) m.get("writers"),
        (Integer) m.get("writers_pipeline"), (Double) m.get("p999_ms"), (Double) m.get("p999_vs_connection"),
        (Double) m.get("max_ms"), (Double) m.get("writes_per_s"), 100 * (Double) m.get("light_share_of_writes"),
        (Double) m.get("light_splits_per_s"));
  }
}
