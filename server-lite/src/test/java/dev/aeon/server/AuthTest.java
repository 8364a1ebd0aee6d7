package dev.aeon.server;

import static dev.aeon.server.LimitsTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/** A password-protected server: AUTH, HELLO AUTH, what is allowed before, and the bind rule. */
class AuthTest {

  private static final String PASSWORD = "correct horse battery staple";

  @RegisterExtension
  static final SharedServer server = new SharedServer(c -> c.withPassword(PASSWORD.getBytes(StandardCharsets.UTF_8)));

  @Test
  void commandsNeedAuthFirst() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(new RespClient.Err("NOAUTH Authentication required."), c.call("PING"));
      assertEquals(new RespClient.Err("NOAUTH Authentication required."), c.call("CONFIG", "GET", "save"));
      assertEquals(new RespClient.Err("WRONGPASS invalid username-password pair or user is disabled."),
          c.call("AUTH", "wrong"));
      assertEquals(new RespClient.Err("WRONGPASS invalid username-password pair or user is disabled."),
          c.call("AUTH", "alice", PASSWORD));
      RespClient.Err hello = assertInstanceOf(RespClient.Err.class, c.call("HELLO", "3"));
      assertTrue(hello.message().startsWith("NOAUTH HELLO must be called"), hello.message());
      assertEquals("OK", c.call("AUTH", PASSWORD));
      assertEquals("PONG", c.call("PING"));
      assertEquals("OK", c.call("AUTH", "default", PASSWORD));
      assertEquals("RESET", c.call("RESET"));
      assertEquals(new RespClient.Err("NOAUTH Authentication required."), c.call("PING"));
      assertEquals("OK", c.call("QUIT"));
    }
  }

  @Test
  void aFailedAuthKeepsTheClientAuthenticated() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("AUTH", PASSWORD));
      assertEquals(new RespClient.Err("WRONGPASS invalid username-password pair or user is disabled."),
          c.call("AUTH", "wrong"));
      assertEquals("PONG", c.call("PING"));
      RespClient.Err e = assertInstanceOf(RespClient.Err.class, c.call("HELLO", "3", "AUTH", "default", "wrong"));
      assertTrue(e.message().startsWith("WRONGPASS"), e.message());
      assertEquals("PONG", c.call("PING"));
    }
  }

  @Test
  void helloAuthenticatesAndSwitchesProtocol() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      Map<?, ?> m = assertInstanceOf(Map.class, c.call("HELLO", "3", "AUTH", "default", PASSWORD));
      assertEquals(3L, m.get("proto"));
      assertEquals("PONG", c.call("PING"));
    }
  }

  /**
   * As in Redis (CVE-2021-32675), a client that has not authenticated may send at most 10 arguments of at most
   * 16,384 bytes, and here at most 16 KiB in all, which the server holds without reserving from the budget of
   * unfinished requests. Before, such a client could send 64 MiB bulk strings, and a few thousand of them, each
   * sending part of one, took the whole budget: every authenticated client's large request was refused.
   */
  @Test
  void aClientThatHasNotAuthenticatedMaySendOnlySmallRequests() throws Exception {
    assertEquals("ERR Protocol error: unauthenticated multibulk length", RespClient.rejected(server.port(), "*11\r\n"));
    assertEquals("ERR Protocol error: unauthenticated bulk length",
        RespClient.rejected(server.port(), "*2\r\n$4\r\nAUTH\r\n$16385\r\n"));
    // Ten arguments of 10,000 bytes each would hold 100 KB: refused once the second arrives.
    String tenThousand = "x".repeat(10_000);
    assertEquals("ERR Protocol error: unauthenticated request of more than 16384 bytes",
        RespClient.rejected(server.port(), 
        "*10\r\n$4\r\nAUTH\r\n" + ("$10000\r\n" + tenThousand + "\r\n").repeat(2)));
    assertEquals("ERR Protocol error: unauthenticated request of more than 16384 bytes",
        RespClient.rejected(server.port(), "AUTH " + "x".repeat(40_000) + "\r\n"));
    assertEquals(0, server.context().requestBytesHeld());

    String big = "y".repeat(100_000);
    try (RespClient c = new RespClient(server.port())) {
      // The limits end with AUTH, for the next command of the same pipeline, and come back with RESET.
      c.sendRaw(RespClient.encode("AUTH", PASSWORD));
      c.sendRaw(RespClient.encode("ECHO", big));
      c.sendRaw(RespClient.encode("PING", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
      assertEquals("OK", c.read());
      assertEquals(big, c.read());
      assertEquals(new RespClient.Err("ERR wrong number of arguments for 'ping' command"), c.read());
      assertEquals("RESET", c.call("RESET"));
      c.send("ECHO", big);
      assertEquals(new RespClient.Err("ERR Protocol error: unauthenticated bulk length"), c.read());
      assertTrue(c.closedByServer());
    }
  }

  /**
   * A client that has not authenticated may leave at most 64 KiB of replies unread, the part of a connection's
   * replies that reserves nothing from the server-wide budget of unread replies. Before, it could leave up to the
   * per-connection limit, 128 MiB, unread: eight clients without the password, each sending PINGs and reading none
   * of their NOAUTH errors, held the whole 1 GiB, and every authenticated client whose replies waited for more than
   * 64 KiB was disconnected.
   */
  @Test
  void aClientThatHasNotAuthenticatedMayLeaveOnly64KiBOfRepliesUnread() throws Exception {
    long before = server.context().outputLimitDisconnections();
    byte[] pings = "PING\r\n".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII); // 35 MB of NOAUTH errors
    try (Socket flooder = new Socket()) {
      flooder.setReceiveBufferSize(4096);
      flooder.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      OutputStream out = flooder.getOutputStream();
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        try {
          out.write(pings);
        } catch (IOException closedByTheServer) {
          // what the test waits for
        }
      }, r -> Thread.ofPlatform().daemon().start(r));
      awaitCondition(() -> server.context().outputLimitDisconnections() == before + 1);
      sent.get(60, TimeUnit.SECONDS);
    }
    awaitCondition(() -> server.context().outputBytesHeld() == 0);
  }

  @Test
  void jedisWithAndWithoutThePassword() {
    try (Jedis j = new Jedis("127.0.0.1", server.port(),
        DefaultJedisClientConfig.builder().password(PASSWORD).protocol(RedisProtocol.RESP3).build())) {
      assertEquals("PONG", j.ping());
    }
    try (Jedis j = new Jedis("127.0.0.1", server.port())) {
      JedisDataException e = assertThrows(JedisDataException.class, j::ping);
      assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
      assertThrows(JedisAccessControlException.class, () -> j.auth("nope"));
    }
  }

  @Test
  void nonLoopbackBindNeedsAPassword() throws Exception {
    InetAddress any = InetAddress.getByName("0.0.0.0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.defaults().withAddress(any, 0));
    assertTrue(e.getMessage().contains("without a password"), e.getMessage());
    ServerConfig ok = ServerConfig.defaults().withPassword("p".getBytes(StandardCharsets.UTF_8)).withAddress(any, 0);
    assertEquals(any, ok.bind());
  }

  /**
   * A password a client cannot send before it has authenticated (its request held to 16 KiB in all) would lock
   * every client out: the longest allowed, 8 KiB, authenticates through HELLO with a client name, and one byte more
   * is refused when the server is configured.
   */
  @Test
  void theLongestPasswordAllowedCanBeSentAndALongerOneIsRefused(@TempDir Path tmp) throws Exception {
    String longest = "p".repeat(ServerConfig.MAX_PASSWORD_BYTES);
    try (AeonServer s = TestServer.start(tmp, c -> c.withPassword(longest.getBytes(StandardCharsets.UTF_8)));
         RespClient c = new RespClient(s.port())) {
      Map<?, ?> hello = assertInstanceOf(Map.class,
          c.call("HELLO", "3", "AUTH", "default", longest, "SETNAME", "n".repeat(1_000)));
      assertEquals(3L, hello.get("proto"));
      assertEquals("PONG", c.call("PING"));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.defaults().withPassword((longest + "p").getBytes(StandardCharsets.UTF_8)));
    assertEquals("the password takes 8193 bytes, more than the 8192 a client may send before it has authenticated",
        e.getMessage());
  }

  @Test
  void passwordFileIsReadWithoutItsLineEnd(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("pw");
    Files.writeString(f, "s3cret\n");
    ServerConfig c = ServerMain.parse(new String[] {"--password-file", f.toString(), "--bind", "0.0.0.0",
        "--port", "7000", "--durability", "async"}).config();
    assertEquals("s3cret", new String(c.password(), StandardCharsets.UTF_8));
    assertEquals(7000, c.port());
    Files.writeString(f, "\n");
    assertThrows(IllegalArgumentException.class, () ->
        ServerMain.parse(new String[] {"--password-file", f.toString()}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerMain.parse(new String[] {"--bind", "0.0.0.0"}));
    assertTrue(e.getMessage().contains("without a password"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(new String[] {"--port", "70000"}));
    assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(new String[] {"--frobnicate", "1"}));
  }
}
