package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.Uninterruptibly;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VSIM and VRANDMEMBER start on their connection's thread only for a key whose set is not in memory, and go on to the
 * pool for a search or a draw. The set may come into memory between that check and the start (another client's VADD,
 * made while the command is held there by {@link ServerContext#afterConnectionThreadCheck}): the command then finds
 * it, and its search or draw still runs on the pool, once, and answers from the set. A set in memory when the command
 * comes is not started on the connection's thread at all. Each test failed with the code broken on purpose: the
 * race's with VSIM's or VRANDMEMBER's stop before its search or draw taken out (each then ran on the connection's
 * thread, one command fewer on the pool), the last with the check answering "start there" for every key.
 */
class StartedOnTheConnectionThreadTest {

  @TempDir Path dir;

  private final PoolCount pool = new PoolCount();

  @AfterEach
  void removeTheHook() {
    ServerContext.afterConnectionThreadCheck = null;
  }

  @Test
  void aVsimWhoseSetIsCreatedAfterItsCheckSearchesOnThePool() throws Exception {
    assertRunsOnThePoolOnceWithTheSetMadeMeanwhile(List.of("VSIM", "late", "VALUES", "3", "1", "0", "0"),
        List.of("a"));
  }

  @Test
  void aVrandmemberWhoseSetIsCreatedAfterItsCheckDrawsOnThePool() throws Exception {
    assertRunsOnThePoolOnceWithTheSetMadeMeanwhile(List.of("VRANDMEMBER", "late", "3"), List.of("a"));
  }

  @Test
  void aVsimOrVrandmemberOfASetInMemoryIsNotStartedOnTheConnectionThread() throws Exception {
    try (AeonServer server = TestServer.startSync(dir, Duration.ofHours(1));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      AtomicInteger started = new AtomicInteger();
      ServerContext.afterConnectionThreadCheck = started::incrementAndGet;
      assertEquals(List.of("a"), c.call("VSIM", "set", "VALUES", "3", "1", "0", "0"));
      assertEquals("a", c.call("VRANDMEMBER", "set"));
      assertEquals(0, started.get(), "a command of a set in memory was started on the connection's thread");
      assertEquals(List.of(), c.call("VSIM", "nosuch", "VALUES", "3", "1", "0", "0"));
      assertEquals(1, started.get(), "VSIM of a key not in memory starts on the connection's thread");
    }
  }

  /**
   * Sends {@code command} of key "late" (no set), and while it is held between its check and its start creates the
   * set with element a from another client; the command answers {@code expected}, having run on the pool once.
   */
  private void assertRunsOnThePoolOnceWithTheSetMadeMeanwhile(List<String> command, Object expected)
      throws Exception {
    try (AeonServer server = TestServer.startSync(dir, Duration.ofHours(1));
        RespClient c = new RespClient(server.port()); RespClient other = new RespClient(server.port())) {
      assertEquals(0L, c.call("VCARD", "late"));
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch released = new CountDownLatch(1);
      AtomicInteger started = new AtomicInteger();
      ServerContext.afterConnectionThreadCheck = () -> {
        if (started.getAndIncrement() == 0) {
          held.countDown();
          Uninterruptibly.await(released::await);
        }
      };
      long before = pool.of(c);
      CompletableFuture<Object> reply = CompletableFuture.supplyAsync(() -> {
        try {
          return c.call(command.toArray(Object[]::new));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        assertTrue(held.await(30, TimeUnit.SECONDS), command.getFirst() + " was never started on its thread");
        assertEquals(1L, other.call("VADD", "late", "VALUES", "3", "1", "0", "0", "a"));
      } finally {
        released.countDown();
      }
      assertEquals(expected, reply.get(30, TimeUnit.SECONDS));
      assertEquals(1, started.get(), "started once");
      assertEquals(before + 2, pool.of(c), "the VADD, and " + command.getFirst() + " on the pool once");
    }
  }
}
