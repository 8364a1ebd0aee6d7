package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handler that fails with an {@link Error} (a stack overflow, an assertion, running out of memory), not an
 * exception, is a defect of the server as an internal exception is: its client gets an error reply naming the
 * command, the server logs it, and the connection and every other one go on. Before, the error went past the
 * dispatch and ended the client's connection with no reply and no line of the server's log.
 */
class HandlerErrorTest {

  @Test
  @Timeout(60)
  void anErrorInAHandlerIsAnErrorReplyAndALogLineAndTheConnectionGoesOn(@TempDir Path dir) throws Exception {
    PrintStream stderr = System.err; // where warnings go
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (AeonServer server = TestServer.start(dir)) {
      // A real stack overflow, on the client's own thread ("fast") ...
      server.context().commands().add("test.overflows", 1, List.of("fast"), 0, 0, 0,
          (client, args) -> client.writer().integer(recurse(0)));
      // ... and an assertion on the pool that runs the other commands
      server.context().commands().add("test.asserts", 1, List.of(), 0, 0, 0, (client, args) -> {
        throw new AssertionError("an invariant broken");
      });
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (RespClient c = new RespClient(server.port()); RespClient other = new RespClient(server.port())) {
        // pipelined: the replies of the commands after each failure come, in order
        c.send("TEST.OVERFLOWS");
        c.send("PING");
        c.send("TEST.ASSERTS");
        c.send("ECHO", "after");
        assertEquals(new RespClient.Err("ERR internal error in 'test.overflows': java.lang.StackOverflowError"),
            c.read());
        assertEquals("PONG", c.read());
        assertEquals(new RespClient.Err("ERR internal error in 'test.asserts': java.lang.AssertionError: an"
            + " invariant broken"), c.read());
        assertEquals("after", c.read());
        assertEquals("PONG", other.call("PING"), "another client is served");
      } finally {
        System.setErr(stderr);
      }
    }
    String logged = log.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("WARN command 'test.overflows' failed: java.lang.StackOverflowError"), logged);
    assertTrue(logged.contains("WARN command 'test.asserts' failed: java.lang.AssertionError: an invariant broken"),
        logged);
  }

  /**
   * An internal error's log line is followed by its stack trace the first time that error (its class, where it
   * was thrown) is met, so that the log says where the defect is; the same error again is the line alone. A
   * client's own mistake is its error reply only. Before, the line was the error's toString() alone.
   */
  @Test
  @Timeout(60)
  void anInternalErrorIsLoggedWithItsStackTraceOnce(@TempDir Path dir) throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (AeonServer server = TestServer.start(dir)) {
      server.context().commands().add("test.npe", -1, List.of("fast"), 0, 0, 0, (client, args) -> {
        throw new NullPointerException("a defect, call " + args.size());
      });
      server.context().commands().add("test.bad-argument", 1, List.of("fast"), 0, 0, 0, (client, args) -> {
        throw new IllegalArgumentException("the client's mistake");
      });
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (RespClient c = new RespClient(server.port())) {
        assertEquals(new RespClient.Err("ERR internal error in 'test.npe': java.lang.NullPointerException: a"
            + " defect, call 1"), c.call("TEST.NPE"));
        assertEquals(new RespClient.Err("ERR internal error in 'test.npe': java.lang.NullPointerException: a"
            + " defect, call 2"), c.call("TEST.NPE", "again"));
        assertEquals(new RespClient.Err("ERR the client's mistake"), c.call("TEST.BAD-ARGUMENT"));
      } finally {
        System.setErr(stderr);
      }
    }
    String logged = log.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("WARN command 'test.npe' failed: java.lang.NullPointerException: a defect, call 1\n"
        + "java.lang.NullPointerException: a defect, call 1\n\tat dev.aeon.server.HandlerErrorTest"), logged);
    assertTrue(logged.contains("WARN command 'test.npe' failed: java.lang.NullPointerException: a defect, call 2"),
        logged);
    assertFalse(logged.contains("java.lang.NullPointerException: a defect, call 2\n\tat"), logged);
    assertFalse(logged.contains("the client's mistake"), logged);
  }

  private static long recurse(long depth) {
    return recurse(depth + 1) + 1;
  }
}
