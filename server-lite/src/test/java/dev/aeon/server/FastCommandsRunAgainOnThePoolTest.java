package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.engine.Durability;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast command that meets, on its connection's thread, a vector set to load or a namespace to open stops there and
 * runs again from its start on the pool ({@code NeedsThePool}): so it must have changed nothing and written none of its
 * reply before it stopped. These tests run such commands where a doubled or half-done run would show: inside a pipeline
 * whose writes do not wait for their forces (the replies held for them, {@code DurableReplies}), a SELECT that goes to
 * the pool before the writes that follow it, and a write (UNLINK of one key) that goes to the pool: each write is made
 * once (its reply says so, and the namespace's log holds one record for it), each reply comes once and in order, and
 * no client hears of the stop. They passed on the code they review (they check it, they do not mend it).
 */
class FastCommandsRunAgainOnThePoolTest {

  @TempDir Path dir;

  @AfterEach
  void removeTheHook() {
    ServerContext.afterConnectionThreadCheck = null;
  }

  private AeonServer start() throws Exception {
    return start(Duration.ofHours(1));
  }

  /** {@code Duration.ZERO}: a namespace closes as idle only when the test asks ({@code closeIdleNamespaces}). */
  private AeonServer start(Duration namespaceIdle) throws Exception {
    return TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC))
        .withNamespaceIdle(namespaceIdle));
  }

  private final PoolCount pool = new PoolCount();


  private static long lastLsn(RespClient c) throws Exception {
    return (Long) assertInstanceOf(Map.class, c.call("MEM.STATS")).get("last_lsn");
  }

  /**
   * After a restart (no set loaded, no namespace open), one pipeline: writes that do not wait, an UNLINK and reads of
   * sets not loaded, a SELECT of a namespace closed and a write into it, each of the fast ones run on its connection's
   * thread first and again on the pool. Every reply is the one the commands run once and in order would give, and the
   * namespaces' logs hold one record a write.
   */
  @Test
  void aPipelineOfCommandsRunAgainOnThePoolWritesEachOnceAndAnswersInOrder() throws Exception {
    long defaultLsn;
    long agentLsn;
    try (AeonServer server = start(); RespClient c = TestServer.resp3(server, "0")) {
      for (String element : List.of("a", "b", "c")) {
        assertEquals(true, c.call("VADD", "gone", "VALUES", "3", "1", "0", "0", element));
        assertEquals(true, c.call("VADD", "kept", "VALUES", "3", "0", "1", "0", element));
      }
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "zero", "VECTOR", "VALUES", "3", "1", "0", "0"));
      defaultLsn = lastLsn(c);
      assertEquals("OK", c.call("SELECT", "agent"));
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      agentLsn = lastLsn(c);
    }
    try (AeonServer server = start(); RespClient c = TestServer.resp3(server, "0")) {
      List<Object[]> commands = List.of(
          new Object[] {"MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"UNLINK", "gone"}, // not loaded: stops, and deletes it on the pool
          new Object[] {"EXISTS", "gone", "kept"},
          new Object[] {"VCARD", "kept"},
          new Object[] {"VISMEMBER", "kept", "b"},
          new Object[] {"SELECT", "agent"}, // on disk, not open: stops, and opens it on the pool
          new Object[] {"MEM.ADD", "s", "user", "second", "VECTOR", "VALUES", "3", "0", "0", "1"},
          new Object[] {"SELECT", "0"},
          new Object[] {"UNLINK", "gone"},
          new Object[] {"UNLINK", "kept"}, // loaded now: a write that does not wait
          new Object[] {"DBSIZE"},
          new Object[] {"ECHO", "end"});
      List<Object> expected = List.of(2L, 1L, 1L, 3L, true, "OK", 2L, "OK", 0L, 1L, 0L, "end");
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      for (Object[] command : commands) {
        pipeline.write(RespClient.encode(command));
      }
      c.sendRaw(pipeline.toByteArray());
      List<Object> replies = new ArrayList<>();
      for (int i = 0; i < commands.size(); i++) {
        replies.add(c.read());
      }
      assertEquals(expected, replies, "the pipeline's replies, once each and in order");

      // One log record a write: the MEM.ADD into each namespace, nothing else there.
      assertEquals(defaultLsn + 1, lastLsn(c), "records logged in namespace default by the pipeline");
      assertEquals("OK", c.call("SELECT", "agent"));
      assertEquals(agentLsn + 1, lastLsn(c), "records logged in namespace agent by the pipeline");
      assertEquals("second", assertInstanceOf(Map.class, c.call("MEM.GET", "2")).get("text"));
    }
    try (AeonServer server = start(); RespClient c = TestServer.resp3(server, "0")) {
      assertEquals(0L, c.call("EXISTS", "gone", "kept"), "both sets deleted, durably");
      assertEquals(0L, c.call("DBSIZE"));
    }
  }

  /**
   * A light VADD leases its set's namespace on its connection's thread, then finds the set dropped (another client's
   * DEL, made while the VADD is held between its check and its lease by {@link
   * ServerContext#afterConnectionThreadCheck}) and stops, to run again on the pool: the lease it took is given back, so
   * that the namespace can close as idle once the command has ended (a lease kept would keep it open for good), and
   * the VADD is made once (its reply: a new element). The namespace still open, the lease succeeds; it is the set,
   * read again, that sends the VADD to the pool: before, the VADD loaded it on the connection's thread (this test's
   * first version failed there).
   */
  @Test
  void aLeaseTakenBeforeTheStopIsGivenBack() throws Exception {
    try (AeonServer server = start(Duration.ZERO); RespClient c = new RespClient(server.port());
        RespClient other = new RespClient(server.port())) {
      long before = pool.of(c);
      Object reply = vaddOfCWith(server, c, other, (s, o) -> assertEquals(1L, o.call("DEL", "set")));
      assertEquals(1L, reply, "the VADD, made once, of a new element");
      assertEquals(before + 3, pool.of(c), "the set's first VADD, the DEL, and the VADD that stopped and ran again"
          + " on the pool");
      assertTrue(server.context().closeIdleNamespaces().contains("default.vset-d3"),
          "the set's namespace closes once no command runs: no lease of it was kept");
      assertEquals(1L, c.call("VCARD", "set"));
      assertEquals(1L, c.call("VISMEMBER", "set", "c"));
    }
  }

  /** Something another client or the server does while a light VADD is held between its check and its lease. */
  @FunctionalInterface
  private interface Meanwhile {
    void run(AeonServer server, RespClient other) throws Exception;
  }

  /**
   * Sets "set" to elements a and b (the second VADD found light), then sends a light VADD of element c, runs {@code
   * meanwhile} while it is held between its check and its lease, and returns the VADD's reply.
   */
  private Object vaddOfCWith(AeonServer server, RespClient c, RespClient other, Meanwhile meanwhile) throws Exception {
    assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
    assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    AtomicBoolean taken = new AtomicBoolean();
    ServerContext.afterConnectionThreadCheck = () -> {
      if (taken.compareAndSet(false, true)) {
        held.countDown();
        Uninterruptibly.await(released::await);
      }
    };
    CompletableFuture<Object> vadd = CompletableFuture.supplyAsync(() -> {
      try {
        return c.call("VADD", "set", "VALUES", "3", "0", "0", "1", "c");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      assertTrue(held.await(30, TimeUnit.SECONDS), "the VADD was never found light");
      meanwhile.run(server, other);
    } finally {
      released.countDown();
    }
    return vadd.get(30, TimeUnit.SECONDS);
  }

  /**
   * The set's namespace closes as idle between a light VADD's check and its lease: the lease fails, and the VADD runs
   * on the pool, where it opens the namespace again and adds to the set as it was (a, b and now c).
   */
  @Test
  void aLightVaddWhoseNamespaceClosesBeforeItsLeaseAddsToTheSetOnThePool() throws Exception {
    try (AeonServer server = start(Duration.ZERO); RespClient c = new RespClient(server.port());
        RespClient other = new RespClient(server.port())) {
      Object reply = vaddOfCWith(server, c, other, (s, o) -> assertTrue(
          s.context().closeIdleNamespaces().contains("default.vset-d3"), "the set's namespace closed as idle"));
      assertEquals(1L, reply, "c is a new element, added once");
      assertEquals(3L, c.call("VCARD", "set"));
    }
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      assertEquals(3L, c.call("VCARD", "set"), "after a restart");
    }
  }

  /**
   * A FLUSHDB between a light VADD's check and its lease drops the set and its namespace: the VADD, on the pool, makes
   * a new set of c alone, as a VADD after the FLUSHDB does.
   */
  @Test
  void aLightVaddAfterAFlushdbBeforeItsLeaseMakesANewSet() throws Exception {
    try (AeonServer server = start(); RespClient c = new RespClient(server.port());
        RespClient other = new RespClient(server.port())) {
      Object reply = vaddOfCWith(server, c, other, (s, o) -> assertEquals("OK", o.call("FLUSHDB")));
      assertEquals(1L, reply);
      assertEquals(1L, c.call("VCARD", "set"));
      assertEquals(1L, c.call("VISMEMBER", "set", "c"));
    }
    try (AeonServer server = start(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VCARD", "set"), "after a restart");
    }
  }
}
