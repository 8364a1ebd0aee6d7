package dev.aeon.server;

import static dev.aeon.server.LimitsTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The protocol layer under attack, over real TCP: frames split at every byte, long pipelines, half-closed and
 * abandoned connections, malformed lengths. Each gets what Redis gives: the replies, an {@code -ERR} that leaves the
 * connection usable, or an {@code -ERR Protocol error} after the replies before it and a closed connection.
 */
class RespProtocolTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  @Test
  void framesSentOneByteAtATimeAreReadWhole() throws Exception {
    String bulk = "b".repeat(20_000); // past the decoder's 16 KiB read buffer
    byte[] frames = concat(RespClient.encode("ECHO", "hello"), "PING\r\n".getBytes(),
        RespClient.encode("HELLO", "3"), RespClient.encode("ECHO", bulk), "ECHO \"a b\"\n".getBytes(),
        RespClient.encode("HELLO", "2"), RespClient.encode("ECHO", ""));
    try (RespClient c = new RespClient(server.port())) {
      c.socket().setTcpNoDelay(true);
      OutputStream out = c.socket().getOutputStream();
      for (byte b : frames) {
        out.write(b);
        out.flush();
      }
      assertEquals("hello", c.read());
      assertEquals("PONG", c.read());
      assertEquals(3L, assertInstanceOf(Map.class, c.read()).get("proto"));
      assertEquals(bulk, c.read());
      assertEquals("a b", c.read());
      assertEquals(2L, ((List<?>) c.read()).get(5));
      assertEquals("", c.read());
    }
  }

  /** 10,000 commands in one write, then the client shuts its output down: every reply still arrives, then EOF. */
  @Test
  void aPipelineOfTenThousandCommandsHalfClosedGetsEveryReply() throws Exception {
    ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
    for (int i = 0; i < 10_000; i++) {
      pipeline.writeBytes(i % 2 == 0 ? RespClient.encode("ECHO", "r" + i) : ("ECHO r" + i + "\r\n").getBytes());
    }
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw(pipeline.toByteArray());
      c.socket().shutdownOutput();
      for (int i = 0; i < 10_000; i++) {
        assertEquals("r" + i, c.read());
      }
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void redisCliPipeModeSendsTenThousandCommands() throws Exception {
    assumeTrue(RedisCliTest.redisCli() != null, "redis-cli is not installed (Debian package redis-tools): skipped");
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      in.append(new String(RespClient.encode("ECHO", "p" + i)));
    }
    String out = RedisCliTest.run(server.port(), in.toString(), "--pipe");
    assertTrue(out.contains("errors: 0, replies: 10000"), out);
  }

  /** QUIT answers OK and closes: what the client sent after it is not run. */
  @Test
  void quitWithAPipelineBehindItRunsNothingAfterIt() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw(concat(RespClient.encode("PING"), RespClient.encode("QUIT"),
          RespClient.encode("VADD", "resp:after-quit", "VALUES", "2", "1", "0", "e")));
      assertEquals("PONG", c.read());
      assertEquals("OK", c.read());
      assertTrue(c.closedByServer());
    }
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(0L, c.call("EXISTS", "resp:after-quit"));
    }
  }

  /** As in Redis: {@code *0} and {@code *-1} (any length below 1) are skipped, not errors. */
  @Test
  void emptyAndNullArraysAreSkipped() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw("*0\r\n*-1\r\n*-5\r\n\r\nPING\r\n");
      assertEquals("PONG", c.read());
    }
  }

  /**
   * Lengths Redis refuses, each answered after the replies of the commands before it (sent in the same write), the
   * connection then closed; nothing of the size announced is allocated up front.
   */
  @Test
  void malformedLengthsAreProtocolErrorsAfterTheRepliesBeforeThem() throws Exception {
    String tooLarge = "ERR Protocol error: invalid bulk length ";
    assertTrue(protocolError("*2\r\n$4\r\nECHO\r\n$-1\r\n").startsWith(tooLarge + "-1"));
    assertTrue(protocolError("*2\r\n$4\r\nECHO\r\n$2147483648\r\n").startsWith(tooLarge + "2147483648"));
    assertTrue(protocolError("*2\r\n$4\r\nECHO\r\n$536870912\r\n").startsWith(tooLarge + "536870912"));
    assertEquals("ERR Protocol error: invalid bulk length", protocolError("*1\r\n$9223372036854775808\r\n"));
    assertEquals("ERR Protocol error: invalid bulk length", protocolError("*1\r\n$4x\r\n"));
    assertTrue(protocolError("*2147483648\r\n").startsWith("ERR Protocol error: invalid multibulk length 2147483648"));
    assertEquals("ERR Protocol error: invalid multibulk length", protocolError("*9223372036854775808\r\n"));
    assertEquals("ERR Protocol error: invalid multibulk length", protocolError("*two\r\n"));
    assertEquals("ERR Protocol error: expected '$', got '*'", protocolError("*1\r\n*1\r\n$4\r\nPING\r\n"));
    assertEquals("ERR Protocol error: header line not terminated by CRLF", protocolError("*1\r\n$4\nPING\r\n"));
    assertEquals("ERR Protocol error: bulk string not terminated by CRLF", protocolError("*1\r\n$4\r\nPING\n"));
    assertEquals("ERR Protocol error: too big mbulk count string (the limit is 32 bytes)",
        protocolError("*" + "1".repeat(40)));
    // A 64 MiB bulk announced and never sent holds its first 64 KiB, not 64 MiB; all of it goes with the client.
    try (RespClient c = new RespClient(server.port()); RespClient other = new RespClient(server.port())) {
      c.sendRaw("*2\r\n$4\r\nECHO\r\n$" + (64 << 20) + "\r\nabc");
      awaitCondition(() -> server.context().requestBytesHeld() == 64 << 10);
      assertEquals("PONG", other.call("PING"));
    }
    awaitCondition(() -> server.context().requestBytesHeld() == 0);
  }

  /** A refused command is an -ERR reply, and the connection carries on. */
  @Test
  void refusedCommandsLeaveTheConnectionUsable() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(new RespClient.Err("ERR unknown command 'NOPE', with args beginning with: 'a' "),
          c.call("NOPE", "a"));
      assertEquals(new RespClient.Err("ERR unknown command 'SUBSCRIBE', with args beginning with: 'ch' "),
          c.call("SUBSCRIBE", "ch"));
      assertEquals(new RespClient.Err("ERR wrong number of arguments for 'echo' command"), c.call("ECHO"));
      assertEquals(new RespClient.Err("NOPROTO unsupported protocol version"), c.call("HELLO", "4"));
      assertEquals(new RespClient.Err("ERR Client names cannot contain spaces, newlines or special characters."),
          c.call("CLIENT", "SETNAME", "a b"));
      assertTrue(assertInstanceOf(RespClient.Err.class, c.call("SELECT", "a b")).message().startsWith("ERR "));
      assertEquals("OK", c.call("CLIENT", "SETNAME", "after-errors"));
      assertEquals("after-errors", c.call("CLIENT", "GETNAME"));
      assertEquals("OK", c.call("SELECT", "resp-test"));
      assertEquals("PONG", c.call("PING"));
    }
  }

  /**
   * Clients that go away mid-command and mid-reply: the server gives back what they held and serves the others.
   */
  @Test
  void clientsClosingMidCommandAndMidReplyLeaveNothingHeld() throws Exception {
    int before = server.context().connectedClients();
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw("*2\r\n$4\r\nECHO\r\n$1000000\r\n" + "z".repeat(500_000));
    }
    try (RespClient c = new RespClient(server.port())) {
      c.socket().setReceiveBufferSize(4096);
      String big = "y".repeat(4 << 20);
      for (int i = 0; i < 8; i++) {
        c.send("ECHO", big);
      }
    }
    awaitCondition(() -> server.context().connectedClients() == before && server.context().requestBytesHeld() == 0
        && server.context().outputBytesHeld() == 0);
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("PONG", c.call("PING"));
    }
  }

  /** Sends {@code frame} after a PING in the same write: the PONG comes first, then the error, then the close. */
  private static String protocolError(String frame) throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.sendRaw("PING\r\n" + frame);
      assertEquals("PONG", c.read());
      RespClient.Err err = assertInstanceOf(RespClient.Err.class, c.read());
      assertTrue(c.closedByServer(), "connection left open after: " + err);
      return err.message();
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
