package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server closes namespaces that no command used for a while, and opens them again on the next one. */
class NamespaceIdleTest {

  @TempDir
  Path dir;

  @Test
  void anUnusedNamespaceIsClosedAndOpensAgainOnItsNextCommand() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ofMillis(200)));
         RespClient c = new RespClient(server.port())) {
      c.call("SELECT", "agent-1");
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "before", "VECTOR", "VALUES", "2", "1", "0"));
      assertTrue(server.context().openNamespaces().contains("agent-1"));
      TestServer.awaitClosedAsIdle(server, "agent-1");
      assertFalse(((String) c.call("INFO", "keyspace")).contains("agent-1"), "INFO opened it again");
      assertEquals(2L, c.call("MEM.ADD", "s", "user", "after", "VECTOR", "VALUES", "2", "0", "1"));
      assertEquals(2, assertInstanceOf(List.class, c.call("MEM.TRACE", "s")).size());
    }
  }

  /**
   * A vector set's namespace closed as idle comes back, on the next command, as a new instance of the namespace, as one
   * reopened after its log failed does; the closed one closed cleanly, so the set, read from it, agrees with the new
   * one without being read again (VectorSetsAfterAnIdleCloseTest counts the loads), and answers, reads and writes as
   * before.
   */
  @Test
  void aVectorSetWhoseNamespaceClosedAsIdleAnswersAsBefore() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ofMillis(200)));
         RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "2", "1", "0", "a"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "2", "0", "1", "b", "SETATTR", "{\"n\":2}"));
      TestServer.awaitClosedAsIdle(server, "default.vset-d2");
      assertEquals(2L, c.call("VCARD", "set"));
      assertEquals("{\"n\":2}", c.call("VGETATTR", "set", "b"));
      assertEquals(List.of("b"), c.call("VSIM", "set", "VALUES", "2", "0", "1", "COUNT", "1"));
      assertEquals(1L, c.call("VREM", "set", "a"));
      assertEquals(0L, c.call("VISMEMBER", "set", "a"));
      assertEquals(1L, c.call("VCARD", "set"));
    }
  }

  /** INFO keyspace reports the open namespaces without using them: a monitor polling it keeps none open. */
  @Test
  void infoKeyspaceDoesNotKeepANamespaceOpen() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ofMillis(300)));
         RespClient c = new RespClient(server.port())) {
      c.call("SELECT", "agent-1");
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "2", "1", "0"));
      String keyspace = (String) c.call("INFO", "keyspace");
      assertTrue(keyspace.contains("agent-1:events=1") && keyspace.contains(",index_merges_waiting=0"), keyspace);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.context().openNamespaces().contains("agent-1")) {
        assertTrue(System.nanoTime() < deadline, "INFO keyspace kept the namespace open");
        c.call("INFO", "keyspace");
        Thread.sleep(50);
      }
    }
  }

  /**
   * A stop while the closer closes namespaces: the stop's checkpoint must neither meet a namespace the closer
   * is closing nor skip closing the engine (whose namespaces would then stay open, their logs locked).
   */
  @Test
  void aStopWhileIdleNamespacesCloseClosesTheEngine() throws Exception {
    for (int round = 0; round < 5; round++) {
      Path data = dir.resolve("round-" + round);
      try (AeonServer server = TestServer.start(data, c -> c.withNamespaceIdle(Duration.ofNanos(1)));
           RespClient c = new RespClient(server.port())) {
        for (int n = 0; n < 40; n++) {
          assertEquals("OK", c.call("SELECT", "agent-" + n));
          assertEquals(1L, c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "2", "1", "0"));
        }
        server.close();
      }
      try (Aeon aeon = Aeon.open(data, AeonOptions.defaults())) {
        for (int n = 0; n < 40; n++) {
          assertEquals(1, aeon.namespace("agent-" + n).stats().events(), "round " + round + ", agent-" + n);
        }
      }
    }
  }

  @Test
  void noCommandMeetsANamespaceClosedUnderIt() throws Exception {
    int clients = 4;
    int rounds = 100;
    // Closed as soon as no command holds them: the closer runs every 10 ms, between almost every two commands.
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ofNanos(1)))) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int n = 0; n < clients; n++) {
          String ns = "agent-" + (n % 2);
          String session = "s" + n;
          work.add(pool.submit(() -> {
            try (RespClient c = new RespClient(server.port())) {
              assertEquals("OK", c.call("SELECT", ns));
              for (int i = 0; i < rounds; i++) {
                Object id = c.call("MEM.ADD", session, "user", "turn " + i, "VECTOR", "VALUES", "2", "1", "" + i);
                assertInstanceOf(Long.class, id, String.valueOf(id));
                Object hits = c.call("MEM.RECALL", "VALUES", "2", "1", "" + i, "COUNT", "1", "SESSION", session);
                assertEquals(1, assertInstanceOf(List.class, hits, String.valueOf(hits)).size());
                Object added = c.call("VADD", "set-" + session, "VALUES", "2", "1", "" + i, "e" + i);
                assertInstanceOf(Long.class, added, String.valueOf(added));
              }
              assertEquals(rounds, assertInstanceOf(List.class, c.call("MEM.TRACE", session, "COUNT", "1000")).size());
              assertEquals((long) rounds, c.call("VCARD", "set-" + session));
            }
            return null;
          }));
        }
        for (Future<?> f : work) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
