package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random remember/link/forget/recall/history/checkpoint/compact/reopen sequences against a plain
 * in-memory model. Prints its seed; {@code -Daeon.test.seed=S -Daeon.model.ops=N} reruns or lengthens it
 * (the {@code fuzz} module runs a long version).
 */
public class EngineModelTest {

  /** What the model knows of one event. */
  record Known(long id, String session, String role, long ts, String text, long vectorSeed, Map<String, Object> attributes) {}

  @TempDir
  Path dir;

  @Test
  void matchesTheModel() {
    run(dir, Long.getLong("aeon.test.seed", System.nanoTime()), Integer.getInteger("aeon.model.ops", 400));
  }

  /** Runs {@code ops} random operations in {@code dir} and checks every answer against the model. */
  public static void run(Path dir, long seed, int ops) {
    System.out.println("EngineModelTest seed " + seed + ", " + ops + " ops");
    Random random = new Random(seed);
    Map<Long, Known> model = new LinkedHashMap<>();
    AeonOptions options = EngineTest.options().withDurability(Durability.OFF);
    Aeon aeon = Aeon.open(dir, options);
    try {
      for (int op = 0; op < ops; op++) {
        Memory m = aeon.memory();
        String context = "seed " + seed + " op " + op;
        int choice = random.nextInt(100);
        if (choice < 45 || model.isEmpty()) {
          String session = "s" + random.nextInt(4);
          long vectorSeed = random.nextLong();
          long ts = 1_000_000L * op;
          Map<String, Object> attributes = random.nextBoolean() ? Map.of("n", (long) random.nextInt(3)) : Map.of();
          Remember r = Remember.event(session, random.nextBoolean() ? "user" : "assistant", "text " + vectorSeed)
              .vector(TestVectors.unit(vectorSeed)).at(ts);
          attributes.forEach(r::attribute);
          long id = m.remember(r);
          model.put(id, new Known(id, session, null, ts, "text " + vectorSeed, vectorSeed, attributes));
        } else if (choice < 55) {
          Known victim = pick(model, random);
          assertTrue(m.forget(victim.id()), context);
          model.remove(victim.id());
        } else if (choice < 57) {
          String session = "s" + random.nextInt(4);
          long expected = model.values().stream().filter(k -> k.session().equals(session)).count();
          assertEquals(expected, m.forgetSession(session), context);
          model.values().removeIf(k -> k.session().equals(session));
        } else if (choice < 65) {
          Known a = pick(model, random), b = pick(model, random);
          m.link(a.id(), "REFERS_TO", b.id(), Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (choice < 80) {
          Known target = pick(model, random);
          List<Recalled> hits = m.recall(Recall.vector(TestVectors.unit(target.vectorSeed()), 3));
          assertEquals(target.id(), hits.getFirst().event().id(), context + ": nearest of its own vector");
          for (Recalled h : hits) {
            Known k = model.get(h.event().id());
            assertTrue(k != null, context + ": recall returned unknown or forgotten " + h.event().id());
            assertEquals(k.text(), h.event().text(), context);
            assertEquals(k.attributes(), h.event().attributes(), context);
          }
        } else if (choice < 92) {
          String session = "s" + random.nextInt(4);
          List<Long> expected = model.values().stream().filter(k -> k.session().equals(session))
              .sorted(Comparator.comparingLong(Known::ts).reversed()).limit(5).map(Known::id).toList();
          assertEquals(expected, m.history(session, 5).stream().map(Event::id).toList(), context + ": history");
        } else if (choice < 95) {
          m.checkpoint();
        } else if (choice < 97) {
          m.compact();
        } else {
          aeon.close();
          aeon = Aeon.open(dir, options);
        }
      }
      Memory m = aeon.memory();
      assertEquals(model.size(), m.stats().events(), "seed " + seed + ": event count");
      assertEquals(List.of(), ((DurableMemory) m).inconsistencies(), "seed " + seed);
    } finally {
      aeon.close();
    }
  }

  private static Known pick(Map<Long, Known> model, Random random) {
    List<Known> all = new ArrayList<>(model.values());
    return all.get(random.nextInt(all.size()));
  }
}
