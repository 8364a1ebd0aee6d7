package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.Failures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries, histories, gets, session listings and recalls on several threads while another closes the namespace,
 * closes it as idle, drops it and creates it again, checkpoints and compacts it, and at last closes the memory.
 * Each read either answers or is refused with the {@code IllegalStateException} that says the namespace (or the
 * memory) is closed; never another exception. What it answers comes from one life of the namespace, never one
 * dropped before the read began: every text names the life that wrote it ({@code g<life>-e<id>}).
 */
class ReadsRacingDropTest {

  @TempDir Path dir;

  private static final String[] STATEMENTS = {
    "MATCH (e {session: 's'}) RETURN e, e.text ORDER BY e.ts DESC LIMIT 5",
    "MATCH (e) WHERE e.ts >= 0 RETURN e.text, count(*) AS n",
    "MATCH (a)-[r:REL]->(b) RETURN a.text, b.text, r",
    "MATCH (a)-[:NEXT*1..2]->(b) RETURN a, b.text LIMIT 10",
    "CALL recall($q, 3) YIELD event, score RETURN event.text, score",
  };

  @Test
  void readsAnswerFromOneLifeOrAreRefusedAsClosed() throws Exception {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    System.out.println("ReadsRacingDropTest seed " + seed);
    Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF));
    AtomicInteger life = new AtomicInteger();
    AtomicInteger droppedBelow = new AtomicInteger(); // every life below it was dropped
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      long readerSeed = seed * 31 + r;
      readers.add(Thread.ofPlatform().start(() -> {
        Random random = new Random(readerSeed);
        Memory held = null;
        while (!stop.get()) {
          int lowest = droppedBelow.get();
          try {
            Memory m = switch (random.nextInt(3)) {
              case 0 -> aeon.namespace("n");
              case 1 -> aeon.reader("n");
              default -> held != null ? held : (held = aeon.namespace("n"));
            };
            List<String> texts = new ArrayList<>();
            switch (random.nextInt(STATEMENTS.length + 4)) {
              case 0 -> m.history("s", 10).forEach(e -> texts.add(e.text()));
              case 1 -> m.get(1 + random.nextInt(30)).ifPresent(e -> texts.add(e.text()));
              case 2 -> m.sessions(0, 10);
              case 3 -> m.recall(Recall.vector(TestVectors.unit(random.nextLong()), 5))
                  .forEach(h -> texts.add(h.event().text()));
              default -> {
                QueryResult q = m.query(STATEMENTS[random.nextInt(STATEMENTS.length)],
                    Map.of("q", TestVectors.unit(random.nextLong())));
                q.rows().forEach(row -> row.forEach(v -> collectTexts(v, texts)));
              }
            }
            checkOneLife(texts, lowest);
            answered.incrementAndGet();
          } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().contains("closed")) {
              failures.add(e);
            }
            held = null;
            refused.incrementAndGet();
          } catch (Throwable t) {
            failures.add(t);
          }
        }
      }));
    }
    try {
      Random random = new Random(seed);
      for (int op = 0; op < 80 && failures.isEmpty(); op++) {
        Memory m = aeon.namespace("n");
        int g = life.get();
        try {
          for (int i = random.nextInt(4); i >= 0; i--) {
            long id = m.remember(Remember.event("s", "user", "g" + g + "-e" + op + "." + i)
                .vector(TestVectors.unit(random.nextLong())));
            if (random.nextBoolean()) {
              m.link(id, "REL", id, Long.MIN_VALUE, Long.MAX_VALUE);
            }
          }
          switch (random.nextInt(6)) {
            case 0 -> aeon.closeNamespace("n");
            case 1 -> aeon.closeIdleNamespaces(Duration.ZERO);
            case 2 -> {
              life.incrementAndGet(); // before the drop: a remember after it (on a new handle) is of the next life
              aeon.dropNamespace("n");
              droppedBelow.set(g + 1);
            }
            case 3 -> m.checkpoint();
            case 4 -> m.compact();
            default -> m.forgetSession("s");
          }
        } catch (IllegalStateException e) {
          if (e.getMessage() == null || !e.getMessage().contains("closed")) {
            throw e; // only this thread's own close may refuse it (the handle m is stale then)
          }
        }
      }
    } finally {
      aeon.close(); // while the readers go on
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
    }
    Failures.throwIfAny("seed " + seed, failures);
    assertTrue(answered.get() > 10, "readers answered only " + answered.get() + " reads");
  }

  private static void collectTexts(Object v, List<String> texts) {
    switch (v) {
      case String s when s.startsWith("g") -> texts.add(s);
      case Event e -> texts.add(e.text());
      case List<?> l -> l.forEach(x -> collectTexts(x, texts));
      case null, default -> { }
    }
  }

  /** All texts of one read from one life, and none from a life dropped before the read began. */
  private static void checkOneLife(List<String> texts, int lowest) {
    int seen = -1;
    for (String t : texts) {
      int g = Integer.parseInt(t.substring(1, t.indexOf('-')));
      if (g < lowest) {
        throw new AssertionError("text " + t + " of a life dropped before the read began (" + lowest + ")");
      }
      if (seen >= 0 && g != seen) {
        throw new AssertionError("texts of lives " + seen + " and " + g + " in one read: " + texts);
      }
      seen = g;
    }
  }
}
