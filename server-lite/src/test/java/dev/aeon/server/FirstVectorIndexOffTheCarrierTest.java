package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first vector of a namespace that holds events without one creates the namespace's vector index, its files
 * forced (fsync) as they are made; a MEM.ADD of it is light (its vector given as numbers, into a namespace open
 * already) and runs on its connection's thread. The engine creates the index on a platform thread of its own while the
 * writer waits (Uninterruptibly, so that an interrupt cannot close the files' channels): the connection's virtual
 * thread parks meanwhile, and the carrier it leaves serves the other clients. JFR's {@code jdk.FileForce} events name
 * the thread of each force: those of the index's files come from a platform thread, none from a virtual thread; and
 * no {@code jdk.VirtualThreadPinned} event says a virtual thread parked holding its carrier (as it would inside a
 * native frame). It fails if the engine creates the index on the calling thread (without the platform thread, five
 * forces of the connection's virtual thread).
 */
class FirstVectorIndexOffTheCarrierTest {

  @TempDir Path dir;

  private final PoolCount pool = new PoolCount();

  /** One forced file: its path and whether a virtual thread forced it. */
  private record Force(String path, boolean virtualThread, String thread) {}

  @Test
  void theIndexOfALightMemAddsFirstVectorIsCreatedOffTheConnectionsThread() throws Exception {
    try (AeonServer server = TestServer.startSync(dir, Duration.ofHours(1));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "no vector yet")); // creates the namespace, on the pool
      long before = pool.of(c);
      List<Force> forces = new CopyOnWriteArrayList<>();
      List<String> pinned = new CopyOnWriteArrayList<>();
      try (RecordingStream jfr = new RecordingStream()) {
        jfr.enable("jdk.FileForce").withoutThreshold();
        jfr.enable("jdk.VirtualThreadPinned").withoutThreshold();
        jfr.onEvent("jdk.VirtualThreadPinned", e -> pinned.add(e.getThread() + " for " + e.getDuration()));
        jfr.onEvent("jdk.FileForce", e -> forces.add(new Force(String.valueOf(e.getString("path")),
            e.getThread() != null && e.getThread().isVirtual(),
            e.getThread() == null ? "?" : e.getThread().getJavaName())));
        jfr.startAsync();
        assertEquals(2L, c.call("MEM.ADD", "s", "user", "the first vector", "VECTOR", "VALUES", "3", "1", "0", "0"));
        jfr.stop(); // flushes what was recorded to the handler
      }
      assertEquals(before, pool.of(c), "the MEM.ADD ran on the connection's thread");
      List<Force> index = forces.stream().filter(f -> f.path().contains("atlas")).toList();
      assertFalse(index.isEmpty(), "the index's files were forced as they were made: " + forces);
      assertTrue(forces.stream().noneMatch(Force::virtualThread), "a virtual thread forced a file: " + forces);
      assertTrue(pinned.isEmpty(), "a virtual thread parked holding its carrier: " + pinned);
    }
  }
}
