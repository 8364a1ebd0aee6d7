package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients over TCP against a SYNC server that closes every namespace nobody holds about every 10 ms: clients that
 * send MEM.ADD one at a time (run on their connections' threads while the namespace is open, on the pool when it was
 * just closed) beside clients that pipeline them (on the pool), each switching among three namespaces, some adds
 * malformed. Every acknowledged id is unique in its namespace, reads back with its text while the server runs, and
 * again after a restart (every acknowledged add was durable); no id the server never acknowledged exists beyond the
 * acknowledged ones' range. Seeded: the seed is in the failure message.
 */
class LightAddsUnderIdleClosesTest {

  private static final List<String> NAMESPACES = List.of("default", "n1", "n2");
  private static final int ROUNDS = 120;

  @TempDir Path dir;

  /** Acknowledged adds: namespace, then id, then text. */
  private final Map<String, Map<Long, String>> acknowledged = new ConcurrentHashMap<>();

  /** SELECTs sent (fast: run on the connections' threads), to tell the adds that ran there from them. */
  private final AtomicLong selects = new AtomicLong();

  private AeonServer start() throws Exception {
    return TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ofNanos(1))
        .withEngine(c.engine().withDurability(Durability.SYNC)));
  }

  @Test
  void everyAcknowledgedAddIsThereAfterARestart() throws Exception {
    long seed = new Random().nextLong();
    NAMESPACES.forEach(n -> acknowledged.put(n, new ConcurrentHashMap<>()));
    try (AeonServer server = start()) {
      ExecutorService clients = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          boolean pipelining = t >= 2;
          Random random = new Random(seed + t);
          String name = "c" + t;
          done.add(clients.submit(() -> {
            try (RespClient c = new RespClient(server.port())) {
              for (int round = 0; round < ROUNDS; round++) {
                String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
                if (pipelining) {
                  pipeline(c, ns, name + "-" + round, 1 + random.nextInt(6), random);
                } else {
                  single(c, ns, name + "-" + round, random);
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        clients.shutdownNow();
      }
      long inline = server.context().commandsProcessed() - server.context().commandsOnPool() - selects.get();
      assertTrue(inline > 0, "no MEM.ADD ran on its connection's thread: the test did not test that path");
      check(server, seed, "while the server runs");
    }
    try (AeonServer server = start()) {
      check(server, seed, "after a restart");
    }
  }

  private void single(RespClient c, String ns, String text, Random random) throws Exception {
    assertEquals("OK", c.call("SELECT", ns));
    selects.incrementAndGet();
    boolean malformed = random.nextInt(8) == 0;
    Object reply = c.call(add(text, malformed, random));
    note(ns, text, reply, malformed);
  }

  private void pipeline(RespClient c, String ns, String text, int adds, Random random) throws Exception {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(RespClient.encode("SELECT", ns));
    selects.incrementAndGet();
    boolean[] malformed = new boolean[adds];
    for (int i = 0; i < adds; i++) {
      malformed[i] = random.nextInt(8) == 0;
      p.writeBytes(RespClient.encode(add(text + "." + i, malformed[i], random)));
    }
    c.sendRaw(p.toByteArray());
    assertEquals("OK", c.read());
    for (int i = 0; i < adds; i++) {
      note(ns, text + "." + i, c.read(), malformed[i]);
    }
  }

  private static Object[] add(String text, boolean malformed, Random random) {
    String x = Float.toString(0.5f + random.nextFloat());
    return malformed
        ? new Object[] {"MEM.ADD", "s", "user", text, "VECTOR", "VALUES", "3", "1", x} // fewer values than said
        : new Object[] {"MEM.ADD", "s", "user", text, "VECTOR", "VALUES", "3", "1", x, "0", "AT", "1000"};
  }

  private void note(String ns, String text, Object reply, boolean malformed) {
    if (malformed) {
      assertTrue(reply instanceof RespClient.Err, "a malformed add in " + ns + " answered " + reply);
      return;
    }
    assertTrue(reply instanceof Long, "the add of " + text + " in " + ns + " answered " + reply);
    String before = acknowledged.get(ns).putIfAbsent((Long) reply, text);
    assertNull(before, "id " + reply + " of " + ns + " acknowledged twice: " + before + " and " + text);
  }

  private void check(AeonServer server, long seed, String when) throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      for (String ns : NAMESPACES) {
        assertEquals("OK", c.call("SELECT", ns));
        Map<Long, String> ids = acknowledged.get(ns);
        for (Map.Entry<Long, String> e : ids.entrySet()) {
          Object event = c.call("MEM.GET", e.getKey());
          assertTrue(event instanceof List<?> l && e.getValue().equals(l.get(9)),
              "seed " + seed + ", " + when + ": id " + e.getKey() + " of " + ns + " should be " + e.getValue()
                  + ", is " + event);
        }
        long past = ids.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        assertNull(c.call("MEM.GET", past), "seed " + seed + ", " + when + ": an id past every acknowledged one");
      }
    }
  }
}
