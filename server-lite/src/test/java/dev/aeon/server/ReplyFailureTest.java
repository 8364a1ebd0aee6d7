package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that fails after part of its reply has gone to the client cannot turn it into an error reply: the
 * client is disconnected (it would read the rest as garbage), the server says why in its log, and serves on.
 */
class ReplyFailureTest {

  @Test
  @Timeout(60)
  void aReplyThatFailsHalfWayDisconnectsItsClientWithALogLine(@TempDir Path dir) throws Exception {
    PrintStream stderr = System.err; // where warnings go, as the engine's
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (AeonServer server = TestServer.start(dir)) {
      // 100 bulk strings of 1 KiB pass the writer's 16 KiB buffer, so the reply's start is queued for the client
      server.context().commands().add("test.fails-half-way", 1, List.of("fast"), 0, 0, 0, (client, args) -> {
        client.writer().array(100);
        for (int i = 0; i < 100; i++) {
          client.writer().bulk("x".repeat(1024));
        }
        throw new IllegalStateException("a defect found after the reply began");
      });
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (RespClient c = new RespClient(server.port())) {
        assertThrows(EOFException.class, () -> c.call("TEST.FAILS-HALF-WAY"), "the reply ends before its end");
      } finally {
        System.setErr(stderr);
      }
      try (RespClient c = new RespClient(server.port())) {
        assertEquals("PONG", c.call("PING"), "the server serves on");
      }
    }
    String logged = log.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("WARN command 'test.fails-half-way' failed after part of its reply was sent, so"
        + " client 1 is disconnected: java.lang.IllegalStateException: a defect found after the reply began"), logged);
  }
}
