package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of pipelined writes under SYNC: no reply to a pipelined write, nor to any command after it, reaches the
 * client before the write is durable. The log's forces are held back here ({@link HeldForces}, as a disk whose fsync
 * does not return), so a reply sent before its write's force shows as bytes on the socket while the force is held;
 * once the forces go through, every reply arrives, in order. A SIGKILL cannot show this (the page cache keeps what
 * was written unforced), nor can counting forces.
 */
class PipelinedRepliesWaitForForcesTest {

  /** How long the client listens for a reply that must not come, once the server has run what it was sent. */
  private static final int SILENCE_MILLIS = 500;

  @TempDir Path dir;

  private AeonServer syncServer() throws Exception {
    // No checkpoints: they force the log too, and this test holds only the writes' forces.
    return TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
        .withCheckpoints(1L << 40, Duration.ofHours(1))));
  }

  /**
   * A pipeline of writes that ends with reads: the reads need no force, so the connection hands the replies over as
   * soon as it has run them, and they wait there for the writes before them. Failed with the replies' wait for
   * durability taken out (DurableReplies.awaitWrites a no-op then, the await in DurableReplies.outcome now): the
   * client read the first reply while the forces were held.
   */
  @Test
  void repliesOfAPipelineEndingInReadsWaitForTheForceOfItsWrites() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = TestServer.resp3(server, "default")) {
      createNamespaces(c);
      List<Object[]> pipeline = List.of(
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"VADD", "set", "VALUES", "3", "0", "1", "0", "b"},
          new Object[] {"MEM.GET", "2"},
          new Object[] {"VCARD", "set"},
          new Object[] {"PING"});
      long ran = server.context().commandsProcessed();
      try (HeldForces forces = HeldForces.hold()) {
        c.sendRaw(encode(pipeline));
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        awaitCommands(server, ran + pipeline.size());
        assertNothingArrives(c);
        forces.release();
        List<Object> replies = read(c, pipeline.size());
        assertEquals(2L, replies.get(0));
        assertEquals(true, replies.get(1)); // VADD answers a boolean in RESP3
        assertEquals("two", assertInstanceOf(Map.class, replies.get(2)).get("text"));
        assertEquals(2L, replies.get(3));
        assertEquals("PONG", replies.get(4));
      }
    }
  }

  /**
   * A pipeline whose next request has arrived only in part: the connection hands the replies held so far over before
   * it waits for the rest, and they wait there for their writes. Failed with that wait taken out, as above.
   */
  @Test
  void repliesHandedOverBeforeTheRestOfAPipelineArrivesWaitForTheForce() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = TestServer.resp3(server, "default")) {
      createNamespaces(c);
      try (HeldForces forces = HeldForces.hold()) {
        byte[] rest = sendAWriteAndHalfOfTheNext(server, c, forces);
        assertNothingArrives(c);
        forces.release();
        c.sendRaw(rest);
        assertEquals(List.of(2L, true), read(c, 2));
      }
    }
  }

  /**
   * A reply waits for the writes of its own command and of those before it, not for later ones: the PING before the
   * pipeline's write is answered while the write's force is held, the PING after it once the force went through.
   * Failed on the code before, which held every reply of the pipeline until all its writes were durable.
   */
  @Test
  void aReplyBeforeAPipelinesWriteDoesNotWaitForItsForce() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = TestServer.resp3(server, "default")) {
      createNamespaces(c);
      List<Object[]> pipeline = List.of(
          new Object[] {"PING", "before"},
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"PING", "after"});
      long ran = server.context().commandsProcessed();
      try (HeldForces forces = HeldForces.hold()) {
        c.sendRaw(encode(pipeline));
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        awaitCommands(server, ran + pipeline.size());
        c.socket().setSoTimeout(SILENCE_MILLIS * 20);
        assertEquals("before", c.read(), "the reply before the write");
        assertNothingArrives(c);
        forces.release();
        assertEquals(List.of(2L, "after"), read(c, 2));
      }
    }
  }

  /**
   * The replies handed over before the connection waits for the rest of a request wait for a force that takes longer
   * than the idle timeout: the server is busy, not waiting on the client, so the client is not closed as idle. Failed
   * on the code before: that wait counted as reading, and the reaper closed the connection while the force was held.
   */
  @Test
  void aForceSlowerThanTheIdleTimeoutBeforeAReadDoesNotReapTheClient() throws Exception {
    Duration idle = Duration.ofMillis(300);
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)
            .withCheckpoints(1L << 40, Duration.ofHours(1)))
            .withLimits(c.limits(), c.maxConnections(), idle, c.requestMemory()));
        RespClient c = TestServer.resp3(server, "default")) {
      createNamespaces(c);
      try (HeldForces forces = HeldForces.hold()) {
        byte[] rest = sendAWriteAndHalfOfTheNext(server, c, forces);
        Thread.sleep(idle.toMillis() * 5); // the reaper looks every idle/4
        forces.release();
        c.sendRaw(rest);
        assertEquals(List.of(2L, true), read(c, 2));
      }
    }
  }

  /**
   * The log fails to make a pipeline's writes durable (a failed fsync) while their replies wait, and a malformed frame
   * follows them: each write gets its error, then the frame its protocol error, and the connection closes (for the
   * frame). Failed on the code before: no reply was sent, the connection closing with a WARN line.
   */
  @Test
  void aFailedForceUnderAMalformedFrameAnswersEachWriteItsErrorThenTheFrameIts() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = TestServer.resp3(server, "default")) {
      createNamespaces(c);
      long ran = server.context().commandsProcessed();
      try (HeldForces forces = HeldForces.hold()) {
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        pipeline.writeBytes(RespClient.encode("MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"));
        pipeline.writeBytes(RespClient.encode("MEM.ADD", "s", "user", "three", "VECTOR", "VALUES", "3", "0", "0", "1"));
        pipeline.writeBytes("*x\r\n".getBytes(StandardCharsets.US_ASCII)); // not a length: a protocol error
        c.sendRaw(pipeline.toByteArray());
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        awaitCommands(server, ran + 2);
        assertNothingArrives(c);
        forces.fail();
        List<Object> replies = read(c, 3);
        assertWriteFailed(replies.get(0));
        assertWriteFailed(replies.get(1)); // appended after the failed one, to a log that failed
        assertTrue(assertInstanceOf(RespClient.Err.class, replies.get(2)).message().startsWith("ERR Protocol error"),
            String.valueOf(replies.get(2)));
        assertTrue(c.closedByServer(), "the connection stays open after a malformed frame");
      }
    }
  }

  /**
   * A pipeline writes to two namespaces and only one's log fails ({@link HeldForces#failOnly}): each command gets its
   * own reply, in order: the write whose force failed the error a write that waited for its own force gets, the
   * healthy namespace's writes their ids (sent once they were durable: nothing arrives while the forces are held),
   * the reads in between their replies; and the connection stays open. Reopened, the healthy namespace holds the
   * pipeline's writes, and the failed one what was acknowledged before it. Failed on the code before: every reply held
   * with the failed write's was dropped, the healthy writes' too, and the connection closed.
   */
  @Test
  void aPipelineWhoseOtherNamespaceFailsAnswersEachCommandItsOwnOutcome() throws Exception {
    eachCommandItsOwnOutcome(c -> c, 8);
  }

  /**
   * As above with {@code --pipeline-forces each}: every write waits for its own force before the next command runs,
   * so the failed one gets its error as it runs, and the replies are those of the shared forces. Passed on the code
   * before too: it pins that both modes answer alike.
   */
  @Test
  void withEachWriteWaitingForItsForceTheRepliesAreTheSame() throws Exception {
    eachCommandItsOwnOutcome(c -> c.withPipelinedWritesShareForces(false), 0);
  }

  /**
   * Replies larger than the connection's 16 KiB buffer: the buffer is handed over while the pipeline runs, each time
   * once the writes whose replies it holds are durable, so the first replies go out while the failing namespace's
   * write still waits for its force, which then fails mid-buffer: its reply alone becomes an error. Nothing arrives
   * while the forces are held (the first replies, already handed over, wait for their write's force). Failed on the
   * code before: handing the buffer over waited for every write made so far, the failing one's too, and its failure
   * dropped every reply and closed the connection.
   */
  @Test
  void aForceFailingWhileRepliesLargerThanTheBufferGoOutFailsOnlyItsWritesReply() throws Exception {
    String big = "x".repeat(12 << 10); // two do not fit in the buffer
    try (AeonServer server = syncServer(); RespClient c = TestServer.resp3(server, "healthy")) {
      createTwoNamespaces(c);
      List<Object[]> pipeline = List.of(
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"ECHO", big},
          new Object[] {"SELECT", "failing"},
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"ECHO", big}, // the buffer is handed over: the healthy write's reply waits for its force
          new Object[] {"SELECT", "healthy"},
          new Object[] {"MEM.ADD", "s", "user", "three", "VECTOR", "VALUES", "3", "0", "0", "1"},
          new Object[] {"ECHO", big},
          new Object[] {"PING"});
      long ran = server.context().commandsProcessed();
      try (HeldForces forces = HeldForces.hold()) {
        c.sendRaw(encode(pipeline));
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        awaitCommands(server, ran + 4); // the fifth, ECHO, waits to hand the buffer over
        assertNothingArrives(c);
        forces.failOnly(log -> log.getParent().getFileName().toString().equals("failing"));
        List<Object> replies = read(c, pipeline.size());
        assertEquals(List.of(2L, big, "OK"), replies.subList(0, 3));
        assertWriteFailed(replies.get(3));
        assertEquals(List.of(big, "OK", 3L, big, "PONG"), replies.subList(4, 9));
      }
      assertEquals("PONG", c.call("PING"), "the connection stays open");
    }
    assertEachNamespaceHoldsItsAcknowledgedWrites();
  }

  /**
   * The pipeline of the two tests above it, under {@code config}: two namespaces, the failing one's write between the
   * healthy one's, with reads between them. The forces are held until {@code ranFirst} of its commands ran: all of
   * them when the writes share forces, none when the first waits for its own.
   */
  private void eachCommandItsOwnOutcome(UnaryOperator<ServerConfig> config, int ranFirst) throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> config.apply(c.withEngine(c.engine()
            .withDurability(Durability.SYNC).withCheckpoints(1L << 40, Duration.ofHours(1)))));
        RespClient c = TestServer.resp3(server, "healthy")) {
      createTwoNamespaces(c);
      List<Object[]> pipeline = List.of(
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"SELECT", "failing"},
          new Object[] {"MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"},
          new Object[] {"SELECT", "healthy"},
          new Object[] {"MEM.GET", "1"},
          new Object[] {"MEM.ADD", "s", "user", "three", "VECTOR", "VALUES", "3", "0", "0", "1"},
          new Object[] {"MEM.GET", "2"},
          new Object[] {"PING"});
      long ran = server.context().commandsProcessed();
      try (HeldForces forces = HeldForces.hold()) {
        c.sendRaw(encode(pipeline));
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        awaitCommands(server, ran + ranFirst);
        assertNothingArrives(c);
        forces.failOnly(log -> log.getParent().getFileName().toString().equals("failing"));
        List<Object> replies = read(c, pipeline.size());
        assertEquals(List.of(2L, "OK"), replies.subList(0, 2));
        assertWriteFailed(replies.get(2));
        assertEquals("OK", replies.get(3));
        assertEquals("one", assertInstanceOf(Map.class, replies.get(4)).get("text"));
        assertEquals(3L, replies.get(5));
        assertEquals("two", assertInstanceOf(Map.class, replies.get(6)).get("text"));
        assertEquals("PONG", replies.get(7));
      }
      assertEquals("PONG", c.call("PING"), "the connection stays open");
    }
    assertEachNamespaceHoldsItsAcknowledgedWrites();
  }

  /**
   * The reply of a write whose force failed: the error of a write that waited for its own force (which names the
   * namespace when the write's wait was shared).
   */
  private static void assertWriteFailed(Object reply) {
    assertTrue(assertInstanceOf(RespClient.Err.class, reply).message()
        .startsWith("ERR I/O error: the write-ahead log failed to make a mutation durable"), String.valueOf(reply));
  }

  /**
   * Namespaces "healthy" and "failing", each holding event 1, "one", acknowledged (so forced), written by {@code c}, a
   * client with "healthy" selected ({@link TestServer#resp3}), which it has again at the end.
   */
  private static void createTwoNamespaces(RespClient c) throws Exception {
    assertEquals(1L, c.call("MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "3", "1", "0", "0"));
    assertEquals("OK", c.call("SELECT", "failing"));
    assertEquals(1L, c.call("MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "3", "1", "0", "0"));
    assertEquals("OK", c.call("SELECT", "healthy"));
  }

  /**
   * After a restart, "healthy" holds events one, two and three, all acknowledged, and "failing" event one. (Whether
   * "failing" also holds the write whose force failed is not asserted: a failed fsync may leave it on disk, as a write
   * whose reply was lost may be durable all the same.)
   */
  private void assertEachNamespaceHoldsItsAcknowledgedWrites() throws Exception {
    try (AeonServer server = syncServer(); RespClient c = TestServer.resp3(server, "healthy")) {
      for (long id = 1; id <= 3; id++) {
        assertEquals(List.of("one", "two", "three").get((int) id - 1),
            assertInstanceOf(Map.class, c.call("MEM.GET", Long.toString(id))).get("text"));
      }
      assertEquals("OK", c.call("SELECT", "failing"));
      assertEquals("one", assertInstanceOf(Map.class, c.call("MEM.GET", "1")).get("text"));
    }
  }

  /** RESP3; the first write to each namespace creates it (and forces its files), before any force is held. */
  /**
   * Sends a MEM.ADD and the first half of a VADD, and waits until the MEM.ADD ran and its force is held; returns the
   * VADD's other half.
   */
  private static byte[] sendAWriteAndHalfOfTheNext(AeonServer server, RespClient c, HeldForces forces)
      throws Exception {
    byte[] next = RespClient.encode("VADD", "set", "VALUES", "3", "0", "1", "0", "b");
    long ran = server.context().commandsProcessed();
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    first.writeBytes(RespClient.encode("MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "3", "0", "1", "0"));
    first.writeBytes(Arrays.copyOf(next, next.length / 2));
    c.sendRaw(first.toByteArray());
    assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
    awaitCommands(server, ran + 1);
    return Arrays.copyOfRange(next, next.length / 2, next.length);
  }

  private static void createNamespaces(RespClient c) throws Exception {
    assertEquals(1L, c.call("MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "3", "1", "0", "0"));
    assertEquals(true, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
  }

  private static byte[] encode(List<Object[]> pipeline) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Object[] command : pipeline) {
      all.writeBytes(RespClient.encode(command));
    }
    return all.toByteArray();
  }

  /** Waits until the server has run {@code count} commands in all (the connection's last one among them). */
  private static void awaitCommands(AeonServer server, long count) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (server.context().commandsProcessed() < count) {
      assertTrue(System.nanoTime() < deadline, "the server ran " + server.context().commandsProcessed()
          + " commands, not " + count);
      Thread.sleep(1);
    }
  }

  /**
   * No byte of a reply reaches the client while the forces are held. The server has run the commands when this is
   * called, so a reply that did not wait would be on its way already.
   */
  private static void assertNothingArrives(RespClient c) throws Exception {
    c.socket().setSoTimeout(SILENCE_MILLIS);
    try {
      assertThrows(SocketTimeoutException.class, c::read, "a reply arrived while the writes' force was held");
    } finally {
      c.socket().setSoTimeout(30_000);
    }
  }

  private static List<Object> read(RespClient c, int n) throws Exception {
    List<Object> replies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      replies.add(c.read());
    }
    return replies;
  }
}
