package dev.aeon.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads of vector-set keys that exist against reads of keys that do not, in the same run: 50 clients sending one
 * command at a time to an Aeon server (ASYNC) whose data directory holds {@value #NAMESPACES} namespaces besides the
 * set's own, as a server with an agent per namespace does (a key not in memory is looked for by listing them). VCARD
 * and EXISTS of a set loaded already; VCARD, EXISTS, VSIM and VRANDMEMBER of one key that does not exist, asked again
 * and again (a client polling for it); and VCARD of a new absent key each request (redis-benchmark's {@code
 * __rand_int__} over a million keys), which nothing known can answer. Each command once untimed, then the rounds, the
 * commands alternating within each; the figure is each command's median round, and the notes its ratio to VCARD of
 * the present set.
 */
final class AbsentKeyReads {

  private static final int CLIENTS = 50;
  private static final int NAMESPACES = 200;

  private AbsentKeyReads() {}

  private static Map<String, List<String>> commands() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("VCARD present", List.of("VCARD", "present"));
    m.put("EXISTS present", List.of("EXISTS", "present"));
    m.put("VCARD absent", List.of("VCARD", "absent"));
    m.put("EXISTS absent", List.of("EXISTS", "absent"));
    m.put("VSIM absent", List.of("VSIM", "absent", "VALUES", "2", "0.1", "0.2"));
    m.put("VRANDMEMBER absent", List.of("VRANDMEMBER", "absent"));
    m.put("VCARD new absent", List.of("VCARD", "absent:__rand_int__"));
    return m;
  }

  static List<Map<String, Object>> run(Path work, boolean quick) throws Exception {
    int requests = quick ? 20_000 : 100_000;
    int rounds = quick ? 1 : 3;
    System.out.printf("absent keys against present ones, %d clients, %,d requests a command a round, %d round(s) after"
        + " one untimed, %d namespaces on disk%n", CLIENTS, requests, rounds, NAMESPACES);
    Map<String, List<RedisTools.Result>> byCommand = new LinkedHashMap<>();
    try (ServerProcess aeon = ServerProcess.aeon(work.resolve("absent-keys"), "async",
        work.resolve("absent-keys.log"))) {
      seed(aeon.port);
      for (Map.Entry<String, List<String>> c : commands().entrySet()) {
        RedisTools.benchmark(aeon.port, CLIENTS, requests, 1, 1_000_000, c.getValue());
        byCommand.put(c.getKey(), new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, List<String>> c : commands().entrySet()) {
          byCommand.get(c.getKey()).add(RedisTools.benchmark(aeon.port, CLIENTS, requests, 1, 1_000_000,
              c.getValue()));
        }
      }
    }
    double present = RedisTools.Result.median(byCommand.get("VCARD present")).rps();
    List<Map<String, Object>> results = new ArrayList<>();
    byCommand.forEach((name, r) -> {
      RedisTools.Result median = RedisTools.Result.median(r);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("server", "aeon");
      m.put("test", name);
      m.put("pipeline", 1);
      m.put("clients", CLIENTS);
      m.put("rps", Math.round(median.rps() * 10) / 10.0);
      m.put("p50_ms", median.p50Ms());
      m.put("p99_ms", median.p99Ms());
      m.put("absent_keys", true);
      m.put("namespaces", NAMESPACES);
      m.put("rounds_rps", r.stream().map(RedisTools.Result::rps).toList());
      m.put("vs_vcard_present", Math.round(median.rps() / present * 1000) / 1000.0);
      results.add(m);
    });
    return results;
  }

  /** The set {@code present} of 16 dimensions, and an event in each of {@value #NAMESPACES} other namespaces. */
  private static void seed(int port) throws IOException {
    List<List<String>> commands = new ArrayList<>();
    for (int e = 0; e < 100; e++) {
      List<String> vadd = new ArrayList<>(List.of("VADD", "present"));
      vadd.addAll(WriteCommands.values(16, Integer.toString(e + 1)));
      vadd.add("e" + e);
      commands.add(vadd);
    }
    for (int n = 0; n < NAMESPACES; n++) {
      commands.add(List.of("SELECT", "agent-" + n));
      commands.add(WriteCommands.memAdd("an event", WriteCommands.values(16, "1")));
    }
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      for (List<String> command : commands) {
        StringBuilder sb = new StringBuilder("*").append(command.size()).append("\r\n");
        for (String arg : command) {
          sb.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        String reply = in.readLine(); // every reply here is one line: +OK, :1 or :<id>
        if (reply == null || reply.startsWith("-")) {
          throw new IOException(command.getFirst() + " failed while seeding: " + reply);
        }
      }
    }
  }

  /** The console's note for a result of this section. */
  static String note(Map<String, Object> m) {
    return String.format(Locale.ROOT, "%.3fx VCARD present, %d namespaces on disk", (Double) m.get("vs_vcard_present"),
        (Integer) m.get("namespaces"));
  }
}
