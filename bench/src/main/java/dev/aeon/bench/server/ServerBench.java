package dev.aeon.bench.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./aeon bench server [--quick]}: redis-benchmark against Aeon's server and, in the same run, a real
 * redis-server (persistence off), both on loopback: PING with 50 clients without and with {@code -P 16}, each
 * run once untimed against both servers (the JIT's warm-up), then measured in alternating rounds and reported as
 * the median round; then VSIM with 384 random dimensions against a
 * 100,000-vector set on Aeon's server only, with its recall@10 against an exact scan; then pipelined MEM.ADD and
 * VADD under SYNC with a pipeline's writes sharing forced writes of the log and with each waiting for its own
 * ({@link PipelinedWrites}; alone with {@code --writes}). With {@code --one-client}, only one client's commands sent
 * one at a time under SYNC ({@link OneClient}). With {@code --light-writes}, only what light VADDs run on their
 * connections' threads cost other clients' PING and VCARD, against the same writes sent to the pool ({@link
 * LightWriteStalls}; {@code --durability} and {@code --writer-pipeline} for its writers). With {@code --absent-keys},
 * only reads of vector-set keys that do not exist against reads of one that does ({@link AbsentKeyReads}). Writes
 * {@code target/bench/server.json}.
 */
public final class ServerBench {

  private static final int CLIENTS = 50;
  private static final int DIMENSION = 384;

  private ServerBench() {}

  public static void main(String[] args) throws Exception {
    BenchArgs parsed = BenchArgs.parseOrExit("server", args, "--quick", "--writes", "--one-client", "--light-writes",
        "--absent-keys", "--durability MODE", "--writer-pipeline N", "--replace N");
    boolean quick = parsed.has("--quick");
    boolean writesOnly = parsed.has("--writes");
    boolean oneClient = parsed.has("--one-client");
    boolean lightWrites = parsed.has("--light-writes");
    boolean absentKeys = parsed.has("--absent-keys");
    if ((writesOnly ? 1 : 0) + (oneClient ? 1 : 0) + (lightWrites ? 1 : 0) + (absentKeys ? 1 : 0) > 1) {
      parsed.fail("--writes, --one-client, --light-writes and --absent-keys each run one part alone: give one of them");
    }
    if (!lightWrites && (parsed.value("--durability") != null || parsed.value("--writer-pipeline") != null
        || parsed.value("--replace") != null)) {
      parsed.fail("--durability, --writer-pipeline and --replace are options of --light-writes");
    }
    try {
      RedisTools.ensureInstalled();
    } catch (IllegalStateException e) {
      System.err.println("aeon bench server: " + e.getMessage());
      System.exit(1);
    }
    Path work = Path.of("target", "bench", "server-work");
    BenchFiles.deleteTree(work);
    Files.createDirectories(work);
    int rounds = quick ? 1 : 3;
    int pingRequests = quick ? 100_000 : 500_000;
    int vectors = quick ? 10_000 : 100_000;
    int vsimRequests = quick ? 2_000 : 20_000;
    List<Map<String, Object>> results = new ArrayList<>();
    if (absentKeys) {
      results.addAll(AbsentKeyReads.run(work, quick));
      finish(results);
      return;
    }
    if (oneClient) {
      results.addAll(OneClient.run(work, quick));
      finish(results);
      return;
    }
    if (lightWrites) {
      String durability = parsed.value("--durability", "sync");
      if (!List.of("sync", "async", "off").contains(durability)) {
        parsed.fail("--durability must be sync, async or off, got '" + durability + "'");
      }
      int replace = parsed.value("--replace") == null ? 0 : parsed.positiveInt("--replace", 1);
      results.addAll(LightWriteStalls.run(work, quick, durability, parsed.positiveInt("--writer-pipeline", 1),
          replace));
      finish(results);
      return;
    }
    if (writesOnly) {
      results.addAll(PipelinedWrites.run(work, quick));
      finish(results);
      return;
    }
    System.out.printf("server benchmark%s: PING x %,d requests x %d rounds after one untimed, VSIM x %,d requests on"
        + " %,d vectors%n", quick ? " (quick)" : "", pingRequests, rounds, vsimRequests, vectors);
    try (ServerProcess aeon = ServerProcess.aeon(work.resolve("aeon-data"), "async", work.resolve("aeon.log"));
         ServerProcess redis = ServerProcess.redis(work.resolve("redis.log"))) {
      for (int pipeline : new int[] {1, 16}) {
        int requests = pipeline == 1 ? pingRequests : 4 * pingRequests; // pipelined runs go ~10x faster
        // Untimed, one round's worth against each server: Aeon's server is a JVM that compiles its request path
        // during its first requests (several hundred methods in its first 100,000 PINGs, a fifth as many in the
        // next), and without this its first measured round, the only one of a quick run, timed a cold JIT.
        RedisTools.benchmark(aeon.port, CLIENTS, requests, pipeline, 0, List.of("PING"));
        RedisTools.benchmark(redis.port, CLIENTS, requests, pipeline, 0, List.of("PING"));
        List<RedisTools.Result> a = new ArrayList<>();
        List<RedisTools.Result> r = new ArrayList<>();
        for (int round = 0; round < rounds; round++) { // alternate, so both see the same machine load
          a.add(RedisTools.benchmark(aeon.port, CLIENTS, requests, pipeline, 0, List.of("PING")));
          r.add(RedisTools.benchmark(redis.port, CLIENTS, requests, pipeline, 0, List.of("PING")));
        }
        results.add(entry("aeon", "PING", pipeline, RedisTools.Result.median(a),
            Map.of("rounds_rps", rpsOf(a), "warmup_requests", requests)));
        results.add(entry("redis", "PING", pipeline, RedisTools.Result.median(r),
            Map.of("rounds_rps", rpsOf(r), "warmup_requests", requests)));
      }
      VectorWorkload w = new VectorWorkload(vectors, DIMENSION, 42);
      System.out.printf("loading %,d vectors of %d dimensions into Aeon ...%n", vectors, DIMENSION);
      double loadRate = w.load(aeon.port);
      double recall = w.recall(aeon.port, quick ? 50 : 200, 10, 7);
      RedisTools.Result vsim = RedisTools.benchmark(aeon.port, CLIENTS, vsimRequests, 1,
          VectorWorkload.RANDOM_RANGE, w.vsimCommand(10));
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("vectors", vectors);
      extra.put("dimension", DIMENSION);
      extra.put("count", 10);
      extra.put("recall_at_10", round(recall, 4));
      extra.put("load_vectors_per_s", round(loadRate, 1));
      extra.put("durability", "ASYNC");
      results.add(entry("aeon", "VSIM", 1, vsim, extra));
    }
    results.addAll(PipelinedWrites.run(work, quick));
    finish(results);
  }

  /** Prints the table and writes the JSON. */
  private static void finish(List<Map<String, Object>> results) throws java.io.IOException {
    print(results);
    Path out = Path.of("target", "bench", "server.json");
    Files.createDirectories(out.getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), Map.of("results", results));
    System.out.println("wrote " + out);
  }

  private static Map<String, Object> entry(String server, String test, int pipeline, RedisTools.Result r,
      Map<String, Object> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("server", server);
    m.put("test", test);
    m.put("pipeline", pipeline);
    m.put("clients", CLIENTS);
    m.put("rps", round(r.rps(), 1));
    m.put("p50_ms", r.p50Ms());
    m.put("p99_ms", r.p99Ms());
    m.putAll(extra);
    return m;
  }

  private static List<Double> rpsOf(List<RedisTools.Result> rounds) {
    return rounds.stream().map(RedisTools.Result::rps).toList();
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static void print(List<Map<String, Object>> results) {
    System.out.printf("%n%-6s %-18s %8s %7s %12s %8s %8s  %s%n", "server", "test", "pipeline", "clients", "rps",
        "p50 ms", "p99 ms", "notes");
    for (Map<String, Object> m : results) {
      String notes = "";
      if (m.containsKey("light_writes")) {
        notes = LightWriteStalls.note(m);
      } else if (m.containsKey("absent_keys")) {
        notes = AbsentKeyReads.note(m);
      } else if (m.containsKey("one_client")) {
        notes = OneClient.note(m);
      } else if (m.containsKey("pipeline_forces")) {
        notes = PipelinedWrites.note(m);
      } else if (m.get("test").equals("PING") && m.get("server").equals("aeon")) {
        double redis = results.stream().filter(o -> o.get("server").equals("redis")
            && o.get("pipeline").equals(m.get("pipeline")))
            .mapToDouble(o -> (Double) o.get("rps")).findFirst().orElse(0);
        notes = String.format(Locale.ROOT, "%.2fx redis-server", (Double) m.get("rps") / redis);
      } else if (m.get("test").equals("VSIM")) {
        notes = String.format(Locale.ROOT, "recall@10 %.3f on %,d x %d, loaded at %,.0f vectors/s",
            (Double) m.get("recall_at_10"), (Integer) m.get("vectors"), (Integer) m.get("dimension"),
            (Double) m.get("load_vectors_per_s"));
      }
      System.out.printf(Locale.ROOT, "%-6s %-18s %8d %7d %12.1f %8.3f %8.3f  %s%n", m.get("server"), m.get("test"),
          m.get("pipeline"), m.get("clients"), m.get("rps"), m.get("p50_ms"), m.get("p99_ms"), notes);
    }
  }
}
