package dev.aeon.bench.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client sending one command at a time ({@code redis-benchmark -c 1 -P 1}) to an Aeon server started by this run
 * with {@code --durability sync}: what a command costs between threads, as each waits for the one before. PING (run
 * on the connection's own thread), MEM.ADD and VADD of a 16-dimension vector (each waiting for its forced write), and
 * VSIM and MEM.RECALL by a 16-dimension vector on what they wrote; and PING against a real redis-server in the same
 * run, the machine's floor for a round trip over loopback. Each command once untimed first (the JIT's warm-up), then
 * the rounds, each command's rounds alternating with the others'; the figure is each command's median round.
 */
final class OneClient {

  private static final int DIMENSION = 16;

  private OneClient() {}

  /** The commands measured against Aeon's server, by name, in the order they run (the reads find the writes'). */
  private static Map<String, List<String>> commands() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    List<String> vector = WriteCommands.values(DIMENSION, "1.__rand_int__");
    m.put("PING", List.of("PING"));
    m.put("MEM.ADD", WriteCommands.memAdd("an event", vector));
    m.put("VADD", WriteCommands.vadd("bench:one", vector));
    List<String> vsim = new ArrayList<>(List.of("VSIM", "bench:one"));
    vsim.addAll(vector);
    vsim.addAll(List.of("COUNT", "10"));
    m.put("VSIM", vsim);
    List<String> recall = new ArrayList<>(List.of("MEM.RECALL"));
    recall.addAll(vector);
    recall.addAll(List.of("COUNT", "10"));
    m.put("MEM.RECALL", recall);
    return m;
  }

  static List<Map<String, Object>> run(Path work, boolean quick) throws Exception {
    int requests = quick ? 2_000 : 10_000;
    int rounds = quick ? 1 : 3;
    System.out.printf("one client, one command at a time (-c 1 -P 1), SYNC: %,d requests a command a round, %d"
        + " round(s) after one untimed%n", requests, rounds);
    Map<String, List<String>> commands = commands();
    Map<String, List<RedisTools.Result>> byCommand = new LinkedHashMap<>();
    List<RedisTools.Result> redisPing = new ArrayList<>();
    try (ServerProcess aeon = ServerProcess.aeon(work.resolve("one-client"), "sync", work.resolve("one-client.log"));
         ServerProcess redis = ServerProcess.redis(work.resolve("one-client-redis.log"))) {
      RedisTools.benchmark(redis.port, 1, requests, 1, 0, List.of("PING"));
      for (Map.Entry<String, List<String>> c : commands.entrySet()) {
        RedisTools.benchmark(aeon.port, 1, requests, 1, VectorWorkload.RANDOM_RANGE, c.getValue());
        byCommand.put(c.getKey(), new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        redisPing.add(RedisTools.benchmark(redis.port, 1, requests, 1, 0, List.of("PING")));
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
          byCommand.get(c.getKey()).add(
              RedisTools.benchmark(aeon.port, 1, requests, 1, VectorWorkload.RANDOM_RANGE, c.getValue()));
        }
      }
    }
    List<Map<String, Object>> results = new ArrayList<>();
    RedisTools.Result floor = RedisTools.Result.median(redisPing);
    results.add(entry("redis", "PING", floor, redisPing, floor));
    byCommand.forEach((name, r) -> results.add(entry("aeon", name, RedisTools.Result.median(r), r, floor)));
    return results;
  }

  private static Map<String, Object> entry(String server, String test, RedisTools.Result r,
      List<RedisTools.Result> rounds, RedisTools.Result redisPing) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("server", server);
    m.put("test", test);
    m.put("pipeline", 1);
    m.put("clients", 1);
    m.put("rps", Math.round(r.rps() * 10) / 10.0);
    m.put("p50_ms", r.p50Ms());
    m.put("p99_ms", r.p99Ms());
    m.put("durability", "SYNC");
    m.put("one_client", true);
    m.put("rounds_rps", rounds.stream().map(RedisTools.Result::rps).toList());
    m.put("us_per_command", Math.round(1e7 / r.rps()) / 10.0);
    m.put("us_over_redis_ping", Math.round((1e7 / r.rps() - 1e7 / redisPing.rps())) / 10.0);
    return m;
  }

  /** The console's note for a result of this section. */
  static String note(Map<String, Object> m) {
    return String.format(Locale.ROOT, "SYNC, one client: %.1f us a command, %.1f over redis-server's PING",
        (Double) m.get("us_per_command"), (Double) m.get("us_over_redis_ping"));
  }
}
