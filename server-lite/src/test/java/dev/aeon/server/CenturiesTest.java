package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
