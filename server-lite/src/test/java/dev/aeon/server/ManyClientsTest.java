package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients at once, each on its own virtual thread and connection, sending pipelines that mix MEM.ADD, MEM.FORGET,
 * MEM.RECALL, MEM.QUERY, MEM.TRACE, VADD, VREM, VSIM, VCARD and VISMEMBER, on namespaces and keys shared with
 * others (a key every client of a namespace adds to) and of their own, while one client drops a namespace again and
 * again (FLUSHDB, DEL) under eight more that write to it. Every reply comes in order (each pipeline ends with an ECHO
 * of its number) and is what a model of the client's own writes says, no command fails, and no client waits past
 * its socket's timeout. At the end, and again after a restart, each client's keys and session hold exactly its
 * acknowledged writes; in the dropped namespace, each write acknowledged before the last drop was sent is gone, each
 * sent after its reply is there, and each that overlapped it may be either.
 */
class ManyClientsTest {

  private static final int NAMESPACES = 6;
  private static final int STEADY = 84;
  private static final int CHURN_WRITERS = 8;
  private static final int ROUNDS = 12;
  private static final long SEED = System.nanoTime();

  @TempDir Path dir;

  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  /** Drops of the churned namespace's key (FLUSHDB or DEL) and of its events (FLUSHDB), sent and answered. */
  private final AtomicLong keyDropsSent = new AtomicLong();
  private final AtomicLong keyDropsAnswered = new AtomicLong();
  private final AtomicLong eventDropsSent = new AtomicLong();
  private final AtomicLong eventDropsAnswered = new AtomicLong();
  private final AtomicLong churnRounds = new AtomicLong();
  private final CountDownLatch churnWriting = new CountDownLatch(CHURN_WRITERS);

  @Test
  @Timeout(600)
  void everyReplyIsInOrderAndRightAndTheStateIsTheAcknowledgedWrites() throws Exception {
    System.out.println("ManyClientsTest seed " + SEED);
    Path data = dir.resolve("data");
    List<Steady> steady = new ArrayList<>();
    for (int i = 0; i < STEADY; i++) {
      steady.add(new Steady(i, new Random(SEED + i)));
    }
    List<ChurnWriter> writers = new ArrayList<>();
    for (int w = 0; w < CHURN_WRITERS; w++) {
      writers.add(new ChurnWriter(w, new Random(SEED - w - 1)));
    }
    long keyDrops;
    long eventDrops;
    try (AeonServer server = TestServer.start(data)) {
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> running = new ArrayList<>();
        for (Steady s : steady) {
          running.add(threads.submit(() -> guarded("client " + s.id, () -> s.run(server.port()))));
        }
        for (ChurnWriter w : writers) {
          running.add(threads.submit(() -> {
            guarded("churn writer " + w.id, () -> w.run(server.port()));
            churnWriting.countDown();
          }));
        }
        running.add(threads.submit(() -> guarded("dropper", () -> drop(server.port()))));
        for (Future<?> f : running) {
          f.get(300, TimeUnit.SECONDS);
        }
      }
      assertEquals(List.of(), List.copyOf(failures), "seed " + SEED);
      keyDrops = keyDropsAnswered.get();
      eventDrops = eventDropsAnswered.get();
      assertTrue(keyDrops >= 3 && eventDrops >= 1, keyDrops + " drops among the writes; seed " + SEED);
      verify(server.port(), steady, writers, keyDrops, eventDrops);
    }
    try (AeonServer restarted = TestServer.start(data)) {
      verify(restarted.port(), steady, writers, keyDrops, eventDrops);
    }
  }

  private void verify(int port, List<Steady> steady, List<ChurnWriter> writers, long keyDrops, long eventDrops)
      throws IOException {
    for (Steady s : steady) {
      s.verify(port);
    }
    try (RespClient c = connect(port, "churn")) {
      Set<String> elements = new TreeSet<>();
      for (ChurnWriter w : writers) {
        for (Write x : w.elements) {
          if (c.call("VISMEMBER", "ck", x.name).equals(true)) {
            elements.add(x.name);
          }
        }
      }
      int[] outcomes = new int[3]; // gone, either, there
      for (ChurnWriter w : writers) {
        Set<String> texts = new TreeSet<>();
        for (Object e : (List<?>) c.call("MEM.TRACE", "cs" + w.id, "COUNT", "1000000")) {
          texts.add((String) ((Map<?, ?>) e).get("text"));
        }
        for (Write x : w.elements) {
          outcomes[1 + x.check(elements.contains(x.name), keyDrops, "element")]++;
        }
        for (Write x : w.events) {
          outcomes[1 + x.check(texts.contains(x.name), eventDrops, "event")]++;
        }
      }
      System.out.println("ManyClientsTest: " + keyDrops + " drops of the churned key, " + eventDrops + " of its"
          + " namespace; of the writes to it " + outcomes[0] + " had to be gone, " + outcomes[2] + " there, and "
          + outcomes[1] + " overlapped the last drop");
      assertTrue(outcomes[2] > 0, "writes after the last drop");
    }
  }

  /** A write to the churned namespace: what was answered of the drops before it was sent, and sent after its reply. */
  private record Write(String name, long dropsAnsweredBefore, long dropsSentAfter) {
    /** Checks the write's outcome; returns 1 if it had to be there, -1 if it had to be gone, 0 if either. */
    int check(boolean found, long drops, String what) {
      if (dropsAnsweredBefore == drops) { // sent after the last drop was answered
        assertTrue(found, what + " " + name + " written after the last drop is gone; seed " + SEED);
        return 1;
      } else if (dropsSentAfter < drops) { // answered before the last drop was sent
        assertTrue(!found, what + " " + name + " written before the last drop is still there; seed " + SEED);
        return -1;
      }
      return 0;
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private void guarded(String who, Body body) {
    try {
      body.run();
    } catch (Throwable t) {
      failures.add(who + ": " + t);
    }
  }

  private static RespClient connect(int port, String namespace) throws IOException {
    return TestServer.resp3(port, namespace);
  }

  /** A pipeline: the commands, sent at once, and a check of each reply, run in order as the replies are read. */
  private static final class Pipeline {
    final List<Object[]> commands = new ArrayList<>();
    final List<Consumer<Object>> checks = new ArrayList<>();

    void add(Consumer<Object> check, Object... command) {
      commands.add(command);
      checks.add(check);
    }

    void run(RespClient c, String who, int round) throws IOException {
      String tag = who + " round " + round;
      add(r -> assertEquals(tag, r, "the pipeline's last reply"), "ECHO", tag);
      StringBuilder sent = new StringBuilder();
      for (Object[] command : commands) {
        c.send(command);
        sent.append(command[0]).append(' ');
      }
      for (int i = 0; i < checks.size(); i++) {
        Object reply = c.read();
        if (reply instanceof RespClient.Err err) {
          throw new AssertionError(tag + ", command " + i + " of " + sent + ": " + err.message());
        }
        checks.get(i).accept(reply);
      }
    }
  }

  private static List<String> texts(Object reply) {
    List<String> texts = new ArrayList<>();
    for (Object e : (List<?>) reply) {
      texts.add((String) ((Map<?, ?>) e).get("text"));
    }
    return texts;
  }

  private static Object[] vadd(String key, Random random, String element) {
    return new Object[] {"VADD", key, "VALUES", "3", "1", Integer.toString(random.nextInt(9)),
        Integer.toString(random.nextInt(9)), element};
  }

  /**
   * A client that alone writes its session {@code s<id>}, its key {@code k<id>} and its elements {@code c<id>-e<n>} of
   * the key {@code common} its namespace's other clients add to: what it reads of them is known exactly.
   */
  private static final class Steady {
    final int id;
    final Random random;
    final String namespace;
    final String session;
    final String key;
    final Set<String> own = new TreeSet<>();
    final Set<String> common = new TreeSet<>();
    /** Texts of the session's events, in order, and their ids once known. */
    final LinkedHashMap<String, Long> events = new LinkedHashMap<>();
    int nextText;

    Steady(int id, Random random) {
      this.id = id;
      this.random = random;
      this.namespace = "ns" + id % NAMESPACES;
      this.session = "s" + id;
      this.key = "k" + id;
    }

    void run(int port) throws IOException {
      try (RespClient c = connect(port, namespace)) {
        for (int round = 0; round < ROUNDS; round++) {
          pipeline().run(c, "client " + id, round);
        }
      }
    }

    /** Builds a pipeline and its checks from the model as it will be when each reply comes. */
    private Pipeline pipeline() {
      Pipeline p = new Pipeline();
      String text = "t" + id + "-" + nextText++;
      events.put(text, null);
      p.add(r -> events.put(text, (Long) r), "MEM.ADD", session, "user", text, "VECTOR", "VALUES", "3", "1",
          Integer.toString(random.nextInt(9)), "0");
      List<String> known = events.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
      if (!known.isEmpty() && random.nextInt(3) == 0) {
        String forgotten = known.get(random.nextInt(known.size()));
        long forgottenId = events.remove(forgotten);
        p.add(r -> assertEquals(1L, r, "MEM.FORGET"), "MEM.FORGET", Long.toString(forgottenId));
      }
      for (int i = 0; i < 2; i++) {
        String element = "e" + random.nextInt(12);
        boolean had = own.contains(element);
        if (random.nextInt(3) == 0) {
          own.remove(element);
          p.add(r -> assertEquals(had, r, "VREM " + key + " " + element), "VREM", key, element);
        } else {
          own.add(element);
          p.add(r -> assertEquals(!had, r, "VADD " + key + " " + element), vadd(key, random, element));
        }
      }
      String mine = "c" + id + "-e" + random.nextInt(6);
      boolean had = common.contains(mine);
      if (random.nextInt(3) == 0) {
        common.remove(mine);
        p.add(r -> assertEquals(had, r, "VREM common " + mine), "VREM", "common", mine);
      } else {
        common.add(mine);
        p.add(r -> assertEquals(!had, r, "VADD common " + mine), vadd("common", random, mine));
      }
      long size = own.size();
      Set<String> members = Set.copyOf(own);
      p.add(r -> assertEquals(size, r, "VCARD " + key), "VCARD", key);
      p.add(r -> {
        List<?> found = (List<?>) r;
        assertEquals(Math.min(3, size), found.size(), "VSIM TRUTH " + key + ": " + found);
        assertTrue(members.containsAll(found), "VSIM " + key + ": " + found + " not among " + members);
      }, "VSIM", key, "VALUES", "3", "1", "1", "1", "COUNT", "3", "TRUTH");
      p.add(r -> assertTrue(((List<?>) r).size() <= 5, "VSIM common"), "VSIM", "common", "VALUES", "3", "1", "0", "1",
          "COUNT", "5");
      boolean isMember = common.contains(mine);
      p.add(r -> assertEquals(isMember, r, "VISMEMBER common " + mine), "VISMEMBER", "common", mine);
      List<String> texts = List.copyOf(events.keySet());
      List<String> lastThree = new ArrayList<>(texts.subList(Math.max(0, texts.size() - 3), texts.size()));
      java.util.Collections.reverse(lastThree);
      p.add(r -> assertEquals(lastThree, texts(r), "MEM.TRACE " + session), "MEM.TRACE", session, "COUNT", "3");
      p.add(r -> assertEquals(List.of(List.of((long) texts.size())), ((Map<?, ?>) r).get("rows"), "MEM.QUERY count"),
          "MEM.QUERY", "MATCH (e {session: $s}) RETURN count(e) AS n", "s", session);
      p.add(r -> assertTrue(texts.containsAll(texts(r)), "MEM.RECALL in " + session + ": " + texts(r)),
          "MEM.RECALL", "VALUES", "3", "1", "0", "0", "COUNT", "4", "SESSION", session);
      return p;
    }

    void verify(int port) throws IOException {
      try (RespClient c = connect(port, namespace)) {
        for (int e = 0; e < 12; e++) {
          assertEquals(own.contains("e" + e), c.call("VISMEMBER", key, "e" + e), "client " + id + " e" + e);
        }
        assertEquals((long) own.size(), c.call("VCARD", key), "client " + id + " VCARD");
        for (int e = 0; e < 6; e++) {
          String mine = "c" + id + "-e" + e;
          assertEquals(common.contains(mine), c.call("VISMEMBER", "common", mine), "client " + id + " " + mine);
        }
        List<String> texts = texts(c.call("MEM.TRACE", session, "COUNT", "1000000"));
        List<String> expected = new ArrayList<>(events.keySet());
        java.util.Collections.reverse(expected);
        assertEquals(expected, texts, "client " + id + " events; seed " + SEED);
      }
    }
  }

  /** A client of the namespace {@code churn}, which the dropper flushes and whose key {@code ck} it deletes. */
  private final class ChurnWriter {
    final int id;
    final Random random;
    final List<Write> elements = new ArrayList<>();
    final List<Write> events = new ArrayList<>();

    ChurnWriter(int id, Random random) {
      this.id = id;
      this.random = random;
    }

    void run(int port) throws IOException {
      try (RespClient c = connect(port, "churn")) {
        for (int round = 0; round < ROUNDS * 2; round++) {
          long keyDropsBefore = keyDropsAnswered.get();
          long eventDropsBefore = eventDropsAnswered.get();
          String element = "w" + id + "-e" + round;
          String text = "w" + id + "-t" + round;
          Pipeline p = new Pipeline();
          p.add(r -> {
            assertTrue(r instanceof Long, "MEM.ADD " + r);
            events.add(new Write(text, eventDropsBefore, eventDropsSent.get()));
          }, "MEM.ADD", "cs" + id, "user", text, "VECTOR", "VALUES", "3", "1", Integer.toString(random.nextInt(9)),
              "0");
          p.add(r -> {
            assertEquals(true, r, "VADD ck " + element);
            elements.add(new Write(element, keyDropsBefore, keyDropsSent.get()));
          }, vadd("ck", random, element));
          p.add(r -> assertTrue(((List<?>) r).size() <= 3, "VSIM ck"), "VSIM", "ck", "VALUES", "3", "1", "1", "0",
              "COUNT", "3");
          p.add(r -> assertTrue((Long) r >= 0, "VCARD ck"), "VCARD", "ck");
          p.add(r -> assertTrue(texts(r).stream().allMatch(t -> t.startsWith("w" + id + "-")), "MEM.TRACE " + r),
              "MEM.TRACE", "cs" + id, "COUNT", "2");
          p.add(r -> assertTrue(r instanceof List<?>, "MEM.RECALL " + r), "MEM.RECALL", "VALUES", "3", "1", "0", "0",
              "COUNT", "2");
          p.add(r -> assertTrue(((Map<?, ?>) r).get("rows") instanceof List<?>, "MEM.QUERY " + r), "MEM.QUERY",
              "MATCH (e) RETURN count(e)");
          p.run(c, "churn writer " + id, round);
          churnRounds.incrementAndGet();
        }
      }
    }
  }

  /** Drops the churned namespace's key or the whole namespace, until the writers are three quarters through. */
  private void drop(int port) throws IOException {
    Random random = new Random(SEED);
    try (RespClient c = connect(port, "churn")) {
      // (and not past the writers' end, if one failed)
      while (churnRounds.get() < CHURN_WRITERS * ROUNDS * 2 * 3 / 4 && churnWriting.getCount() > 0) {
        if (random.nextInt(3) == 0) {
          eventDropsSent.incrementAndGet();
          keyDropsSent.incrementAndGet();
          assertEquals("OK", c.call("FLUSHDB"), "FLUSHDB");
          eventDropsAnswered.incrementAndGet();
          keyDropsAnswered.incrementAndGet();
        } else {
          keyDropsSent.incrementAndGet();
          Object deleted = c.call("DEL", "ck");
          assertTrue(deleted.equals(0L) || deleted.equals(1L), "DEL " + deleted);
          keyDropsAnswered.incrementAndGet();
        }
      }
    }
  }
}
