package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  /** INFO calls made so far: INFO is not fast, and each counts itself. */
  private long infos;

  /** The commands run on the pool, less the INFO calls that asked (each of them counted). */
  private long onPool(RespClient c) throws Exception {
    String info = (String) c.call("INFO", "stats");
    infos++;
    for (String line : info.split("\r\n")) {
      if (line.startsWith("total_commands_on_command_pool:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1)) - infos;
      }
    }
    throw new AssertionError("no total_commands_on_command_pool in INFO stats: " + info);
  }

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
      long start = onPool(c);
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertEquals(start + 1, onPool(c), "the first opens (creates) the namespace: on the pool");
      for (long id = 2; id <= 11; id++) {
        assertEquals(id, add(c, "text " + id, "VECTOR", "VALUES", "3", "1", Long.toString(id), "0", "AT", "1000",
            "ATTRS", "{\"k\": 1}", "LINK", "follows", Long.toString(id - 1)));
      }
      assertEquals(start + 1, onPool(c), "ten more, each alone, ran on the connection's thread");
      assertInstanceOf(java.util.List.class, c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "COUNT", "3"));
      assertEquals(start + 2, onPool(c), "a search runs on the pool");
      assertInstanceOf(RespClient.Err.class, add(c, "embedded", "VECTOR", "TEXT", "hello"));
      assertEquals(start + 3, onPool(c), "a vector to embed (refused here, without an embedder) goes to the pool");
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "VECTOR", "VALUES", "-1"));
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "VECTOR", "VALUES", "3", "1"));
      assertInstanceOf(RespClient.Err.class, add(c, "bad", "NOSUCHOPTION"));
      assertEquals(start + 6, onPool(c), "a malformed one is left to the pool, which says what is wrong");
    }
  }

  @Test
  void aPipelinesWritesBeforeItsLastRunOnThePool() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = new RespClient(server.port())) {
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      long before = onPool(c);
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      for (int i = 0; i < 5; i++) {
        pipeline.write(RespClient.encode("MEM.ADD", "s", "user", "p" + i, "VECTOR", "VALUES", "3", "1", "1", "0"));
      }
      c.sendRaw(pipeline.toByteArray()); // one write: the server reads the five at once
      for (long id = 2; id <= 6; id++) {
        assertEquals(id, c.read());
      }
      long pooled = onPool(c) - before;
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
      long before = onPool(c);
      assertEquals(2L, add(c, "x".repeat(100 << 10), "VECTOR", "VALUES", "3", "0", "1", "0"));
      assertEquals(before + 1, onPool(c), "the large one ran on the pool");
      assertEquals(3L, add(c, "y".repeat(60 << 10), "VECTOR", "VALUES", "3", "0", "0", "1"));
      assertEquals(before + 1, onPool(c), "one of 60 KiB still ran on the connection's thread");
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
      long before = onPool(c);
      CompletableFuture<Object> reply;
      try (HeldForces held = HeldForces.hold()) {
        reply = CompletableFuture.supplyAsync(() -> {
          try {
            return add(c, "second", "VECTOR", "VALUES", "3", "0", "1", "0");
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
        assertEquals(2L, reply.get(30, TimeUnit.SECONDS));
      }
      assertEquals(before, onPool(c), "it ran on the connection's thread");
    }
  }

  /**
   * A namespace whose log failed is still open (the engine hands the failed instance out until its next use closes
   * and recovers it): a MEM.ADD into it must not run on the connection's thread, where that recovery (a replay of the
   * log, seconds for a large one) would hold the carrier that every other client's thread shares. Failed on the code
   * before, which asked only whether the namespace was open: the add after the failure ran on the connection's thread
   * (the pool's count did not move) and recovered the namespace there.
   */
  @Test
  void aMemAddIntoANamespaceWhoseLogFailedRunsOnThePool() throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, add(c, "first", "VECTOR", "VALUES", "3", "1", "0", "0"));
      Path log = dir.resolve("ns").resolve("default").resolve("wal");
      assertTrue(Files.isDirectory(log), log + " is not the namespace's log");
      ForcedLog forced = ForcedLog.of(log); // every write so far was acknowledged, so forced
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
      try (HeldForces forces = HeldForces.hold()) {
        c.send("MEM.ADD", "s", "user", "lost", "VECTOR", "VALUES", "3", "0", "1", "0");
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        forces.fail();
        assertInstanceOf(RespClient.Err.class, c.read(), "the add whose force failed");
        forced.putBack(); // as a failed fsync may leave it
      } finally {
        System.setErr(stderr);
      }
      assertEquals(java.util.List.of("default"), server.context().openNamespaces(), "the failed one is still open");
      long before = onPool(c);
      assertEquals(2L, add(c, "after", "VECTOR", "VALUES", "3", "0", "0", "1"), "the reopened namespace's next id");
      assertEquals(before + 1, onPool(c), "the add that recovered the failed namespace ran on the pool");
      assertEquals(3L, add(c, "next", "VECTOR", "VALUES", "3", "1", "1", "0"));
      assertEquals(before + 1, onPool(c), "the next, into the recovered namespace, ran on the connection's thread");
    }
  }
}
