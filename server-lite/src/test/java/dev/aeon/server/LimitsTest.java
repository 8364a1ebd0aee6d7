package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.resp.RespLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad and oversized input: each gets an error reply and closes its own connection only, and the server keeps
 * serving everyone else.
 */
class LimitsTest {

  @TempDir Path dir;

  private AeonServer smallLimits() throws IOException {
    return TestServer.start(dir, c -> c.withLimits(new RespLimits(1024, 16, 128), 20, Duration.ofMinutes(5), 1 << 20));
  }

  @Test
  @Timeout(60)
  void malformedAndOversizedFramesCloseOnlyTheirConnection() throws Exception {
    try (AeonServer server = smallLimits(); RespClient bystander = new RespClient(server.port())) {
      assertEquals("PONG", bystander.call("PING"));
      assertTrue(RespClient.rejected(server.port(), "*2\r\n$4\r\nECHO\r\n$2000\r\n").startsWith(
          "ERR Protocol error: invalid bulk length 2000"));
      assertTrue(RespClient.rejected(server.port(), "*17\r\n").startsWith(
          "ERR Protocol error: invalid multibulk length 17"));
      assertTrue(RespClient.rejected(server.port(), "x".repeat(200) + "\r\n").startsWith(
          "ERR Protocol error: too big inline request"));
      assertEquals("ERR Protocol error: inline request of 17 arguments (the limit is 16)",
          RespClient.rejected(server.port(), "ECHO" + " a".repeat(16) + "\r\n"));
      assertEquals("ERR Protocol error: expected '+', got '+'".replace("'+', got", "'$', got"),
          RespClient.rejected(server.port(), "*2\r\n+foo\r\n"));
      assertEquals("ERR Protocol error: invalid multibulk length", RespClient.rejected(server.port(), "*x\r\n"));
      assertEquals("ERR Protocol error: invalid bulk length", RespClient.rejected(server.port(), "*1\r\n$-\r\n"));
      // Lengths are written as Redis reads them: no leading zero, no "-0", no '+'.
      assertEquals("ERR Protocol error: invalid bulk length",
          RespClient.rejected(server.port(), "*1\r\n$04\r\nPING\r\n"));
      assertEquals("ERR Protocol error: invalid bulk length",
          RespClient.rejected(server.port(), "*1\r\n$+4\r\nPING\r\n"));
      assertEquals("ERR Protocol error: invalid multibulk length",
          RespClient.rejected(server.port(), "*01\r\n$4\r\nPING\r\n"));
      assertEquals("ERR Protocol error: invalid multibulk length", RespClient.rejected(server.port(), "*-0\r\n"));
      assertEquals("ERR Protocol error: bulk string not terminated by CRLF",
          RespClient.rejected(server.port(), "*1\r\n$4\r\nPINGxx"));
      assertEquals("ERR Protocol error: unbalanced quotes in request",
          RespClient.rejected(server.port(), "ECHO \"abc\r\n"));
      assertEquals("ERR Protocol error: header line not terminated by CRLF",
          RespClient.rejected(server.port(), "*1\n"));
      assertEquals("PONG", bystander.call("PING"));
      assertEquals("1024", ((List<?>) bystander.call("CONFIG", "GET", "proto-max-bulk-len")).get(1));
    }
  }

  @Test
  @Timeout(60)
  void connectionsOverTheLimitAreTurnedAway() throws Exception {
    try (AeonServer server = smallLimits()) {
      List<RespClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          RespClient c = new RespClient(server.port());
          clients.add(c);
          assertEquals("PONG", c.call("PING"));
        }
        try (RespClient extra = new RespClient(server.port())) {
          assertEquals(new RespClient.Err("ERR max number of clients reached"), extra.read());
          assertTrue(extra.closedByServer());
        }
      } finally {
        for (RespClient c : clients) {
          c.close();
        }
      }
      awaitCondition(() -> server.connectionCount() == 0);
      try (RespClient again = new RespClient(server.port())) {
        assertEquals("PONG", again.call("PING"));
      }
      assertTrue(server.context().connectionsRejected() >= 1);
    }
  }

  @Test
  @Timeout(60)
  void requestMemoryIsBoundedAcrossConnections() throws Exception {
    // 1 MiB for every unfinished request together; 24 clients each send 96 KiB of a 60 MiB bulk and stall.
    try (AeonServer server = TestServer.start(dir,
        c -> c.withLimits(RespLimits.DEFAULT, 100, Duration.ofMinutes(5), 1 << 20))) {
      List<RespClient> stallers = new ArrayList<>();
      int refused = 0;
      try {
        byte[] chunk = new byte[96 << 10];
        for (int i = 0; i < 24; i++) {
          RespClient c = new RespClient(server.port());
          stallers.add(c);
          c.sendRaw("*2\r\n$4\r\nECHO\r\n$" + (60 << 20) + "\r\n");
          c.sendRaw(chunk);
        }
        try (RespClient probe = new RespClient(server.port())) {
          assertEquals("PONG", probe.call("PING")); // a small request needs no budget
        }
        for (RespClient c : stallers) {
          c.socket().setSoTimeout(200);
          try {
            Object reply = c.read();
            String err = assertInstanceOf(RespClient.Err.class, reply).message();
            assertTrue(err.startsWith("ERR request memory limit reached"), err);
            refused++;
          } catch (java.net.SocketTimeoutException stillWaiting) {
            // this one fit into the budget and waits for the rest of its bulk
          }
        }
        assertTrue(refused > 0, "some clients must have been refused");
        assertTrue(server.context().requestBytesHeld() <= 1 << 20);
      } finally {
        for (RespClient c : stallers) {
          c.close();
        }
      }
      awaitCondition(() -> server.context().requestBytesHeld() == 0 && server.connectionCount() == 0);
    }
  }

  @Test
  @Timeout(90)
  void slowlorisClientsAreCutOffAndOthersKeepBeingServed() throws Exception {
    // 300 clients send half a frame and stall; the idle limit (0.5 s here) closes them all.
    try (AeonServer server = TestServer.start(dir,
        c -> c.withLimits(RespLimits.DEFAULT, 1000, Duration.ofMillis(500), 64 << 20))) {
      List<RespClient> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 300; i++) {
          RespClient c = new RespClient(server.port());
          slow.add(c);
          c.sendRaw(switch (i % 3) {
            case 0 -> "*3\r\n$3\r\nSET\r\n$1";
            case 1 -> "*2\r\n$4\r\nECHO\r\n$1000000\r\n" + "z".repeat(5000);
            default -> "PIN";
          });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
          try (RespClient active = new RespClient(server.port())) {
            assertEquals("PONG", active.call("PING"));
          }
          Thread.sleep(50);
        }
        assertEquals(0, server.connectionCount(), "slow clients still connected");
        for (RespClient c : slow) {
          assertTrue(c.closedByServer());
        }
        assertEquals(0, server.context().requestBytesHeld());
      } finally {
        for (RespClient c : slow) {
          c.close();
        }
      }
    }
  }

  @Test
  @Timeout(120)
  void aThousandConcurrentConnections() throws Exception {
    try (AeonServer server = TestServer.start(dir)) {
      List<RespClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 1000; i++) {
          RespClient c = new RespClient(server.port());
          clients.add(c);
          c.send("ECHO", "client-" + i);
        }
        for (int i = 0; i < 1000; i++) {
          assertEquals("client-" + i, clients.get(i).read());
        }
        assertEquals(1000, server.connectionCount());
        for (RespClient c : clients) {
          c.send("PING");
        }
        for (RespClient c : clients) {
          assertEquals("PONG", c.read());
        }
      } finally {
        for (RespClient c : clients) {
          c.close();
        }
      }
      awaitCondition(() -> server.connectionCount() == 0);
    }
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not reached within 30 s");
      Thread.sleep(10);
    }
  }
}
