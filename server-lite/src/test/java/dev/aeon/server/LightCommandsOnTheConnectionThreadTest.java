package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MEM.ADD whose vector is given as numbers, into a namespace open already and with no further request of its client
 * buffered behind it, runs on its connection's thread instead of being handed to the pool of command threads and back
 * (two wake-ups a command); every other command not flagged fast still runs on the pool: one that embeds, opens a
 * namespace, searches, or is followed by more of a pipeline. INFO stats' {@code total_commands_on_command_pool} counts
 * the pool's. Failed on the code before (no such field: every such command ran on the pool).
 */
class LightCommandsOnTheConnectionThreadTest {

  @TempDir Path dir;

  private AeonServer syncServer() throws Exception {
    return TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)));
  }

  private final PoolCount pool = new PoolCount();


  private static Object add(RespClient c, String text, String... vector) throws Exception {
    Object[] args = new Object[4 + vector.length];
    args[0] = "MEM.ADD";
    args[1] = "s";
    args[2] = "user";
    args[3] = text;
    System.arraycopy(vector, 0, args, 4, vector.length);
    return c.call(args);
  }

  @Test
  void aMemAddWithItsVectorIntoAnOpenNamespaceIsNotHandedToThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      long start = pool.of(c);
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertEquals(start + 1, pool.of(c), "the first opens (creates) the namespace: on the pool");
      for (long id = 2; id <= 11; id++) {
        assertEquals(id, add(c, "text " + id, "VECTOR", "VALUES", "3", "1", Long.toString(id), "0", "AT", "1000",
            "ATTRS", "{\"k\": 1}", "LINK", "follows", Long.toString(id - 1)));
      }
      assertEquals(start + 1, pool.of(c), "ten more, each alone, ran on the connection's thread");
      assertInstanceOf(java.util.List.class, c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "COUNT", "3"));
      assertEquals(start + 2, pool.of(c), "a search runs on the pool");
      assertInstanceOf(RespClient.Err.class, add(c, "embedded", "VECTOR", "TEXT", "hello"));
      assertEquals(start + 3, pool.of(c), "a vector to embed (refused here, without an embedder) goes to the pool");
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "VECTOR", "VALUES", "-1"));
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "VECTOR", "VALUES", "3", "1"));
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "NOSUCHOPTION"));
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "VECTOR", "VALUES", "3", "1", "x", "0"));
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "VECTOR", "VALUES", "3", "1", "0", "0", "AT", "soon"));
      assertEquals(start + 8, pool.of(c), "a malformed one is left to the pool, which says what is wrong");
    }
  }

  @Test
  void aPipelinesWritesBeforeItsLastRunOnThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      long before = pool.of(c);
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      for (int i = 0; i < 5; i++) {
        pipeline.write(RespClient.encode("MEM.ADD", "s", "user", "p" + i, "VECTOR", "VALUES", "3", "1", "1", "0"));
      }
      c.sendRaw(pipeline.toByteArray()); // one write: the server reads the five at once
      for (long id = 2; id <= 6; id++) {
        assertEquals(id, c.read());
      }
      long pooled = pool.of(c) - before;
      assertTrue(pooled >= 4, "the four with a request behind them ran on the pool; pooled " + pooled);
    }
  }

  /**
   * A MEM.ADD that brings more than 64 KiB of arguments (here a text of 100 KiB) runs on the pool: parsing and logging
   * it on the connection's thread would hold the carrier every other client's thread shares. Failed on the code
   * before: it ran on the connection's thread.
   */
  @Test
  void aMemAddOfALargeTextRunsOnThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      long before = pool.of(c);
      assertEquals(2L, add(c, "x".repeat(100 << 10), "VECTOR", "VALUES", "3", "0", "1", "0"));
      assertEquals(before + 1, pool.of(c), "the large one ran on the pool");
      assertEquals(3L, add(c, "y".repeat(60 << 10), "VECTOR", "VALUES", "3", "0", "0", "1"));
      assertEquals(before + 1, pool.of(c), "one of 60 KiB still ran on the connection's thread");
    }
  }

  /**
   * Run on the connection's thread, a MEM.ADD under SYNC is still answered only once its forced write is done: its
   * reply waits while the log's forces are held, and comes once they are let through.
   */
  @Test
  void onTheConnectionsThreadAWriteIsAnsweredOnlyOnceDurable() throws Exception {
    TestServer.assumeForcesTakeTime(dir);
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertAnsweredOnlyOnceDurable(c, 2L, "MEM.ADD", "s", "user", "second", "VECTOR", "VALUES", "3", "0", "1", "0");
    }
  }

  /** The same of a VADD to a set loaded already, on the connection's thread too. */
  @Test
  void onTheConnectionsThreadAVaddIsAnsweredOnlyOnceDurable() throws Exception {
    TestServer.assumeForcesTakeTime(dir);
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      assertAnsweredOnlyOnceDurable(c, 1L, "VADD", "set", "VALUES", "3", "0", "1", "0", "b");
      assertEquals(2L, c.call("VCARD", "set"));
    }
  }

  /** Sends {@code command} while the log's forces are held: no reply until they are let through, then {@code want}. */
  private void assertAnsweredOnlyOnceDurable(RespClient c, Object want, Object... command) throws Exception {
    long before = pool.of(c);
    CompletableFuture<Object> reply;
    try (HeldForces held = HeldForces.hold()) {
      reply = CompletableFuture.supplyAsync(() -> {
        try {
          return c.call(command);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(held.awaitAForceHeld(30), "the write asked for a force");
      try {
        Object early = reply.get(300, TimeUnit.MILLISECONDS);
        throw new AssertionError("answered before its force was done: " + early);
      } catch (TimeoutException expected) {
        // waiting for the force, as it should
      }
      held.release();
      assertEquals(want, reply.get(30, TimeUnit.SECONDS));
    }
    assertEquals(before, pool.of(c), "it ran on the connection's thread");
  }

  /**
   * A VADD with its vector given as numbers (VALUES or FP32), to a set loaded already whose namespace is open as the
   * instance its elements were read from or written to, runs on the connection's thread, a new element or a replaced
   * one, with any option; the first (which creates the set and its namespace), one to embed, one to another set not
   * loaded yet, and a malformed one run on the pool.
   */
  @Test
  void aVaddWithItsVectorToALoadedSetIsNotHandedToThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      long start = pool.of(c);
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "e0"));
      assertEquals(start + 1, pool.of(c), "the first creates the set and its namespace: on the pool");
      for (int i = 1; i <= 5; i++) {
        assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", Integer.toString(i), "0", "e" + i, "CAS", "Q8",
            "EF", "200", "M", "16", "SETATTR", "{\"i\": " + i + "}"));
      }
      assertEquals(1L, c.call("VADD", "set", "FP32", fp32(0, 0, 1), "e6"));
      assertEquals(0L, c.call("VADD", "set", "VALUES", "3", "0", "1", "1", "e1"), "e1 replaced, its attributes kept");
      assertEquals("{\"i\": 1}", c.call("VGETATTR", "set", "e1"));
      assertEquals(start + 1, pool.of(c), "seven more, each alone, ran on the connection's thread");
      assertEquals(7L, c.call("VCARD", "set"));

      assertInstanceOf(RespClient.Err.class, c.call("VADD", "set", "TEXT", "hello", "e7"));
      assertEquals(start + 2, pool.of(c), "a vector to embed (refused here, without an embedder) goes to the pool");
      assertEquals(1L, c.call("VADD", "other", "VALUES", "3", "1", "0", "0", "e0"));
      assertEquals(start + 3, pool.of(c), "a set not in memory yet is loaded on the pool");
      assertInstanceOf(RespClient.Err.class, c.call("VADD", "set", "VALUES", "3", "1", "0"));
      assertInstanceOf(RespClient.Err.class, c.call("VADD", "set", "VALUES", "x", "1", "0", "0", "e8"));
      assertInstanceOf(RespClient.Err.class, c.call("VADD", "set", "REDUCE", "2", "VALUES", "3", "1", "0", "0", "e8"));
      assertEquals(start + 6, pool.of(c), "a malformed one is left to the pool, which says what is wrong");
      assertEquals(7L, c.call("VCARD", "set"));
    }
  }

  /**
   * A VADD is light only as VADD's own parser reads it: one malformed after its vector's keyword, which an index scan
   * of the vector form beside the parser took for light (a number that is none, an FP32 blob of 5 bytes, a count
   * written "+3" or so large that the element's index overflowed, an unknown or refused option after the element),
   * goes to the pool, which says what is wrong; the set is unchanged. Failed on the code before: all seven ran on the
   * connection's thread (expected 7 more commands on the pool, was 0).
   */
  @Test
  void aVaddIsLightOnlyAsItsOwnParserReadsIt() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "e0"));
      long before = pool.of(c);
      Object[][] malformed = {
          {"VADD", "set", "VALUES", "3", "1", "x", "0", "e1"},
          {"VADD", "set", "FP32", new byte[5], "e1"},
          {"VADD", "set", "VALUES", "+3", "1", "0", "0", "e1"},
          {"VADD", "set", "VALUES", Integer.toString(Integer.MAX_VALUE), "1", "0", "0", "e1"},
          {"VADD", "set", "VALUES", "3", "1", "0", "0", "e1", "NOSUCHOPTION"},
          {"VADD", "set", "VALUES", "3", "1", "0", "0", "e1", "BIN"},
          {"VADD", "set", "VALUES", "3", "1", "0", "0", "e1", "EF", "many"}};
      for (Object[] command : malformed) {
        assertInstanceOf(RespClient.Err.class, c.call(command), java.util.Arrays.deepToString(command));
      }
      assertEquals(before + malformed.length, pool.of(c), "each malformed one is left to the pool");
      assertEquals(1L, c.call("VCARD", "set"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "e1", "EF", "200"));
      assertEquals(before + malformed.length, pool.of(c), "a well-formed one still runs on the connection's thread");
    }
  }

  /**
   * A set is loaded, and its namespace opened, on the pool: after a restart the first VADD to a set runs there, as
   * does a fast read (VCARD) that loads one; a VADD after that read does not. One whose namespace was closed as idle
   * meanwhile runs there.
   */
  @Test
  void aVaddToASetNotLoadedOrWhoseNamespaceIsClosedRunsOnThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(1L, c.call("VADD", "loaded", "VALUES", "3", "1", "0", "0", "a"));
    }
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      long start = pool.of(c);
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
      assertEquals(start + 1, pool.of(c), "the set is loaded on the pool");
      assertEquals(1L, c.call("VCARD", "loaded"));
      assertEquals(start + 2, pool.of(c), "a fast read loads its set on the pool too");
      assertEquals(1L, c.call("VADD", "loaded", "VALUES", "3", "0", "1", "0", "b"));
      assertEquals(start + 2, pool.of(c), "a set a fast read loaded, its namespace open: the connection's thread");
    }
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC))
        .withNamespaceIdle(Duration.ofMillis(100)));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "0", "1", "c"));
      TestServer.awaitClosedAsIdle(server, "default.vset-d3");
      long before = pool.of(c);
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "1", "0", "d"));
      assertEquals(before + 1, pool.of(c), "its namespace closed as idle: opened again on the pool");
      assertEquals(4L, c.call("VCARD", "set"));
    }
  }

  /**
   * A VADD to a set whose namespace failed (its log's force failed in the background, under ASYNC, with nobody waiting
   * for it) runs on the pool: the engine reopens the namespace, recovering it from its log, and the set is read again.
   * Failed with the namespace's failed instance taken as open (it is, until its next use reopens it).
   */
  @Test
  void aVaddToASetWhoseNamespaceFailedRunsOnThePool() throws Exception {
    assertAWriteToAFailedNamespaceRunsOnThePool("default.vset-d3",
        new Object[] {"VADD", "set", "VALUES", "3", "1", "0", "0", "a"},
        new Object[] {"VADD", "set", "VALUES", "3", "0", "1", "0", "b"},
        new Object[] {"VADD", "set", "VALUES", "3", "0", "0", "1", "c"}, 1L);
  }

  /** The same of a MEM.ADD: it ran on the connection's thread, reopening the namespace there, on the code before. */
  @Test
  void aMemAddToAFailedNamespaceRunsOnThePool() throws Exception {
    assertAWriteToAFailedNamespaceRunsOnThePool("default",
        new Object[] {"MEM.ADD", "s", "user", "a", "VECTOR", "VALUES", "3", "1", "0", "0"},
        new Object[] {"MEM.ADD", "s", "user", "b", "VECTOR", "VALUES", "3", "0", "1", "0"},
        new Object[] {"MEM.ADD", "s", "user", "c", "VECTOR", "VALUES", "3", "0", "0", "1"}, 2L);
  }

  /**
   * Under ASYNC: {@code first} acknowledged and forced, {@code unawaited} answered before its force, which then fails
   * (the log's files put back as forced, as a failed fsync may leave them); {@code after}, sent alone, must run on the
   * pool and answer {@code want}.
   */
  private void assertAWriteToAFailedNamespaceRunsOnThePool(String storage, Object[] first, Object[] unawaited,
      Object[] after, Object want) throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.ASYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call(first));
      server.context().memory(storage).checkpoint(); // forces the log: first is there whatever comes
      ForcedLog forced = ForcedLog.of(dir.resolve("ns").resolve(storage).resolve("wal"));
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
      long before;
      try (HeldForces forces = HeldForces.hold()) {
        assertInstanceOf(Long.class, c.call(unawaited), "answered before its force");
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        before = pool.of(c);
        Memory failing = server.context().ifOpen(storage).orElseThrow();
        forces.fail();
        assertThrows(RuntimeException.class, failing::checkpoint, "a checkpoint of the failed namespace");
        forced.putBack(); // as a failed fsync may leave it
      } finally {
        System.setErr(stderr);
      }
      assertEquals(want, c.call(after));
      assertEquals(before + 1, pool.of(c), "the failed namespace is reopened on the pool");
    }
  }

  /** A pipeline's VADDs before its last run on the pool, as its MEM.ADDs do. */
  @Test
  void aPipelinesVaddsBeforeItsLastRunOnThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      long before = pool.of(c);
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      for (int i = 0; i < 5; i++) {
        pipeline.write(RespClient.encode("VADD", "set", "VALUES", "3", "1", "1", Integer.toString(i), "p" + i));
      }
      c.sendRaw(pipeline.toByteArray()); // one write: the server reads the five at once
      for (int i = 0; i < 5; i++) {
        assertEquals(1L, c.read());
      }
      long pooled = pool.of(c) - before;
      assertTrue(pooled >= 4, "the four with a request behind them ran on the pool; pooled " + pooled);
    }
  }

  private static byte[] fp32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  /**
   * {@code --light-writes pool} ({@link ServerConfig#lightWritesOnConnectionThread} false), the baseline of {@code
   * ./aeon bench server --light-writes}: every MEM.ADD and VADD that would run on its connection's thread runs on the
   * pool instead, one count each; the commands that are fast whatever their arguments (PING, VCARD) stay on the
   * connection's thread.
   */
  @Test
  void withLightWritesOnThePoolEveryLightWriteRunsThere() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withLightWritesOnConnectionThread(false));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "e0"));
      long before = pool.of(c);
      for (int i = 1; i <= 10; i++) {
        assertEquals(i + 1L, add(c, "text " + i, "VECTOR", "VALUES", "3", "1", Integer.toString(i), "0"));
        assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", Integer.toString(i), "0", "e" + i));
        assertEquals(before + 2L * i, pool.of(c), "MEM.ADD and VADD " + i + " each ran on the pool");
      }
      assertEquals("PONG", c.call("PING"));
      assertEquals(11L, c.call("VCARD", "set"));
      assertEquals(before + 20, pool.of(c), "PING and VCARD of a loaded set: the connection's thread");
    }
  }
}
