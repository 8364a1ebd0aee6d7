package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle timeout or a namespace idle time of centuries means never, as in the engine. Before, the server's start
 * converted them to milliseconds, which overflowed past 292 million years and failed the start with an
 * ArithmeticException (leaving the engine open), and the idle reaper converted the idle timeout to nanoseconds
 * at each run, which overflowed past 292 years and ended it at its first run without a word.
 */
class CenturiesTest {

  @Test
  void idleTimesOfCenturiesMeanNever(@TempDir Path dir) throws Exception {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(forever)
            .withLimits(c.limits(), c.maxConnections(), forever, c.requestMemory()));
         RespClient c = new RespClient(server.port())) {
      assertEquals("PONG", c.call("PING"));
    }
  }

  /**
   * A stop timeout of centuries means a stop that waits as long as it needs. Before, the stop converted it to
   * nanoseconds, which overflowed past 292 years: close() threw an ArithmeticException before it closed the
   * listener, the clients or the engine, whose directory stayed locked.
   */
  @Test
  void aStopTimeoutOfCenturiesStopsTheServer(@TempDir Path dir) throws Exception {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    AeonServer server = TestServer.start(dir, c -> new ServerConfig(c.bind(), c.port(), c.dir(), c.password(),
        c.limits(), c.maxConnections(), c.idleTimeout(), c.requestMemory(), c.outputLimit(), c.outputMemory(),
        forever, c.namespaceIdle(), c.engine(), c.backupDir(), c.embedderFailure(),
        c.pipelinedWritesShareForces(), c.lightWritesOnConnectionThread()));
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "kept"));
    }
    server.close();
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
      assertEquals(1, aeon.memory().stats().events(), "the engine was closed, and what it held kept");
    }
  }
}
