package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that each VADD to one vector set, one command at a time (no pipelining), under SYNC: a VADD writes under the
 * set's lock but waits for its forced write of the log after releasing it, so that the writers of one set share
 * forces (the log's group commit) as writers of different sets always did, and still get no reply before their own
 * write is durable.
 */
class VectorSetSharedForcesTest {

  private static final int CLIENTS = 8;
  private static final int ADDS_PER_CLIENT = 40;

  @TempDir Path dir;

  /**
   * Failed on the code before: a VADD waited for its force inside the set's lock, so the writes of one set were
   * forced one after the other, at least one force each (320 writes, 320 forces or more). Now a force in flight
   * covers every write that arrived meanwhile.
   *
   * <p>What this relies on: that a forced write of the log takes longer than the few microseconds eight clients need
   * to have another VADD appended while one is forced, so that some force covers two writes. It asks for one such
   * pair among 320 writes of 8 clients, on a real file system (an fsync of a real file); a force that is
   * instantaneous would make it fail, and so would a machine too loaded to run two client threads at once for the
   * whole test. The checkpoints are off, so that only the writes force the log.
   */
  @Test
  void concurrentVaddsToOneSetShareForcedWrites() throws Exception {
    TestServer.assumeForcesTakeTime(dir);
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))))) {
      try (RespClient c = new RespClient(server.port())) {
        assertEquals(1L, c.call("VADD", "shared", "VALUES", "2", "1", "0", "first")); // creates the namespace
      }
      long before = logForces(server);
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
        for (int k = 0; k < CLIENTS; k++) {
          int client = k;
          clients.add(CompletableFuture.runAsync(() -> {
            try (RespClient c = new RespClient(server.port())) {
              start.await();
              for (int i = 0; i < ADDS_PER_CLIENT; i++) {
                assertEquals(1L, c.call("VADD", "shared", "VALUES", "2", Integer.toString(client + 1),
                    Integer.toString(i + 1), "c" + client + "-" + i));
              }
            } catch (Exception e) {
              throw new RuntimeException(e);
            }
          }, pool));
        }
        start.countDown();
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      }
      long forces = logForces(server) - before;
      int writes = CLIENTS * ADDS_PER_CLIENT;
      try (RespClient c = new RespClient(server.port())) {
        assertEquals((long) writes + 1, c.call("VCARD", "shared"));
      }
      assertTrue(forces < writes, writes + " VADDs of " + CLIENTS + " clients to one set took " + forces
          + " forced writes of the log");
    }
  }

  /** The forced writes of the log of the namespace holding the 2-dimensional sets of the default namespace. */
  private static long logForces(AeonServer server) {
    return server.context().memory("default.vset-d2").stats().logForces();
  }
}
