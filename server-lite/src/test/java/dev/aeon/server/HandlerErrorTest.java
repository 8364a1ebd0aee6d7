package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  private static long recurse(long depth) {
    return recurse(depth + 1) + 1;
  }
}
