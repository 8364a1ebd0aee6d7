package dev.aeon.bench.demo;

import dev.aeon.bench.demo.DemoConversation.Question;
import dev.aeon.bench.demo.DemoConversation.Turn;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.QueryResult;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./aeon demo [DIR]}: opens a fresh memory (in DIR, or a temporary folder deleted at the end),
 * remembers the shipped demo conversation as plain text (embedded in-process), and shows recall with the
 * evidence turns marked, a trace query around a recalled turn, forgetting, and a crash-recovery round in
 * which a child JVM is killed with SIGKILL while it writes. Every step prints its time.
 */
public final class Demo {

  private static final String TRACE_QUESTION = "Why was the trip to the Azores postponed?";
  private static final String FORGET_QUESTION = "How many meals a day does Pastel get?";
  private static final int CRASH_AFTER_WRITES = 25;

  private final DemoConversation demo = DemoConversation.load();
  private final Map<Long, Turn> turnOfEvent = new HashMap<>();
  private final Map<String, Long> eventOfTurn = new HashMap<>();

  /** What the demo showed, for its test. */
  record Summary(int questions, int answeredInTop5, boolean forgottenGone, CrashDrill.Outcome crash, long turnsKept) {}

  Demo() {}

  public static void main(String[] args) throws Exception {
    String usage = "usage: ./aeon demo [DIR]   (DIR: a new or empty folder; default: a temporary one)";
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(usage);
      System.exit(0);
    }
    if (args.length > 1 || args.length == 1 && args[0].startsWith("-")) {
      System.err.println(usage);
      System.exit(2);
    }
    // The engine reports recovery through java.util.logging: one indented line, in the demo's voice.
    System.setProperty("java.util.logging.SimpleFormatter.format", "  engine: %5$s%6$s%n");
    boolean temporary = args.length == 0;
    Path dir;
    try {
      dir = temporary ? Files.createTempDirectory("aeon-demo-") : freshDirectory(Path.of(args[0]));
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("aeon demo: " + (e instanceof IOException ? "cannot create the folder: "
          + e : e.getMessage()));
      System.exit(2);
      return;
    }
    if (temporary) {
      // At exit, however the demo ends, Ctrl-C included: the log alone preallocates two segments.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteAtExit(dir), "aeon-demo-cleanup"));
    }
    long start = System.nanoTime();
    Summary summary = new Demo().run(dir);
    System.out.printf(Locale.ROOT, "%ndemo finished in %.1f s%s%n", seconds(start),
        temporary ? "" : "; the memory stays in " + dir);
    if (!summary.crash().problems().isEmpty() || !summary.forgottenGone()) {
      System.err.println("aeon demo: the engine did not behave as shown above");
      System.exit(1);
    }
  }

  Summary run(Path dir) throws Exception {
    System.out.println("Aeon demo: memory in " + dir);
    step(1, "loading the embedding model");
    long t = System.nanoTime();
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
      embedder.embed("warm-up: the runtime initialises on its first call");
      System.out.printf(Locale.ROOT, "  %s, %d dimensions, loaded and warmed up in %.0f ms%n", embedder.model(),
          embedder.dimension(), millis(t));
      AeonOptions options = AeonOptions.defaults().withEmbedder(embedder);
      int answered;
      boolean gone;
      try (Aeon aeon = Aeon.open(dir, options)) {
        Memory memory = aeon.memory();
        remember(memory);
        answered = recall(memory, embedder);
        trace(memory, embedder);
        gone = forget(memory);
      }
      CrashDrill.Outcome crash = crash(dir, options);
      try (Aeon aeon = Aeon.open(dir, options)) {
        long kept = demo.turns().stream().filter(x -> aeon.memory().get(eventOfTurn.get(x.id())).isPresent()).count();
        System.out.printf("  the conversation: %d of %d turns present (1 was forgotten on purpose)%n", kept,
            demo.turns().size());
        return new Summary(demo.questions().size(), answered, gone, crash, kept);
      }
    }
  }

  private void remember(Memory memory) {
    List<Turn> turns = demo.turns();
    step(2, "remembering " + turns.size() + " turns of " + turns.stream().map(Turn::session).distinct().count()
        + " sessions (" + day(turns.getFirst().time()) + " to " + day(turns.getLast().time())
        + ") as text: the engine embeds each turn and makes it durable before answering");
    long start = System.nanoTime();
    long lastReport = start;
    for (int i = 0; i < turns.size(); i++) {
      Turn turn = turns.get(i);
      long id = memory.remember(Remember.event(turn.session(), turn.role(), turn.text())
          .at(turn.time().toEpochMilli() * 1000).attribute("turn", turn.id()));
      turnOfEvent.put(id, turn);
      eventOfTurn.put(turn.id(), id);
      if (System.nanoTime() - lastReport > 1_000_000_000L) {
        System.out.printf("  ... %d/%d%n", i + 1, turns.size());
        lastReport = System.nanoTime();
      }
    }
    System.out.printf(Locale.ROOT, "  %d turns in %.1f s (%.0f turns/s, embedding included, SYNC durability)%n",
        turns.size(), seconds(start), turns.size() / seconds(start));
  }

  private int recall(Memory memory, OnnxTextEmbedder embedder) {
    step(3, "recall: " + demo.questions().size() + " questions, top 5 each; * marks a turn that holds the answer");
    int found = 0;
    for (Question q : demo.questions()) {
      long start = System.nanoTime();
      float[] query = embedder.embedQuery(q.text());
      double embedMs = millis(start);
      start = System.nanoTime();
      List<Recalled> hits = memory.recall(Recall.vector(query, 5));
      double recallMs = millis(start);
      System.out.printf(Locale.ROOT, "%n  Q: %s   (embedding %.1f ms, recall %.2f ms)%n", q.text(), embedMs, recallMs);
      boolean any = false;
      for (Recalled hit : hits) {
        boolean evidence = q.evidence().contains(turnOf(hit.event()));
        any |= evidence;
        System.out.printf(Locale.ROOT, "   %s %.3f %s%n", evidence ? "*" : " ", hit.score(), line(hit.event()));
      }
      System.out.println("     answer: " + q.answer());
      found += any ? 1 : 0;
    }
    System.out.printf("%n  an answering turn was in the top 5 for %d of %d questions%n", found,
        demo.questions().size());
    return found;
  }

  private void trace(Memory memory, OnnxTextEmbedder embedder) {
    step(4, "trace: what was said right after the best match, in one statement of the query language");
    String statement = "CALL recall($q, 1) YIELD event, score MATCH (event)-[:NEXT*1..3]->(next) "
        + "RETURN event.text, score, collect(next.text)";
    System.out.println("  " + statement);
    System.out.println("  $q = embedding of \"" + TRACE_QUESTION + "\"");
    long start = System.nanoTime();
    QueryResult result = memory.query(statement, Map.of("q", embedder.embedQuery(TRACE_QUESTION)));
    double ms = millis(start);
    for (List<Object> row : result.rows()) {
      System.out.printf(Locale.ROOT, "  recalled (%.3f): %s%n", ((Number) row.get(1)).doubleValue(), row.get(0));
      if (row.get(2) instanceof List<?> next) {
        next.forEach(text -> System.out.println("    then: " + text));
      }
    }
    System.out.printf(Locale.ROOT, "  (%d row, %.1f ms, embedding included)%n", result.rows().size(), ms);
  }

  private boolean forget(Memory memory) {
    Question q = demo.questions().stream().filter(x -> x.text().equals(FORGET_QUESTION)).findFirst().orElseThrow();
    long id = eventOfTurn.get(q.evidence().getFirst());
    step(5, "forget: the newest answer to \"" + FORGET_QUESTION + "\" (event " + id + ")");
    System.out.println("  before: " + rankOf(memory, id));
    long start = System.nanoTime();
    boolean forgotten = memory.forget(id);
    System.out.printf(Locale.ROOT, "  forget(%d) -> %b   (%.1f ms: vector, trace node, links and text)%n",
        id, forgotten, millis(start));
    System.out.println("  get(" + id + ") -> " + memory.get(id).map(e -> "STILL THERE").orElse("nothing"));
    String after = rankOf(memory, id);
    System.out.println("  after:  " + after);
    return memory.get(id).isEmpty() && after.startsWith("not in");
  }

  /** Where the event ranks for the forget question, or what ranks first when it is not in the top 5. */
  private String rankOf(Memory memory, long id) {
    List<Recalled> hits = memory.recall(Recall.text(FORGET_QUESTION, 5));
    for (int r = 0; r < hits.size(); r++) {
      if (hits.get(r).event().id() == id) {
        return "rank " + (r + 1) + " of 5: " + line(hits.get(r).event());
      }
    }
    return "not in the top 5; first now: " + line(hits.getFirst().event());
  }

  private CrashDrill.Outcome crash(Path dir, AeonOptions options) throws Exception {
    step(6, "crash recovery: a child JVM writes, is killed with SIGKILL after " + CRASH_AFTER_WRITES
        + " acknowledged writes, and the memory is reopened");
    long start = System.nanoTime();
    CrashDrill.Outcome outcome = CrashDrill.run(dir, demo, CRASH_AFTER_WRITES, options);
    System.out.printf(Locale.ROOT, "  child killed after %d acknowledged writes; reopened (log replayed) in %d ms%n",
        outcome.acknowledged(), outcome.reopenMillis());
    System.out.printf("  %d of %d acknowledged writes recovered word for word%n", outcome.recovered(),
        outcome.acknowledged());
    outcome.problems().forEach(p -> System.out.println("  PROBLEM: " + p));
    System.out.printf(Locale.ROOT, "  (%.1f s, child JVM start and model load included)%n", seconds(start));
    return outcome;
  }

  private String turnOf(Event e) {
    Turn t = turnOfEvent.get(e.id());
    return t == null ? "?" : t.id();
  }

  private String line(Event e) {
    return "[" + day(Instant.ofEpochMilli(e.timestampMicros() / 1000)) + " " + e.session() + " " + e.role() + "] "
        + e.text();
  }

  private static void step(int n, String title) {
    System.out.printf("%n[%d/6] %s%n", n, title);
  }

  private static String day(Instant t) {
    return t.atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  private static double millis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** The folder given, created if need be; IllegalArgumentException if it is a file or holds anything. */
  static Path freshDirectory(Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a folder; give a new or empty folder");
    }
    if (Files.exists(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(dir + " is not empty; give a new or empty folder");
        }
      }
    }
    return Files.createDirectories(dir);
  }

  /** Deletes the folder, trying again while a file is still being created in it (an interrupted demo). */
  private static void deleteAtExit(Path dir) {
    for (int attempt = 1; ; attempt++) {
      try {
        BenchFiles.deleteTree(dir);
        return;
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 10) {
          System.err.println("aeon demo: cannot delete " + dir + ": " + e);
          return;
        }
      }
      try {
        Thread.sleep(50); // the engine's background threads (log preallocation) may still be making a file
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

}
