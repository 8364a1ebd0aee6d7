package dev.aeon.bench.demo;

import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The demo's crash-recovery round. A child JVM opens the memory and remembers turns as fast as it can,
 * printing the id of each write the engine acknowledged (SYNC: on disk); the parent kills it with SIGKILL
 * in the middle of that, reopens the memory and checks that every acknowledged write is there, word for word.
 */
final class CrashDrill {

  static final String SESSION = "crash-drill";
  private static final String ACK = "ack ";

  /** What the parent saw and found. */
  record Outcome(int acknowledged, int recovered, long reopenMillis, List<String> problems) {}

  private CrashDrill() {}

  /** The child: {@code CrashDrill DIR}. Writes until killed. */
  public static void main(String[] args) {
    DemoConversation demo = DemoConversation.load();
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open();
        Aeon aeon = Aeon.open(Path.of(args[0]), AeonOptions.defaults().withEmbedder(embedder))) {
      Memory memory = aeon.memory();
      System.out.println("ready");
      System.out.flush();
      for (int n = 0; ; n++) {
        long id = memory.remember(Remember.event(SESSION, "user", text(demo, n)));
        System.out.println(ACK + id + " " + n);
        System.out.flush();
      }
    }
  }

  static String text(DemoConversation demo, int n) {
    return "Crash drill " + n + ": " + demo.turns().get(n % demo.turns().size()).text();
  }

  /**
   * Runs the child on {@code dir} (which must be closed by this process), kills it after {@code killAfter}
   * acknowledged writes, reopens and verifies.
   */
  static Outcome run(Path dir, DemoConversation demo, int killAfter, AeonOptions options)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("aeon-crash-drill-", ".log");
    Process child = start(dir, log);
    Map<Long, Integer> acked = new LinkedHashMap<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acked.size() < killAfter && (line = out.readLine()) != null) {
        if (line.startsWith(ACK)) {
          String[] parts = line.substring(ACK.length()).split(" ");
          acked.put(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, writes in flight are cut
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the crash-drill child did not die");
      }
    }
    if (acked.size() < killAfter) {
      throw new IllegalStateException("the crash-drill child stopped after " + acked.size()
          + " writes; its error output:\n"
          + Files.readString(log));
    }
    Files.deleteIfExists(log);
    long start = System.nanoTime();
    try (Aeon aeon = Aeon.open(dir, options)) {
      Memory memory = aeon.memory();
      long reopenMillis = (System.nanoTime() - start) / 1_000_000;
      List<String> problems = new ArrayList<>();
      int recovered = 0;
      for (Map.Entry<Long, Integer> e : acked.entrySet()) {
        Optional<Event> event = memory.get(e.getKey());
        if (event.isEmpty()) {
          problems.add("acknowledged write " + e.getKey() + " is missing");
        } else if (!event.get().text().equals(text(demo, e.getValue()))) {
          problems.add("acknowledged write " + e.getKey() + " has other text: " + event.get().text());
        } else {
          recovered++;
        }
      }
      return new Outcome(acked.size(), recovered, reopenMillis, problems);
    }
  }

  private static Process start(Path dir, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), CrashDrill.class.getName(), dir.toString());
    return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
  }
}
