package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.Failures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements of every kind (similarity, time ranges, AS OF, hops, OPTIONAL MATCH, aggregation, ORDER BY and LIMIT),
 * histories, gets and session listings on several threads while one writer remembers, links, invalidates, sets
 * attributes, forgets events and whole sessions, checkpoints and compacts. Every event's text is {@code e<id>} and
 * its attribute {@code of} is its id, so a row that paired an event with another's text or attributes shows. No
 * read may fail, and none may return an event, a text, a link end or a session whose forget had returned before
 * the read began.
 */
class QueriesUnderMutationTest {

  @TempDir Path dir;

  private static final String[] STATEMENTS = {
    "MATCH (e {session: $s}) RETURN e, e.text, e.of ORDER BY e.ts DESC LIMIT 5",
    "MATCH (e) WHERE e.ts >= $a AND e.ts <= $b RETURN e.id, e.text, e.of, e.session",
    "MATCH (a)-[r:REL]->(b) RETURN a.id, b.id, r, a.text, b.text, b",
    "MATCH (a)-[r:REL]->(b) AS OF $t RETURN a.id, b.id, r, properties(b)",
    "MATCH (a {session: $s}) OPTIONAL MATCH (a)-[r:REL]-(b) RETURN a.id, a.text, r, b.id, b.text",
    "MATCH (e {session: $s}) RETURN count(e) AS n, collect(e.text) AS texts, max(e.id) AS m",
    "CALL recall($q, 5) YIELD event, score RETURN event.id, event.text, event, score",
    "MATCH (e {session: $s})-[p:NEXT*1..3]->(f) RETURN e.id, f.id, f.text, p",
    "MATCH (e:user) RETURN e.session AS session, count(*) AS n ORDER BY n DESC LIMIT 4",
    "MATCH (e) WHERE similarity(e, $q) > 0.2 RETURN e.id, e.text ORDER BY e.id LIMIT 7",
    "MATCH (e:assistant) WITH e ORDER BY e.ts LIMIT 3 MATCH (e)<-[:NEXT]-(p) RETURN e, p, p.of",
    "MATCH (e {session: $s}) RETURN e.id, EXISTS { (e)-[:REL]->(x) } AS linked, COLLECT { MATCH (e)-[:REL]-(y) RETURN "
    + "y.text } AS ys, COUNT { (e)-[:REL]-() } AS c",
  };

  @Test
  void readsNeverFailNorSeeWhatWasForgottenBeforeThem() throws Exception {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    System.out.println("QueriesUnderMutationTest seed " + seed);
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withDurability(Durability.OFF))) {
      Memory m = aeon.memory();
      Set<Long> forgotten = ConcurrentHashMap.newKeySet();
      Set<String> forgottenSessions = ConcurrentHashMap.newKeySet();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      AtomicLong sessionsMade = new AtomicLong();
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        long readerSeed = seed * 31 + r;
        readers.add(Thread.ofPlatform().start(() -> {
          Random random = new Random(readerSeed);
          while (!stop.get()) {
            Set<Long> goneBefore = Set.copyOf(forgotten);
            Set<String> sessionsGoneBefore = Set.copyOf(forgottenSessions);
            String s = "s" + random.nextLong(Math.max(1, sessionsMade.get()));
            try {
              Check check = new Check(goneBefore, sessionsGoneBefore);
              switch (random.nextInt(STATEMENTS.length + 3)) {
                case 0 -> m.history(s, 1 + random.nextInt(20)).forEach(e -> check.value(e, "history"));
                case 1 -> m.get(1 + random.nextInt(2_000)).ifPresent(e -> check.value(e, "get"));
                case 2 -> m.sessions(0, 1000).sessions().forEach(name -> check.value(name, "sessions"));
                default -> {
                  int i = random.nextInt(STATEMENTS.length);
                  Map<String, Object> params = new HashMap<>();
                  params.put("s", s);
                  long a = 1_000 * random.nextInt(2_000);
                  params.put("a", a);
                  params.put("b", a + 200_000);
                  params.put("t", 1_000L * random.nextInt(2_000));
                  params.put("q", TestVectors.unit(random.nextLong()));
                  QueryResult result = m.query(STATEMENTS[i], params);
                  int n = 0;
                  for (List<Object> row : result.rows()) {
                    for (int c = 0; c < row.size(); c++) {
                      check.column(result.columns().get(c), row.get(c), STATEMENTS[i] + " row " + n + ": " + row);
                    }
                    n++;
                  }
                  if (i == 5 && sessionsGoneBefore.contains(s)) {
                    assertEquals(0L, result.rows().getFirst().getFirst(), "count of forgotten session " + s);
                  }
                }
              }
              reads.incrementAndGet();
            } catch (Throwable t) {
              failures.add(t);
            }
          }
        }));
      }
      try {
        write(m, new Random(seed), forgotten, forgottenSessions, sessionsMade, failures);
      } finally {
        stop.set(true);
        for (Thread t : readers) {
          t.join();
        }
      }
      Failures.throwIfAny("seed " + seed, failures);
      assertTrue(reads.get() > 30, "readers made only " + reads.get() + " reads");
      assertEquals(List.of(), ((DurableMemory) m).inconsistencies());
    }
  }

  /** The writer's seeded run; what it forgets goes into the sets once the forget has returned. */
  private static void write(Memory m, Random random, Set<Long> forgotten, Set<String> forgottenSessions,
      AtomicLong sessionsMade, Queue<Throwable> failures) {
    List<Long> live = new ArrayList<>();
    Map<Long, String> sessionOf = new HashMap<>();
    List<String> sessions = new ArrayList<>();
    long nextId = 1;
    for (int op = 0; op < 800 && failures.isEmpty(); op++) {
      int what = random.nextInt(100);
      if (what < 45 || live.size() < 10) {
        if (sessions.isEmpty() || random.nextInt(25) == 0) {
          sessions.add("s" + sessionsMade.get());
          sessionsMade.incrementAndGet();
        }
        String session = sessions.get(random.nextInt(sessions.size()));
        long id = nextId++;
        Remember r = Remember.event(session, random.nextBoolean() ? "user" : "assistant", "e" + id)
            .at(1_000L * op).attribute("of", id);
        if (random.nextInt(4) != 0) {
          r.vector(TestVectors.unit(id));
        }
        if (!live.isEmpty() && random.nextInt(3) == 0) {
          r.link("REL", live.get(random.nextInt(live.size())));
        }
        assertEquals(id, m.remember(r));
        live.add(id);
        sessionOf.put(id, session);
      } else if (what < 60) {
        long from = live.get(random.nextInt(live.size()));
        long to = live.get(random.nextInt(live.size()));
        long start = 1_000L * (op - random.nextInt(500));
        m.link(from, "REL", to, start, random.nextBoolean() ? Long.MAX_VALUE : start + 1_000L * random.nextInt(1, 500));
      } else if (what < 65) {
        long from = live.get(random.nextInt(live.size()));
        long to = live.get(random.nextInt(live.size()));
        try {
          m.invalidate(from, "REL", to, 1_000L * op + 1);
        } catch (IllegalArgumentException startsLater) {
          // a link made to start after this time: ending it here would leave no time it is valid at
        }
      } else if (what < 72) {
        long id = live.get(random.nextInt(live.size()));
        m.setAttributes(id, Map.of("of", id, "k", random.nextInt(10)));
      } else if (what < 88) {
        long id = live.remove(random.nextInt(live.size()));
        assertTrue(m.forget(id));
        forgotten.add(id);
      } else if (what < 91 && sessions.size() > 1) {
        String session = sessions.remove(random.nextInt(sessions.size()));
        List<Long> ids = live.stream().filter(id -> sessionOf.get(id).equals(session)).toList();
        assertEquals(ids.size(), m.forgetSession(session));
        live.removeAll(ids);
        forgotten.addAll(ids);
        forgottenSessions.add(session);
      } else if (what < 96) {
        m.checkpoint();
      } else {
        m.compact();
      }
    }
  }

  /** Checks one read's values against what was forgotten before it began. */
  private record Check(Set<Long> gone, Set<String> goneSessions) {

    void column(String name, Object v, String where) {
      if (name.endsWith(".id") && v instanceof Long id && gone.contains(id)) {
        throw new AssertionError("column " + name + " holds forgotten event " + id + " in " + where);
      }
      value(v, where);
    }

    void value(Object v, String where) {
      switch (v) {
        case Event e -> {
          if (gone.contains(e.id())) {
            throw new AssertionError("forgotten event " + e.id() + " in " + where);
          }
          if (goneSessions.contains(e.session())) {
            throw new AssertionError("event " + e.id() + " of forgotten session " + e.session() + " in " + where);
          }
          if (!e.text().equals("e" + e.id())) {
            throw new AssertionError("event " + e.id() + " with text " + e.text() + " in " + where);
          }
          // Every event has it from its remember on: an event without it is one read in part
          Object of = e.attributes().get("of");
          if (of == null || ((Number) of).longValue() != e.id()) {
            throw new AssertionError("event " + e.id() + " with attributes " + e.attributes() + " in " + where);
          }
        }
        case Link l -> {
          if (gone.contains(l.from()) || gone.contains(l.to())) {
            throw new AssertionError("link " + l + " to a forgotten event in " + where);
          }
        }
        case String s when s.startsWith("e") && s.length() > 1 && Character.isDigit(s.charAt(1)) -> {
          if (gone.contains(Long.parseLong(s.substring(1)))) {
            throw new AssertionError("text " + s + " of a forgotten event in " + where);
          }
        }
        case String s -> {
          if (goneSessions.contains(s)) {
            throw new AssertionError("forgotten session " + s + " in " + where);
          }
        }
        case List<?> list -> list.forEach(x -> value(x, where));
        case Map<?, ?> map -> {
          if (map.get("of") instanceof Long of && map.get("id") instanceof Long id && !of.equals(id)) {
            throw new AssertionError("properties of event " + id + " with the attributes of " + of + " in " + where);
          }
          if (map.get("id") instanceof Long id && gone.contains(id)) {
            throw new AssertionError("properties of forgotten event " + id + " in " + where);
          }
          map.values().forEach(x -> value(x, where));
        }
        case null, default -> { }
      }
    }
  }
}
