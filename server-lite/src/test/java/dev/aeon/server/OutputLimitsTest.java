package dev.aeon.server;

import static dev.aeon.server.LimitsTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.resp.RespLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replies a client does not read at once: the server keeps reading and executing while they wait to be sent
 * (so a pipeline written whole before any reply is read completes), and a client that leaves too many unread,
 * or reads none for the idle timeout, is disconnected and gives back the memory it held.
 */
class OutputLimitsTest {

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void aPipelineWrittenWholeBeforeItsRepliesAreReadCompletes() throws Exception {
    int commands = 20_000;
    ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
    for (int i = 0; i < commands; i++) {
      pipeline.writeBytes(RespClient.encode("ECHO", payload(i, 1000)));
    }
    try (AeonServer server = TestServer.start(dir); RespClient c = new RespClient(server.port())) {
      // As Jedis pipelines and redis-py's execute() do: every command is written before any reply is read.
      // Before, the server blocked writing replies the client did not read while the client blocked writing
      // commands the server did not read, and this write never ended.
      writeInBackground(c.socket().getOutputStream(), pipeline.toByteArray())
          .get(60, TimeUnit.SECONDS);
      for (int i = 0; i < commands; i++) {
        assertEquals(payload(i, 1000), c.read(), "reply " + i);
      }
      assertEquals("PONG", c.call("PING"));
      awaitCondition(() -> server.context().outputBytesHeld() == 0);
    }
  }

  @Test
  @Timeout(120)
  void aClientThatLeavesMoreRepliesUnreadThanTheLimitIsDisconnected() throws Exception {
    // 1 MiB of unread replies per client; the idle timeout is long, so only the output limit can close it.
    try (AeonServer server = TestServer.start(dir, c -> c
        .withLimits(RespLimits.DEFAULT, 100, Duration.ofMinutes(5), 64 << 20)
        .withOutputLimits(1 << 20, 1L << 30));
        Socket staller = nonReadingClient(server.port())) {
      // 16 MiB of replies: more than the socket buffers of both ends can absorb, whatever the kernel's tuning
      ByteArrayOutputStream echoes = new ByteArrayOutputStream();
      for (int i = 0; i < 32; i++) {
        echoes.writeBytes(RespClient.encode("ECHO", payload(i, 512 << 10)));
      }
      writeInBackground(staller.getOutputStream(), echoes.toByteArray());
      // Before, the server stayed blocked writing the first reply, holding the request's memory.
      awaitCondition(() -> server.connectionCount() == 0);
      assertEquals(0, server.context().requestBytesHeld());
      assertEquals(0, server.context().outputBytesHeld());
      assertEquals(1, server.context().outputLimitDisconnections());
      try (RespClient other = new RespClient(server.port())) {
        assertEquals("PONG", other.call("PING"));
        String stats = (String) other.call("INFO", "stats");
        assertTrue(stats.contains("client_output_buffer_limit_disconnections:1\r\n"), stats);
      }
    }
  }

  /**
   * A command run off the client's thread builds its reply whole before it is queued, and the reply was let grow
   * without bound, to be refused only once built: VRANDMEMBER key -1000000 on an element with a 100 KB name (100 GB)
   * ended in an OutOfMemoryError. It is stopped as it passes the per-connection limit, and the client disconnected.
   */
  @Test
  @Timeout(120)
  void aReplyBuiltOffTheClientsThreadIsStoppedAtTheLimit() throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withOutputLimits(1 << 20, 1L << 30))) {
      AtomicLong built = new AtomicLong();
      String kib = "k".repeat(1024);
      int parts = 64 << 10; // 64 MiB
      server.context().commands().add("test.huge-reply", 1, List.of("readonly"), 0, 0, 0, (client, args) -> {
        client.writer().array(parts);
        for (int i = 0; i < parts; i++) {
          client.writer().bulk(kib);
          built.addAndGet(kib.length());
        }
      });
      try (RespClient c = new RespClient(server.port())) {
        c.send("TEST.HUGE-REPLY");
        assertTrue(c.closedByServer());
      }
      assertTrue(built.get() <= 2 << 20, built.get() + " bytes of the reply built, for a limit of 1 MiB");
      awaitCondition(() -> server.connectionCount() == 0);
      assertEquals(1, server.context().outputLimitDisconnections());

      try (RespClient c = new RespClient(server.port())) { // the same through a real command
        assertEquals(1L, c.call("VADD", "big-names", "VALUES", "2", "1", "0", "n".repeat(1000)));
        c.send("VRANDMEMBER", "big-names", "-100000");
        assertTrue(c.closedByServer());
      }
      awaitCondition(() -> server.connectionCount() == 0);
      assertEquals(2, server.context().outputLimitDisconnections());
      assertEquals(0, server.context().outputBytesHeld());
      try (RespClient other = new RespClient(server.port())) {
        assertEquals(List.of("n".repeat(1000)), other.call("VRANDMEMBER", "big-names", "-1"));
      }
    }
  }

  @Test
  @Timeout(120)
  void aClientThatReadsNoReplyForTheIdleTimeoutIsDisconnectedWhileOthersAreServed() throws Exception {
    // The repro of the review: a client sends a large ECHO and never reads its reply. Before, its connection
    // stayed open (a command writing its reply counted as running) and held the request's memory.
    try (AeonServer server = TestServer.start(dir, c -> c
        .withLimits(RespLimits.DEFAULT, 100, Duration.ofSeconds(1), 64 << 20));
        RespClient bystander = new RespClient(server.port());
        Socket staller = nonReadingClient(server.port())) {
      // Both accepted before the loop below counts them: on a loaded machine the accept could come after its first
      // count, which then found fewer than two connections and took the staller for disconnected
      awaitCondition(() -> server.connectionCount() == 2);
      writeInBackground(staller.getOutputStream(), RespClient.encode("ECHO", payload(0, 8 << 20)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (server.connectionCount() > 1 && System.nanoTime() < deadline) {
        assertEquals("PONG", bystander.call("PING")); // keeps the bystander active, and checks it is served
        Thread.sleep(100);
      }
      assertEquals(1, server.connectionCount(), "the client that does not read is still connected");
      awaitCondition(() -> server.context().requestBytesHeld() == 0 && server.context().outputBytesHeld() == 0);
      assertEquals(0, server.context().outputLimitDisconnections());
      assertEquals("x".repeat(200_000), bystander.call("ECHO", "x".repeat(200_000)));
    }
  }

  /**
   * A stop while a client is part way through a command (its input shut down: the end of input inside a frame)
   * sends the replies of its earlier commands, as stopping promises: the replies queued were dropped with the
   * socket closed at once (on the code before the fix, this test received 1,507,338 of the 4,194,316 bytes).
   */
  @Test
  @Timeout(120)
  void aStopSendsTheQueuedRepliesOfAClientPartWayThroughACommand() throws Exception {
    int size = 4 << 20;
    AeonServer server = TestServer.start(dir);
    try (Socket client = nonReadingClient(server.port())) {
      OutputStream out = client.getOutputStream();
      out.write(RespClient.encode("ECHO", payload(0, size)));
      out.write("*2\r\n$4\r\nECHO\r\n$10\r\nab".getBytes(StandardCharsets.US_ASCII)); // half a command
      out.flush();
      awaitCondition(() -> server.context().outputBytesHeld() > 0); // the ECHO ran; its reply waits, unread
      Thread stopper = Thread.ofPlatform().start(server::close);
      byte[] reply = client.getInputStream().readAllBytes(); // until the server closes the connection
      stopper.join();
      assertEquals(size + ("$" + size + "\r\n\r\n").length(), reply.length, "bytes of the ECHO's reply received");
    }
  }

  /** A client that reads nothing, with a small receive window, as the review's repro used. */
  private static Socket nonReadingClient(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    return s;
  }

  /** Writes on another thread, so that a server that stops reading fails the test instead of hanging it. */
  private static CompletableFuture<Void> writeInBackground(OutputStream out, byte[] bytes) {
    return CompletableFuture.runAsync(() -> {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, r -> Thread.ofPlatform().daemon().start(r));
  }

  /** {@code size} bytes that start with the number {@code i}, so that a reply out of order is seen. */
  private static String payload(int i, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) ('a' + i % 26));
    byte[] n = String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, b, 0, n.length);
    return new String(b, StandardCharsets.US_ASCII);
  }
}
