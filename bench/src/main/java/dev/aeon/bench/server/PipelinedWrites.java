package dev.aeon.bench.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pipelined writes under SYNC: redis-benchmark sends {@code MEM.ADD} and {@code VADD} with {@link #CLIENTS} clients
 * pipelining {@link #PIPELINE} commands each, against two Aeon servers started by this run with {@code --durability
 * sync}: one as it runs by default ({@code --pipeline-forces shared}: a pipeline's writes share the log's forced
 * writes) and one with {@code --pipeline-forces each} (every write waits for its own force, the server before),
 * in alternating rounds; the figure is the ratio of their median rounds' events per second.
 */
final class PipelinedWrites {

  static final int CLIENTS = 4;
  static final int PIPELINE = 32;
  private static final int DIMENSION = 16;

  private PipelinedWrites() {}

  /** The commands measured, by name: each stores one event (a VADD of an element name drawn before replaces it). */
  private static Map<String, List<String>> commands() {
    List<String> vector = new ArrayList<>(List.of("VALUES", Integer.toString(DIMENSION), "__rand_int__"));
    for (int i = 1; i < DIMENSION; i++) {
      vector.add(Integer.toString(i));
    }
    Map<String, List<String>> m = new LinkedHashMap<>();
    List<String> add = new ArrayList<>(List.of("MEM.ADD", "bench-session", "user", "a pipelined event", "VECTOR"));
    add.addAll(vector);
    m.put("MEM.ADD", add);
    List<String> vadd = new ArrayList<>(List.of("VADD", "bench:writes"));
    vadd.addAll(vector);
    vadd.add("e__rand_int__");
    m.put("VADD", vadd);
    return m;
  }

  /** Runs the rounds; returns one result map per command and mode, with the ratio on the shared mode's. */
  static List<Map<String, Object>> run(Path work, boolean quick) throws Exception {
    int requests = quick ? 10_000 : 40_000;
    int rounds = quick ? 1 : 3;
    System.out.printf("pipelined writes under SYNC: %d clients x -P %d, %,d requests a round, %d round(s) after one"
        + " untimed, --pipeline-forces shared against each%n", CLIENTS, PIPELINE, requests, rounds);
    List<Map<String, Object>> results = new ArrayList<>();
    try (ServerProcess shared = ServerProcess.aeon(work.resolve("writes-shared"), "sync",
             work.resolve("writes-shared.log"), "--pipeline-forces", "shared");
         ServerProcess each = ServerProcess.aeon(work.resolve("writes-each"), "sync",
             work.resolve("writes-each.log"), "--pipeline-forces", "each")) {
      for (Map.Entry<String, List<String>> c : commands().entrySet()) {
        // Untimed: the JIT's warm-up, and each namespace's files created
        RedisTools.benchmark(shared.port, CLIENTS, requests / 4, PIPELINE, VectorWorkload.RANDOM_RANGE, c.getValue());
        RedisTools.benchmark(each.port, CLIENTS, requests / 4, PIPELINE, VectorWorkload.RANDOM_RANGE, c.getValue());
        List<RedisTools.Result> s = new ArrayList<>();
        List<RedisTools.Result> e = new ArrayList<>();
        for (int round = 0; round < rounds; round++) { // alternate, so both see the same machine load
          s.add(RedisTools.benchmark(shared.port, CLIENTS, requests, PIPELINE, VectorWorkload.RANDOM_RANGE,
              c.getValue()));
          e.add(RedisTools.benchmark(each.port, CLIENTS, requests, PIPELINE, VectorWorkload.RANDOM_RANGE,
              c.getValue()));
        }
        RedisTools.Result ms = median(s);
        RedisTools.Result me = median(e);
        results.add(entry(c.getKey(), "shared", ms, s, ms.rps() / me.rps()));
        results.add(entry(c.getKey(), "each", me, e, 1.0));
      }
    }
    return results;
  }

  private static Map<String, Object> entry(String test, String mode, RedisTools.Result r,
      List<RedisTools.Result> rounds, double ratio) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("server", "aeon");
    m.put("test", test);
    m.put("pipeline", PIPELINE);
    m.put("clients", CLIENTS);
    m.put("rps", Math.round(r.rps() * 10) / 10.0);
    m.put("p50_ms", r.p50Ms());
    m.put("p99_ms", r.p99Ms());
    m.put("durability", "SYNC");
    m.put("pipeline_forces", mode);
    m.put("rounds_rps", rounds.stream().map(RedisTools.Result::rps).toList());
    m.put("events_per_s_vs_each", Math.round(ratio * 100) / 100.0);
    return m;
  }

  private static RedisTools.Result median(List<RedisTools.Result> rounds) {
    return rounds.stream().sorted(Comparator.comparingDouble(RedisTools.Result::rps)).toList().get(rounds.size() / 2);
  }

  /** The console's note for a result of this section. */
  static String note(Map<String, Object> m) {
    return String.format(Locale.ROOT, "SYNC, --pipeline-forces %s%s", m.get("pipeline_forces"),
        m.get("pipeline_forces").equals("shared")
            ? String.format(Locale.ROOT, ": %.2fx the events/s of each", (Double) m.get("events_per_s_vs_each")) : "");
  }
}
