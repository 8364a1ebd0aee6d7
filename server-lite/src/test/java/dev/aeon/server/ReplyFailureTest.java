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

  /**
   * A command run on its connection's thread that meets what it must leave to the pool (a set to load) after part of
   * its reply was sent is a defect of the command (it must stop before it writes): its client is disconnected, and the
   * log line has the stack trace that says where. Before, the dispatch's IllegalStateException read as the client's
   * error, and the line came without it.
   */
  @Test
  @Timeout(60)
  void aCommandLeftToThePoolAfterPartOfItsReplyIsLoggedAsADefect(@TempDir Path dir) throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (AeonServer server = TestServer.start(dir)) {
      // a fast command that writes past the writer's 16 KiB buffer, then meets a load it may not do on its thread
      server.context().commands().add("test.loads-half-way", 1, List.of("fast"), 0, 0, 0, (client, args) -> {
        client.writer().array(100);
        for (int i = 0; i < 100; i++) {
          client.writer().bulk("x".repeat(1024));
        }
        client.server().requireThePool("a vector set");
      });
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (RespClient c = new RespClient(server.port())) {
        assertThrows(EOFException.class, () -> c.call("TEST.LOADS-HALF-WAY"), "the reply ends before its end");
      } finally {
        System.setErr(stderr);
      }
      try (RespClient c = new RespClient(server.port())) {
        assertEquals("PONG", c.call("PING"), "the server serves on");
      }
    }
    String logged = log.toString(StandardCharsets.UTF_8);
    String defect = "command 'test.loads-half-way' was left to the pool after part of its reply was sent";
    assertTrue(logged.contains("WARN command 'test.loads-half-way' failed after part of its reply was sent, so"
        + " client 1 is disconnected: "), logged);
    assertTrue(logged.contains(defect + "\n\tat dev.aeon.server.command.CommandTable.run("),
        "logged with the stack trace that says where: " + logged);
  }
}
