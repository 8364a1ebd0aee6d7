package dev.aeon.fuzz.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.server.ServerCrashTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's crash test at length: {@code ./aeon fuzz} sets {@code aeon.fuzz.long=true};
 * {@code aeon.server.crash.cycles} sizes it (default 100 kills).
 */
class ServerLongTest {

  @Test
  void crashTest(@TempDir Path dir) throws Exception {
    assumeTrue(Boolean.getBoolean("aeon.fuzz.long"), "long runs need -Daeon.fuzz.long=true (./aeon fuzz)");
    ServerCrashTest.run(dir, Long.getLong("aeon.test.seed", System.nanoTime()),
        Integer.getInteger("aeon.server.crash.cycles", 100));
  }
}
