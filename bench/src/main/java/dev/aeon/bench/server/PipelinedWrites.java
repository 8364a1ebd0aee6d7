package dev.aeon.bench.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pipelined writes under SYNC: redis-benchmark sends {@code MEM.ADD} and {@code VADD} with {@link #CLIENTS} clients
 * pipelining {@link #PIPELINE} commands each, against two Aeon servers started by this run with {@code --durability
 * sync}: one as it runs by default ({@code --pipeline-forces shared}: a pipeline's writes share the log's forced
 * writes) and one with {@code --pipeline-forces each} (every write waits for its own force, the server before),
 * in alternating rounds; the figure is the ratio of their median rounds' events per second. And {@code MEM.ADDALL}
 * of as many events a command as a pipeline holds, against {@code MEM.ADD} so pipelined ({@link #batches}).
 */
final class PipelinedWrites {

  static final int CLIENTS = 4;
  static final int PIPELINE = 32;
  private static final int DIMENSION = 16;

  private PipelinedWrites() {}

  /** The commands measured, by name: each stores one event (a VADD of an element name drawn before replaces it). */
  private static Map<String, List<String>> commands() {
    List<String> vector = WriteCommands.values(DIMENSION, "__rand_int__");
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("MEM.ADD", WriteCommands.memAdd("a pipelined event", vector));
    m.put("VADD", WriteCommands.vadd("bench:writes", vector));
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
        RedisTools.Result ms = RedisTools.Result.median(s);
        RedisTools.Result me = RedisTools.Result.median(e);
        results.add(entry(c.getKey(), "shared", ms, s, ms.rps() / me.rps()));
        results.add(entry(c.getKey(), "each", me, e, 1.0));
      }
      results.add(batches(shared.port, requests, rounds));
    }
    return results;
  }

  /**
   * MEM.ADDALL of {@link #PIPELINE} events a command, one command at a time per client, against MEM.ADD pipelined
   * {@link #PIPELINE} deep (the same events in flight per client) on the shared server, in alternating rounds: the
   * entry's ratio is its events/s over MEM.ADD's.
   */
  private static Map<String, Object> batches(int port, int requests, int rounds) throws Exception {
    List<String> addAll = new ArrayList<>(List.of("MEM.ADDALL"));
    // redis-benchmark writes __rand_int__ with leading zeroes, which JSON refuses in an integer: a fraction's digits
    StringBuilder vector = new StringBuilder("[1.__rand_int__");
    for (int i = 1; i < DIMENSION; i++) {
      vector.append(", ").append(i);
    }
    for (int i = 0; i < PIPELINE; i++) {
      addAll.add("{\"session\": \"bench-session\", \"role\": \"user\", \"text\": \"a batched event\","
          + " \"vector\": " + vector + "]}");
    }
    List<String> add = commands().get("MEM.ADD");
    int batchRequests = requests / PIPELINE;
    RedisTools.benchmark(port, CLIENTS, batchRequests / 4, 1, VectorWorkload.RANDOM_RANGE, addAll); // untimed
    List<RedisTools.Result> b = new ArrayList<>();
    List<RedisTools.Result> p = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      b.add(RedisTools.benchmark(port, CLIENTS, batchRequests, 1, VectorWorkload.RANDOM_RANGE, addAll));
      p.add(RedisTools.benchmark(port, CLIENTS, requests, PIPELINE, VectorWorkload.RANDOM_RANGE, add));
    }
    RedisTools.Result mb = RedisTools.Result.median(b);
    double events = mb.rps() * PIPELINE;
    Map<String, Object> m = entry("MEM.ADDALL", "shared", mb, b, events / RedisTools.Result.median(p).rps());
    m.put("pipeline", 1);
    m.put("events_per_command", PIPELINE);
    m.put("events_per_s", Math.round(events * 10) / 10.0);
    m.put("pipelined_add_rounds_rps", p.stream().map(RedisTools.Result::rps).toList());
    m.remove("events_per_s_vs_each");
    m.put("events_per_s_vs_pipelined_add", Math.round(events / RedisTools.Result.median(p).rps() * 100) / 100.0);
    return m;
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

  /** The console's note for a result of this section. */
  static String note(Map<String, Object> m) {
    if (m.containsKey("events_per_command")) {
      return String.format(Locale.ROOT, "SYNC, %d events a command: %,.0f events/s, %.2fx MEM.ADD's at -P %d",
          (Integer) m.get("events_per_command"), (Double) m.get("events_per_s"),
          (Double) m.get("events_per_s_vs_pipelined_add"), PIPELINE);
    }
    return String.format(Locale.ROOT, "SYNC, --pipeline-forces %s%s", m.get("pipeline_forces"),
        m.get("pipeline_forces").equals("shared")
            ? String.format(Locale.ROOT, ": %.2fx the events/s of each", (Double) m.get("events_per_s_vs_each")) : "");
  }
}
