package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random remember and remember many at once (a third linked to earlier events, now and then to a forgotten one, which
 * is refused) / link / invalidate / set attributes / forget / recall / get / history /
 * query / checkpoint / compact / idle close / drop / reopen sequences against a plain in-memory model, with vectors and
 * queries of two embedding models or of none (the namespace records the first model and refuses the other).
 * Prints its seed;
 * {@code -Daeon.test.seed=S -Daeon.model.ops=N} reruns or lengthens it (the {@code fuzz} module runs a long
 * version).
 */
public class EngineModelTest {

  private static final List<String> LINK_TYPES = List.of("REFERS_TO", "CAUSED_BY");

  /** What the model knows of one event. */
  record Known(long id, String session, String role, long ts, String text, long vectorSeed,
      Map<String, Object> attributes) {}

  /** A link as the model knows it, valid in {@code [validFrom, validTo)}. */
  static final class KnownLink {
    final long from;
    final String type;
    final long to;
    final long validFrom;
    long validTo;

    KnownLink(long from, String type, long to, long validFrom, long validTo) {
      this.from = from;
      this.type = type;
      this.to = to;
      this.validFrom = validFrom;
      this.validTo = validTo;
    }

    boolean current() {
      return validTo == Long.MAX_VALUE;
    }

    boolean validAt(long t) {
      return validFrom <= t && t < validTo;
    }
  }

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
    List<KnownLink> links = new ArrayList<>();
    Set<Long> forgotten = new HashSet<>();
    String[] recordedModel = {null}; // the embedding model the namespace recorded with its first labelled vector
    AeonOptions options = EngineTest.options().withDurability(Durability.OFF);
    Aeon aeon = Aeon.open(dir, options);
    try {
      for (int op = 0; op < ops; op++) {
        Memory m = aeon.memory();
        String context = "seed " + seed + " op " + op;
        long now = 1_000_000L * op;
        int choice = random.nextInt(100);
        if (choice < 35 && random.nextInt(6) == 0) {
          rememberAll(m, model, links, forgotten, recordedModel, random, now, context);
        } else if (choice < 35 || model.isEmpty()) {
          String session = session(random);
          String role = random.nextBoolean() ? "user" : "assistant";
          long vectorSeed = random.nextLong();
          Map<String, Object> attributes = new HashMap<>();
          if (random.nextBoolean()) {
            attributes.put("n", (long) random.nextInt(3));
          }
          if (random.nextInt(4) == 0) {
            attributes.put("tag", "t" + random.nextInt(2));
          }
          String label = model(random);
          Remember r = Remember.event(session, role, "text " + vectorSeed).vector(TestVectors.unit(vectorSeed), label)
              .at(now);
          attributes.forEach(r::attribute);
          List<Remember.Link> live = liveLinks(model, random);
          live.forEach(l -> r.link(l.type(), l.target()));
          if (label != null && recordedModel[0] != null && !label.equals(recordedModel[0])) {
            assertThrows(IllegalArgumentException.class, () -> m.remember(r), context + ": a vector of another model");
            continue;
          }
          if (!forgotten.isEmpty() && random.nextInt(20) == 0) {
            long target = new ArrayList<>(forgotten).get(random.nextInt(forgotten.size()));
            r.link(LINK_TYPES.getFirst(), target);
            long lsn = m.stats().lastLsn();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.remember(r), context);
            assertTrue(e.getMessage().contains("no event with id " + target), context + ": " + e.getMessage());
            assertEquals(lsn, m.stats().lastLsn(), context + ": an event linked to a forgotten one was logged");
            continue;
          }
          long id = m.remember(r);
          recordedModel[0] = recordedModel[0] == null ? label : recordedModel[0];
          model.put(id, new Known(id, session, role, now, "text " + vectorSeed, vectorSeed, attributes));
          live.forEach(l -> links.add(new KnownLink(id, l.type(), l.target(), Long.MIN_VALUE, Long.MAX_VALUE)));
        } else if (choice < 43) {
          Known victim = pick(model, random);
          assertTrue(m.forget(victim.id()), context);
          forget(victim.id(), model, links, forgotten);
        } else if (choice < 45) {
          String session = session(random);
          List<Long> ids = model.values().stream().filter(k -> k.session().equals(session)).map(Known::id).toList();
          assertEquals(ids.size(), m.forgetSession(session), context);
          ids.forEach(id -> forget(id, model, links, forgotten));
        } else if (choice < 53) {
          Known a = pick(model, random), b = pick(model, random);
          String type = LINK_TYPES.get(random.nextInt(LINK_TYPES.size()));
          long validFrom = random.nextBoolean() ? Long.MIN_VALUE : now - random.nextInt(5) * 1_000_000L;
          long validTo = random.nextInt(4) > 0 ? Long.MAX_VALUE : validFrom == Long.MIN_VALUE ? now : now + 1;
          m.link(a.id(), type, b.id(), validFrom, validTo);
          links.add(new KnownLink(a.id(), type, b.id(), validFrom, validTo));
        } else if (choice < 57) {
          if (!links.isEmpty()) {
            KnownLink l = links.get(random.nextInt(links.size()));
            long at = now - random.nextInt(3) * 1_000_000L;
            List<KnownLink> current = links.stream() // every current link of that type between the two
                .filter(same -> same.current() && same.from == l.from && same.to == l.to && same.type.equals(l.type))
                .toList();
            if (current.stream().anyMatch(same -> same.validFrom >= at)) {
              assertThrows(IllegalArgumentException.class, () -> m.invalidate(l.from, l.type, l.to, at),
                  context + ": an end at or before a link's start");
              continue;
            }
            assertEquals(current.size(), m.invalidate(l.from, l.type, l.to, at), context + ": links invalidated");
            current.forEach(same -> same.validTo = at);
          }
        } else if (choice < 64) {
          Known target = pick(model, random);
          Map<String, Object> changes = new HashMap<>();
          changes.put("n", random.nextInt(3) == 0 ? null : (Object) (long) random.nextInt(3));
          if (random.nextBoolean()) {
            changes.put("tag", random.nextBoolean() ? null : "t" + random.nextInt(2));
          }
          m.setAttributes(target.id(), changes);
          Map<String, Object> merged = new HashMap<>(target.attributes());
          changes.forEach((k, v) -> {
            if (v == null) {
              merged.remove(k);
            } else {
              merged.put(k, v);
            }
          });
          model.put(target.id(), new Known(target.id(), target.session(), target.role(), target.ts(), target.text(),
              target.vectorSeed(), merged));
        } else if (choice < 76) {
          checkRecall(m, model, recordedModel[0], random, context);
        } else if (choice < 81) {
          if (!forgotten.isEmpty() && random.nextInt(4) == 0) {
            long gone = forgotten.iterator().next();
            assertTrue(m.get(gone).isEmpty(), context + ": forgotten " + gone + " is still there");
          } else {
            Known k = pick(model, random);
            Event e = m.get(k.id()).orElseThrow(() -> new AssertionError(context + ": lost " + k.id()));
            assertEquals(List.of(k.session(), k.role(), k.ts(), k.text(), true, k.attributes()),
                List.of(e.session(), e.role(), e.timestampMicros(), e.text(), e.hasVector(), e.attributes()), context);
          }
        } else if (choice < 88) {
          String session = session(random);
          List<Long> expected = model.values().stream().filter(k -> k.session().equals(session))
              .sorted(Comparator.comparingLong(Known::ts).reversed()).limit(5).map(Known::id).toList();
          assertEquals(expected, m.history(session, 5).stream().map(Event::id).toList(), context + ": history");
          checkSessions(m, model, random, context);
        } else if (choice < 95) {
          checkQuery(m, model, links, random, now, context);
        } else if (choice < 97) {
          m.checkpoint();
        } else if (choice < 98) {
          m.compact();
        } else if (choice < 99) {
          assertEquals(List.of(m.name()), aeon.closeIdleNamespaces(Duration.ZERO), context); // the next op reopens it
        } else if (random.nextInt(3) == 0) {
          assertTrue(aeon.dropNamespace(m.name()), context);
          model.clear(); // its name gives a new, empty namespace, whose ids start again
          links.clear();
          forgotten.clear();
          recordedModel[0] = null;
        } else {
          aeon.close();
          aeon = Aeon.open(dir, options);
          assertEquals(recordedModel[0], aeon.memory().stats().embeddingModel(), context + ": the recorded model");
        }
      }
      Memory m = aeon.memory();
      assertEquals(model.size(), m.stats().events(), "seed " + seed + ": event count");
      checkSessions(m, model, random, "seed " + seed);
      assertEquals(recordedModel[0], m.stats().embeddingModel(), "seed " + seed + ": the recorded model");
      assertEquals(List.of(), ((DurableMemory) m).inconsistencies(), "seed " + seed);
    } finally {
      aeon.close();
    }
  }

  /**
   * A batch of 1 to 6 events through {@link Memory#rememberAll}, a third of them linked to one or two live events
   * remembered before the batch, and in a third of the batches some to others of the batch (before or after them, or
   * themselves); now and then with an event it must refuse: an empty session or a vector of another model than the
   * namespace's (each event checked in turn), else a vector of another model than an earlier event's of the batch
   * (checked after them), or else a link to a forgotten event (checked under the write lock, after those). Then the
   * message names the first such event's index, and nothing is remembered or linked; else every event is, with ids that
   * follow each other, and its links, valid for all time, as {@link #checkQuery} then finds them.
   */
  private static void rememberAll(Memory m, Map<Long, Known> model, List<KnownLink> links, Set<Long> forgotten,
      String[] recordedModel, Random random, long now, String context) {
    int n = 1 + random.nextInt(6);
    int bad = random.nextInt(4) == 0 ? random.nextInt(n) : -1;
    int linkedToForgotten = !forgotten.isEmpty() && random.nextInt(5) == 0 ? random.nextInt(n) : -1;
    List<Long> forgottenIds = new ArrayList<>(forgotten);
    long forgottenTarget = linkedToForgotten < 0 ? 0 : forgottenIds.get(random.nextInt(forgottenIds.size()));
    List<Remember> batch = new ArrayList<>();
    List<Known> known = new ArrayList<>();
    List<List<Remember.Link>> linksOf = new ArrayList<>(); // each event's links to live events
    int refused = -1;
    int refusedInBatch = -1;
    String batchModel = null;
    for (int i = 0; i < n; i++) {
      String session = i == bad ? "" : session(random);
      long vectorSeed = random.nextLong();
      String label = model(random);
      Map<String, Object> attributes = random.nextBoolean() ? Map.of("n", (long) random.nextInt(3)) : Map.of();
      Remember r = Remember.event(session, "user", "text " + vectorSeed).vector(TestVectors.unit(vectorSeed), label)
          .at(now + i);
      attributes.forEach(r::attribute);
      List<Remember.Link> live = liveLinks(model, random);
      live.forEach(l -> r.link(l.type(), l.target()));
      if (i == linkedToForgotten) {
        r.link(LINK_TYPES.getFirst(), forgottenTarget);
      }
      batch.add(r);
      known.add(new Known(0, session, "user", now + i, "text " + vectorSeed, vectorSeed, attributes));
      linksOf.add(live);
      boolean otherThanTheNamespaces = label != null && recordedModel[0] != null && !label.equals(recordedModel[0]);
      if (refused < 0 && (i == bad || otherThanTheNamespaces)) {
        refused = i;
      }
      if (refusedInBatch < 0 && label != null && batchModel != null && !label.equals(batchModel)) {
        refusedInBatch = i;
      }
      batchModel = batchModel == null ? label : batchModel;
    }
    // Each event is checked on its own first (its session, its model against the namespace's), then the batch's
    // models against each other: an empty session after two models in a namespace that has none yet is named first.
    refused = refused >= 0 ? refused : refusedInBatch;
    // A third of the batches link some of their events to others of the batch, before or after them.
    List<int[]> inBatch = new ArrayList<>(); // {from index, type index, to index}
    if (n > 1 && random.nextInt(3) == 0) {
      for (int i = 0; i < n; i++) {
        if (random.nextInt(2) == 0) {
          int[] link = {i, random.nextInt(LINK_TYPES.size()), random.nextInt(n)};
          batch.get(i).link(LINK_TYPES.get(link[1]), batch.get(link[2]));
          inBatch.add(link);
        }
      }
    }
    boolean refusedForItsLink = refused < 0 && linkedToForgotten >= 0;
    if (refusedForItsLink) {
      refused = linkedToForgotten; // the events themselves are fine: their links are checked after
    }
    if (refused >= 0) {
      long events = m.stats().events();
      long lsn = m.stats().lastLsn();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.rememberAll(batch), context);
      assertTrue(e.getMessage().contains("index " + refused + " "), context + ": " + e.getMessage());
      if (refusedForItsLink) {
        assertTrue(e.getMessage().contains("no event with id " + forgottenTarget), context + ": " + e.getMessage());
      }
      assertEquals(events, m.stats().events(), context + ": a refused batch remembered events");
      assertEquals(lsn, m.stats().lastLsn(), context + ": a refused batch was logged");
      return;
    }
    List<Long> ids = m.rememberAll(batch);
    assertEquals(n, ids.size(), context);
    for (int i = 0; i < n; i++) {
      assertEquals(ids.getFirst() + i, ids.get(i), context + ": ids of a batch");
      Known k = known.get(i);
      long id = ids.get(i);
      model.put(id, new Known(id, k.session(), k.role(), k.ts(), k.text(), k.vectorSeed(), k.attributes()));
      linksOf.get(i).forEach(l -> links.add(new KnownLink(id, l.type(), l.target(), Long.MIN_VALUE, Long.MAX_VALUE)));
    }
    for (int[] l : inBatch) {
      links.add(new KnownLink(ids.get(l[0]), LINK_TYPES.get(l[1]), ids.get(l[2]), Long.MIN_VALUE, Long.MAX_VALUE));
    }
    recordedModel[0] = recordedModel[0] == null ? batchModel : recordedModel[0];
  }

  /** For a third of the events remembered, one or two links to live events. */
  private static List<Remember.Link> liveLinks(Map<Long, Known> model, Random random) {
    List<Remember.Link> live = new ArrayList<>();
    if (!model.isEmpty() && random.nextInt(3) == 0) {
      for (int l = 1 + random.nextInt(2); l > 0; l--) {
        live.add(new Remember.Link(LINK_TYPES.get(random.nextInt(LINK_TYPES.size())), pick(model, random).id()));
      }
    }
    return live;
  }

  /** Every session with a live event is listed once, page by page, and counted by the stats. */
  private static void checkSessions(Memory m, Map<Long, Known> model, Random random, String context) {
    Set<String> expected = new TreeSet<>();
    model.values().forEach(k -> expected.add(k.session()));
    List<String> listed = new ArrayList<>();
    int limit = 1 + random.nextInt(3);
    SessionPage page = m.sessions(0, limit);
    listed.addAll(page.sessions());
    while (!page.isLast()) {
      page = m.sessions(page.cursor(), limit);
      assertTrue(page.sessions().size() <= limit, context + ": a page of more than " + limit);
      listed.addAll(page.sessions());
    }
    assertEquals(expected.size(), listed.size(), context + ": sessions listed " + listed);
    assertEquals(expected, new TreeSet<>(listed), context + ": sessions");
    assertEquals(expected.size(), m.stats().sessions(), context + ": sessions counted");
  }

  private static String session(Random random) {
    return "s" + random.nextInt(4);
  }

  /** The embedding model a vector is given with: mostly none (taken on the caller's word), or one of two. */
  private static String model(Random random) {
    int r = random.nextInt(10);
    return r < 6 ? null : r < 9 ? "model-a" : "model-b";
  }

  /** Forgetting an event takes its links, both ways, with it. */
  private static void forget(long id, Map<Long, Known> model, List<KnownLink> links, Set<Long> forgotten) {
    model.remove(id);
    links.removeIf(l -> l.from == id || l.to == id);
    forgotten.add(id);
  }

  /**
   * A recall of an event's own vector finds it first, unless a filter excludes it; every hit passes the
   * filter and is an event of the model, as the model knows it.
   */
  private static void checkRecall(Memory m, Map<Long, Known> model, String recordedModel, Random random,
      String context) {
    Known target = pick(model, random);
    String label = model(random);
    if (label != null && recordedModel != null && !label.equals(recordedModel)) {
      assertThrows(IllegalArgumentException.class,
          () -> m.recall(Recall.vector(TestVectors.unit(target.vectorSeed()), label, 3)), context + ": another model");
      return;
    }
    Recall recall = Recall.vector(TestVectors.unit(target.vectorSeed()), label, 3);
    String session = random.nextBoolean() ? null : session(random);
    String role = random.nextBoolean() ? null : "user";
    if (session != null) {
      recall.session(session);
    }
    if (role != null) {
      recall.roles(role);
    }
    List<Recalled> hits = m.recall(recall);
    boolean targetPasses = (session == null || target.session().equals(session))
        && (role == null || target.role().equals(role));
    if (targetPasses) {
      assertEquals(target.id(), hits.getFirst().event().id(), context + ": nearest of its own vector");
    }
    for (Recalled h : hits) {
      Known k = model.get(h.event().id());
      assertTrue(k != null, context + ": recall returned unknown or forgotten " + h.event().id());
      assertTrue(session == null || k.session().equals(session), context + ": session filter");
      assertTrue(role == null || k.role().equals(role), context + ": role filter");
      assertEquals(k.text(), h.event().text(), context);
      assertEquals(k.attributes(), h.event().attributes(), context);
    }
  }

  /** The query language over the same state: links now and as of a time, and attribute filters. */
  private static void checkQuery(Memory m, Map<Long, Known> model, List<KnownLink> links, Random random, long now,
      String context) {
    Known a = pick(model, random);
    String type = LINK_TYPES.get(random.nextInt(LINK_TYPES.size()));
    List<Long> expected;
    QueryResult result;
    switch (random.nextInt(3)) {
      case 0 -> {
        expected = links.stream().filter(l -> l.from == a.id() && l.type.equals(type) && l.current())
            .map(l -> l.to).sorted().toList();
        result = m.query("MATCH (a {id: $id})-[:" + type + "]->(b) RETURN b.id ORDER BY b.id", Map.of("id", a.id()));
      }
      case 1 -> {
        long t = now - random.nextInt(6) * 1_000_000L;
        expected = links.stream().filter(l -> l.to == a.id() && l.type.equals(type) && l.validAt(t))
            .map(l -> l.from).sorted().toList();
        result = m.query("MATCH (b)-[:" + type + "]->(a {id: $id}) AS OF $t RETURN b.id ORDER BY b.id",
            Map.of("id", a.id(), "t", t));
      }
      default -> {
        String session = session(random);
        long n = random.nextInt(3);
        expected = model.values().stream()
            .filter(k -> k.session().equals(session) && Long.valueOf(n).equals(k.attributes().get("n")))
            .map(Known::id).sorted().toList();
        result = m.query("MATCH (e {session: $s}) WHERE e.n = $n RETURN e.id ORDER BY e.id",
            Map.of("s", session, "n", n));
      }
    }
    assertEquals(expected, result.rows().stream().map(row -> (Long) row.getFirst()).toList(), context + ": query");
  }

  private static Known pick(Map<Long, Known> model, Random random) {
    List<Known> all = new ArrayList<>(model.values());
    return all.get(random.nextInt(all.size()));
  }
}
