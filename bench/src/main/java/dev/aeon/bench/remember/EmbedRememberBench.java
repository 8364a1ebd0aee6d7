package dev.aeon.bench.remember;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.bench.util.RespClient;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.server.AeonServer;
import dev.aeon.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./aeon bench remember --embed [--quick] [--events N] [--data FILE]}: remembering text the engine embeds with
 * the real model (all-MiniLM-L6-v2, {@link OnnxTextEmbedder}), LoCoMo's dialogue turns ({@link Turns}) given without a
 * vector, under SYNC from one thread: one at a time through {@code Memory.remember}, and {@value #SMALL} and
 * {@value #LARGE} at a time through {@code Memory.rememberAll}. The baseline, in the same run with the same embedder:
 * the embedder alone embedding the same texts one at a time ({@code embed}, what a remember calls) and in calls of
 * {@value #SMALL} and {@value #LARGE} ({@code embedAll}, what a rememberAll calls), one at a time parking a
 * millisecond after each (as a remember's thread parks for its forced write: does the next embedding run slower?),
 * and the tokenizer alone ({@code tokenCount}), the part of an embedding that is not the model. And the server over
 * loopback TCP, in this process with the same embedder: {@code MEM.ADD} of a turn's text (the server embeds it) from
 * one client, one command at a time, and {@code MEM.ADDALL} of {@value #SMALL} and {@value #LARGE}, against the
 * engine's remember and rememberAll of the same texts. Every configuration is measured in each of
 * several rounds, one after the other, on the same texts ({@link TextRound}). Besides the calling thread's CPU time,
 * the whole process's per event: the embedder runs a call's texts on the fork-join pool and ONNX runtime has threads
 * of its own. Writes
 * {@code target/bench/remember-embed.json}.
 */
final class EmbedRememberBench {

  static final int SMALL = 16;
  static final int LARGE = 64;
  private static final int[] BATCHES = {1, SMALL, LARGE};

  static final String TOKENIZER = "tokenizer";
  static final String EMBEDDER = "embedder";
  static final String EMBEDDER_PARKED = "embedder-parked";
  /**
   * How long {@link #EMBEDDER_PARKED} parks after each embedding: about what a remember's forced write adds to its
   * embedding's time at the median in these runs.
   */
  private static final long PARK_NANOS = 1_000_000;
  static final String ENGINE = "engine";
  static final String SERVER = "server";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One configuration: what it runs, and how many texts each call takes. */
  private record Subject(String kind, int batch, TextRound.Call call) {
    String label() {
      return kind + " x" + batch;
    }
  }

  private final Path dir;
  private final int rounds;
  /** The texts of a round (each configuration embeds them all), and of the warm-up round, not counted. */
  private final int textsPerRound;
  private final int warmupTexts;

  private EmbedRememberBench(Path dir, boolean quick) {
    this.dir = dir;
    this.rounds = quick ? 3 : 5;
    this.textsPerRound = quick ? 128 : 512;
    this.warmupTexts = quick ? 64 : 128;
  }

  static void main(boolean quick, int events, Path data, String load) throws Exception {
    if (!Files.isRegularFile(data)) {
      System.err.println("remember: no LoCoMo data at " + data.toAbsolutePath()
          + "; give a file in the format of locomo10.json with --data FILE");
      System.exit(2);
    }
    Turns turns = Turns.load(data, events);
    if (turns.size() < LARGE) {
      throw new IllegalArgumentException("--events " + turns.size() + " is fewer than a batch's " + LARGE);
    }
    EmbedRememberBench bench = new EmbedRememberBench(Path.of("target", "bench", "remember-embed-data"), quick);
    System.out.printf(Locale.ROOT, "remember --embed: %d LoCoMo turns (%s, %.0f characters on average), embedded by"
        + " all-MiniLM-L6-v2 (int8 ONNX) in the engine, SYNC, 1 thread; %d rounds of %d texts, each configuration the"
        + " same texts%s%n", turns.size(), data.getFileName(), turns.meanChars(), bench.rounds, bench.textsPerRound,
        quick ? " (quick run)" : "");
    bench.run(turns, data, load);
  }

  private void run(Turns turns, Path data, String loadBefore) throws Exception {
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    List<AutoCloseable> open = new ArrayList<>();
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(ModelSpec.DEFAULT)) {
      List<Subject> subjects = new ArrayList<>();
      subjects.add(new Subject(TOKENIZER, 1, (first, n) -> embedder.tokenCount(turns.text(first))));
      for (int batch : BATCHES) {
        subjects.add(embedderAlone(embedder, turns, batch));
        if (batch == 1) {
          subjects.add(new Subject(EMBEDDER_PARKED, 1, (first, n) -> {
            embedder.embed(turns.text(first));
            LockSupport.parkNanos(PARK_NANOS);
          }));
        }
        Aeon aeon = Aeon.open(dir.resolve("engine-" + batch),
            AeonOptions.defaults().withDurability(Durability.SYNC).withEmbedder(embedder));
        open.add(aeon);
        subjects.add(engine(aeon.memory(), turns, batch));
      }
      AeonServer server = AeonServer.start(ServerConfig.defaults().withAddress(InetAddress.getLoopbackAddress(), 0)
          .withDir(dir.resolve("server")).withEngine(AeonOptions.defaults().withDurability(Durability.SYNC)
              .withEmbedder(embedder)));
      open.add(server);
      for (int batch : BATCHES) {
        RespClient client = RespClient.connect(server.address());
        open.add(client);
        client.call("SELECT", "batch-" + batch); // a namespace of its own, as the engine's configurations have
        subjects.add(server(client, turns, batch));
      }
      System.out.printf("warming up: each configuration on %d texts%n", warmupTexts);
      for (Subject x : subjects) {
        TextRound.run(x.call(), 0, warmupTexts, x.batch());
      }
      List<List<TextRound>> outcomes = new ArrayList<>();
      subjects.forEach(x -> outcomes.add(new ArrayList<>()));
      for (int round = 1; round <= rounds; round++) {
        System.out.printf("round %d/%d:", round, rounds);
        long first = warmupTexts + (long) (round - 1) * textsPerRound; // again from the first turn past the last
        for (int i = 0; i < subjects.size(); i++) {
          Subject x = subjects.get(i);
          TextRound o = TextRound.run(x.call(), first, textsPerRound, x.batch());
          outcomes.get(i).add(o);
          System.out.printf(Locale.ROOT, " %s %.0f/s%s", x.label(), o.textsPerSecond(),
              i + 1 < subjects.size() ? "," : "\n");
        }
      }
      List<EmbedRow> rows = new ArrayList<>();
      for (int i = 0; i < subjects.size(); i++) {
        rows.add(EmbedRow.of(subjects.get(i).kind(), subjects.get(i).batch(), outcomes.get(i)));
      }
      System.out.println();
      rows.forEach(r -> System.out.println(r.line()));
      System.out.println();
      rows.forEach(r -> System.out.println(r.threadsLine()));
      Map<String, Object> report = BenchReport.header();
      report.put("turns", turns.size());
      report.put("data", data.getFileName() + " (LoCoMo), each turn as \"[<session date>] <speaker>: <text>\"");
      report.put("mean_text_chars", BenchReport.round(turns.meanChars(), 1));
      report.put("model", embedder.model());
      report.put("durability", "SYNC");
      report.put("rounds", rounds);
      report.put("texts_per_round", textsPerRound);
      report.put("calling_thread_cpu_us", "CPU time of the calling thread over a round, per text"
          + " (ThreadMXBean.getCurrentThreadCpuTime)");
      report.put("process_cpu_us", "CPU time of the whole process over a round, per text"
          + " (OperatingSystemMXBean.getProcessCpuTime): the fork-join pool's and ONNX runtime's threads too");
      report.put("load_average_before", loadBefore);
      report.put("load_average_after", RememberBench.loadAverage());
      report.put("results", rows.stream().map(EmbedRow::json).toList());
      report.put("ratios", ratios(rows));
      BenchReport.write("remember-embed", report);
    } finally {
      Collections.reverse(open); // the clients before their server
      for (AutoCloseable c : open) {
        c.close();
      }
      BenchFiles.deleteTree(dir);
    }
  }

  /** The embedder alone: {@code embed} of a text (as a remember calls it), or {@code embedAll} of a batch. */
  private static Subject embedderAlone(OnnxTextEmbedder embedder, Turns turns, int batch) {
    return new Subject(EMBEDDER, batch, batch == 1 ? (first, n) -> embedder.embed(turns.text(first))
        : (first, n) -> embedder.embedAll(turns.texts(first, n)));
  }

  /** The engine, in a namespace of its own: remember of a turn, or rememberAll of a batch. */
  private static Subject engine(Memory memory, Turns turns, int batch) {
    return new Subject(ENGINE, batch, batch == 1 ? (first, n) -> memory.remember(turns.event(first))
        : (first, n) -> memory.rememberAll(turns.events(first, n)));
  }

  /**
   * The server in this process, over loopback TCP from one client: {@code MEM.ADD} of a turn (the server embeds its
   * text), or {@code MEM.ADDALL} of a batch; every reply checked.
   */
  private static Subject server(RespClient client, Turns turns, int batch) {
    return new Subject(SERVER, batch, batch == 1
        ? (first, n) -> expectIds(client.call("MEM.ADD", turns.session(first), turns.role(first), turns.text(first),
            "AT", turns.at(first)), 1)
        : (first, n) -> expectIds(client.call(addAll(turns, first, n)), n));
  }

  /** {@code MEM.ADDALL} and the {@code n} turns from the {@code first}th as its JSON events. */
  private static Object[] addAll(Turns turns, long first, int n) throws JsonProcessingException {
    Object[] args = new Object[n + 1];
    args[0] = "MEM.ADDALL";
    for (int i = 0; i < n; i++) {
      long t = first + i;
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("session", turns.session(t));
      event.put("role", turns.role(t));
      event.put("text", turns.text(t));
      event.put("at", turns.at(t));
      args[i + 1] = JSON.writeValueAsString(event);
    }
    return args;
  }

  /** Fails unless the reply is {@code n} ids: one integer, or an array of {@code n} of them. */
  private static void expectIds(Object reply, int n) throws IOException {
    boolean ok = n == 1 ? reply instanceof Long : reply instanceof List<?> ids && ids.size() == n;
    if (!ok) {
      throw new IOException("expected " + n + " new event id(s), got " + reply);
    }
  }

  /**
   * The engine over the embedder alone for each batch (time per event), the tokenizer's share of one embedding, and
   * what batches of 16 and 64 give over one at a time, for the embedder and for the engine.
   */
  private static Map<String, Object> ratios(List<EmbedRow> rows) {
    Map<String, Object> r = new LinkedHashMap<>();
    System.out.println();
    for (int batch : BATCHES) {
      EmbedRow engine = find(rows, ENGINE, batch);
      EmbedRow alone = find(rows, EMBEDDER, batch);
      double time = alone.eventsPerS() / engine.eventsPerS();
      double p50 = engine.p50Us() / alone.p50Us();
      double cpu = engine.processCpuUsPerEvent() / alone.processCpuUsPerEvent();
      r.put("engine_x" + batch + "_time_over_embedder", BenchReport.round(time, 3));
      r.put("engine_x" + batch + "_p50_over_embedder", BenchReport.round(p50, 3));
      r.put("engine_x" + batch + "_process_cpu_over_embedder", BenchReport.round(cpu, 3));
      System.out.printf(Locale.ROOT, "engine x%-3d / embedder alone x%-3d: time per event %.3fx, p50 per call %.3fx,"
          + " process CPU per event %.3fx%n", batch, batch, time, p50, cpu);
    }
    for (int batch : BATCHES) {
      EmbedRow server = find(rows, SERVER, batch);
      EmbedRow engine = find(rows, ENGINE, batch);
      double time = engine.eventsPerS() / server.eventsPerS();
      double cpu = server.processCpuUsPerEvent() / engine.processCpuUsPerEvent();
      r.put("server_x" + batch + "_time_over_engine", BenchReport.round(time, 3));
      r.put("server_x" + batch + "_process_cpu_over_engine", BenchReport.round(cpu, 3));
      System.out.printf(Locale.ROOT, "server x%-3d / engine x%-3d: time per event %.3fx, process CPU per event %.3fx%n",
          batch, batch, time, cpu);
    }
    EmbedRow parked = find(rows, EMBEDDER_PARKED, 1);
    EmbedRow alone = find(rows, EMBEDDER, 1);
    double parkedCpu = parked.callingCpuUsPerEvent() / alone.callingCpuUsPerEvent();
    r.put("embedder_parked_calling_cpu_over_embedder", BenchReport.round(parkedCpu, 3));
    System.out.printf(Locale.ROOT, "embedder parking %d us after each text / embedder alone x1: calling thread CPU per"
        + " text %.3fx, process CPU per text %.3fx%n", PARK_NANOS / 1000, parkedCpu,
        parked.processCpuUsPerEvent() / alone.processCpuUsPerEvent());
    double tokenizerShare = find(rows, EMBEDDER, 1).eventsPerS() / find(rows, TOKENIZER, 1).eventsPerS();
    r.put("tokenizer_share_of_embed_x1", BenchReport.round(tokenizerShare, 3));
    System.out.printf(Locale.ROOT, "tokenizing a text / embedding it one at a time: %.3f of the time%n",
        tokenizerShare);
    for (String kind : List.of(EMBEDDER, ENGINE, SERVER)) {
      for (int batch : new int[] {SMALL, LARGE}) {
        double gain = find(rows, kind, batch).eventsPerS() / find(rows, kind, 1).eventsPerS();
        r.put(kind + "_x" + batch + "_over_x1", BenchReport.round(gain, 2));
        System.out.printf(Locale.ROOT, "%-8s calls of %d / one at a time = %.2fx events per second%n", kind, batch,
            gain);
      }
    }
    return r;
  }

  private static EmbedRow find(List<EmbedRow> rows, String kind, int batch) {
    return rows.stream().filter(x -> x.kind().equals(kind) && x.batch() == batch).findFirst().orElseThrow();
  }
}
