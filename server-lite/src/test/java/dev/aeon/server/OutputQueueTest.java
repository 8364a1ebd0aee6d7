package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.resp.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The queue of one connection's replies, without a socket: what it holds, and that it sends it all in order. */
class OutputQueueTest {

  /**
   * Small replies are packed into chunks: a queue of one array per write held 60,000 arrays for the 60,000
   * {@code +PONG}s here, each array's header and the queue's slot for it taking more than its 7 bytes.
   */
  @Test
  void smallRepliesArePackedSoTheHeapFollowsTheBytesCounted() throws Exception {
    OutputQueue queue = new OutputQueue(64 << 20, new MemoryBudget(1L << 30));
    byte[] pong = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 60_000; i++) {
      queue.write(pong, 0, pong.length);
    }
    assertEquals(60_000L * pong.length, queue.pending());
    // the first exactly (nothing queued before it), the rest packed
    assertEquals(1 + (59_999 * pong.length + OutputQueue.CHUNK - 1) / OutputQueue.CHUNK, queue.chunks());
  }

  /** Writes of every size, small ones packed and large ones split across chunks, come out whole and in order. */
  @Test
  void everythingWrittenIsSentInOrder() throws Exception {
    OutputQueue queue = new OutputQueue(64 << 20, new MemoryBudget(1L << 30));
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    Thread sender = Thread.ofVirtual().start(() -> queue.sendTo(sent));
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      byte[] reply = new byte[random.nextInt(4) == 0 ? random.nextInt(200_000) : random.nextInt(20)];
      random.nextBytes(reply);
      queue.write(reply, 0, reply.length);
      written.writeBytes(reply);
    }
    queue.finish();
    sender.join();
    assertArrayEquals(written.toByteArray(), sent.toByteArray());
    assertTrue(queue.pending() == 0 && queue.chunks() == 0);
  }
}
