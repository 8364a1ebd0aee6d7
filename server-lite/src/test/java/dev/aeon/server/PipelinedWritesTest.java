package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.engine.Durability;
import dev.aeon.wal.HeldForces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A connection's pipelined writes under SYNC share forced writes of the log, as the engine's group commit lets them,
 * and still answer as one by one: in order, each seeing the writes before it, an error of one leaving the others'
 * replies as they were. Jedis pipelines, as a client sends them.
 */
class PipelinedWritesTest {

  private static final ProtocolCommand MEM_ADD = () -> SafeEncoder.encode("MEM.ADD");

  @TempDir Path dir;

  private AeonServer syncServer() throws Exception {
    return TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)));
  }

  /**
   * Failed on the code before: each MEM.ADD waited for its own forced write before the connection ran the next one,
   * so 64 pipelined writes took at least 64 forces. Now the 64 are all applied before the connection waits, once,
   * for the last one's force, and the log's flusher forces what has arrived each time it forces.
   */
  @Test
  void sixtyFourPipelinedAddsTakeFewerThanSixtyFourForcedWrites() throws Exception {
    try (AeonServer server = syncServer()) {
      long forces = forcesOfAPipelineOf64Adds(server);
      assertTrue(forces < 64, "64 pipelined writes took " + forces + " forced writes of the log");
    }
  }

  /** {@code --pipeline-forces each}, the benchmark's baseline: each write waits for its own force, as before. */
  @Test
  void withEachWriteWaitingForItselfAPipelineTakesAForcePerWrite() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC))
        .withPipelinedWritesShareForces(false))) {
      long forces = forcesOfAPipelineOf64Adds(server);
      assertTrue(forces >= 64, "64 pipelined writes took only " + forces + " forced writes of the log");
    }
  }

  /**
   * Sends 64 MEM.ADD in one Jedis pipeline after a first one (which creates the namespace); returns the forces. The
   * log's forces are held ({@link HeldForces}) while the pipeline is sent, until all 64 are applied or, where each
   * write waits for its own force, for a second: otherwise whether writes arrive while a force runs would depend on
   * how fast the disk forces against how fast the server runs a command (on a cold JIT, slower than a force).
   */
  private static long forcesOfAPipelineOf64Adds(AeonServer server) throws Exception {
    try (Jedis j = TestServer.jedis(server, RedisProtocol.RESP3)) {
      assertEquals(1L, j.sendCommand(MEM_ADD, "s", "user", "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      long before = logForces(server);
      List<Object> replies;
      try (HeldForces held = HeldForces.hold()) {
        CompletableFuture<List<Object>> sent = CompletableFuture.supplyAsync(() -> {
          try (Pipeline p = j.pipelined()) {
            for (int i = 0; i < 64; i++) {
              p.sendCommand(MEM_ADD, "s", "user", "text " + i, "VECTOR", "VALUES", "3", "1", Integer.toString(i), "0");
            }
            return p.syncAndReturnAll();
          }
        });
        assertTrue(held.awaitAForceHeld(30), "no force of the pipeline's writes was held");
        long heldSince = System.nanoTime();
        while (events(server) < 65 && System.nanoTime() - heldSince < TimeUnit.SECONDS.toNanos(1)) {
          Thread.sleep(5);
        }
        held.release();
        replies = sent.get(60, TimeUnit.SECONDS);
      }
      long forces = logForces(server) - before;
      List<Object> ids = new ArrayList<>();
      for (long id = 2; id <= 65; id++) {
        ids.add(id);
      }
      assertEquals(ids, replies);
      return forces;
    }
  }

  /**
   * Replies stay in command order, each command sees the writes before it in the pipeline, and a refused command's
   * error leaves the replies of the commands around it as they are. The pipeline goes out in one write, as a client
   * library sends it, so the server reads it whole before it answers any of it.
   */
  @Test
  void aPipelineAnswersInOrderReadsItsOwnWritesAndKeepsAnErrorToItself() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      c.call("HELLO", "3");
      List<Object[]> pipeline = List.of(
          new Object[] {"MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "2", "1", "0"},
          new Object[] {"MEM.GET", "1"},
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "1", "0", "0"}, // another dimension
          new Object[] {"MEM.ADD", "s", "user", "three", "VECTOR", "VALUES", "2", "0", "1", "LINK", "REFERS_TO", "1"},
          new Object[] {"MEM.TRACE", "s"},
          new Object[] {"VADD", "set", "VALUES", "2", "1", "0", "a"},
          new Object[] {"VADD", "set", "VALUES", "2", "0", "1", "b"},
          new Object[] {"VCARD", "set"});
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (Object[] command : pipeline) {
        all.writeBytes(RespClient.encode(command));
      }
      c.sendRaw(all.toByteArray());
      List<Object> replies = new ArrayList<>();
      for (int i = 0; i < pipeline.size(); i++) {
        replies.add(c.read());
      }
      assertEquals(1L, replies.get(0));
      assertEquals("one", text(replies.get(1)));
      assertTrue(assertInstanceOf(RespClient.Err.class, replies.get(2)).message().contains("dimension"),
          String.valueOf(replies.get(2)));
      assertEquals(2L, replies.get(3)); // the refused write took no id
      assertEquals(List.of("three", "one"),
          assertInstanceOf(List.class, replies.get(4)).stream().map(PipelinedWritesTest::text).toList());
      assertEquals(true, replies.get(5)); // VADD answers a boolean in RESP3
      assertEquals(true, replies.get(6));
      assertEquals(2L, replies.get(7));
    }
  }

  /**
   * {@code redis-cli --pipe} (the real one) feeding 500 MEM.ADD and 500 VADD under SYNC, as a bulk load does: every
   * command is acknowledged without an error, every event and element is there afterwards, and the writes shared
   * forced writes of the log (each namespace's log took fewer forces than it took writes; waiting each for its own
   * force, a write takes at least one). redis-cli sends as fast as the socket takes it, so the server finds further
   * requests buffered behind nearly every command. Skipped when redis-cli is not installed.
   */
  @Test
  void redisCliPipeLoadsEveryWriteAndSharesForces() throws Exception {
    TestServer.assumeForcesTakeTime(dir);
    assumeTrue(RedisCliTest.redisCli() != null, "redis-cli is not installed (Debian package redis-tools)");
    int n = 500;
    try (AeonServer server = syncServer()) {
      try (RespClient c = new RespClient(server.port())) { // create both namespaces, so that only the load is counted
        assertEquals(1L, c.call("MEM.ADD", "s", "user", "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
        assertEquals(1L, c.call("VADD", "piped", "VALUES", "3", "1", "0", "0", "first"));
      }
      long eventForces = logForces(server);
      long elementForces = server.context().memory("default.vset-d3").stats().logForces();
      java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < n; i++) {
        String y = Integer.toString(i + 1);
        input.writeBytes(RespClient.encode("MEM.ADD", "s", "user", "text " + i, "VECTOR", "VALUES", "3", "1", y, "0"));
        input.writeBytes(RespClient.encode("VADD", "piped", "VALUES", "3", "0", "1", y, "e" + i));
      }
      String out = RedisCliTest.run(server.port(), input.toString(java.nio.charset.StandardCharsets.UTF_8), "--pipe");
      assertTrue(out.contains("errors: 0, replies: " + 2 * n), out);
      eventForces = logForces(server) - eventForces;
      elementForces = server.context().memory("default.vset-d3").stats().logForces() - elementForces;
      try (RespClient c = new RespClient(server.port())) {
        c.call("HELLO", "3");
        assertEquals(n + 1L, assertInstanceOf(Map.class, c.call("MEM.STATS")).get("events"));
        assertEquals(List.of("text " + (n - 1), "text " + (n - 2)), assertInstanceOf(List.class,
            c.call("MEM.TRACE", "s", "COUNT", "2")).stream().map(PipelinedWritesTest::text).toList());
        assertEquals(n + 1L, c.call("VCARD", "piped"));
        for (int i = 0; i < n; i++) {
          assertEquals(true, c.call("VISMEMBER", "piped", "e" + i), "e" + i);
        }
      }
      assertTrue(eventForces < n, n + " MEM.ADD piped by redis-cli took " + eventForces + " forced writes");
      assertTrue(elementForces < n, n + " VADD piped by redis-cli took " + elementForces + " forced writes");
    }
  }

  private static long events(AeonServer server) throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.call("HELLO", "3");
      return (Long) assertInstanceOf(Map.class, c.call("MEM.STATS")).get("events");
    }
  }

  private static long logForces(AeonServer server) throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.call("HELLO", "3");
      return (Long) assertInstanceOf(Map.class, c.call("MEM.STATS")).get("log_forces");
    }
  }

  private static String text(Object event) {
    return (String) assertInstanceOf(Map.class, event).get("text");
  }
}
