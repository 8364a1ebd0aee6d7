package dev.aeon.server.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The writer's buffering: a full buffer is sent at once, unless sending is deferred; how doubles read. */
class RespWriterTest {

  @Test
  void doublesAreWrittenAsRedisWritesThem() {
    assertEquals("3", RespWriter.formatDouble(3.0));
    assertEquals("0", RespWriter.formatDouble(0.0));
    assertEquals("-0", RespWriter.formatDouble(-0.0));
    assertEquals("-2.5", RespWriter.formatDouble(-2.5));
    assertEquals("1.0E15", RespWriter.formatDouble(1e15));
    assertEquals("inf", RespWriter.formatDouble(Double.POSITIVE_INFINITY));
    assertEquals("-inf", RespWriter.formatDouble(Double.NEGATIVE_INFINITY));
    assertEquals("nan", RespWriter.formatDouble(Double.NaN));
  }

  private static final int BUFFER = 64;

  @Test
  void aFullBufferIsSentAtOnce() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RespWriter w = new RespWriter(out, BUFFER);
    for (int i = 0; i < 20; i++) {
      w.simple("OK");
    }
    assertTrue(out.size() > 0, "a reply longer than the buffer leaves before the flush");
    w.flush();
    assertEquals("+OK\r\n".repeat(20), out.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void deferredRepliesGrowTheBufferAndLeaveOnlyAtTheFlush() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RespWriter w = new RespWriter(out, BUFFER);
    String big = "x".repeat(5 * BUFFER);
    w.deferSending(true);
    w.mark();
    w.array(3);
    w.bulk(big);
    w.simple("y".repeat(3 * BUFFER));
    w.integer(7);
    assertEquals(0, out.size(), "nothing is sent while sending is deferred");
    assertTrue(w.resetToMark(), "a deferred reply can still be taken back");
    w.array(2);
    w.bulk(big);
    w.integer(7);
    w.deferSending(false);
    w.flush();
    assertEquals("*2\r\n$" + big.length() + "\r\n" + big + "\r\n:7\r\n", out.toString(StandardCharsets.US_ASCII));

    out.reset();
    for (int i = 0; i < 20; i++) {
      w.simple("OK");
    }
    assertTrue(out.size() > 0, "after the flush the buffer is back to its size and sends when full");
  }

  @Test
  void aGrownBufferIsSentOnceSendingIsNoLongerDeferred() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RespWriter w = new RespWriter(out, BUFFER);
    w.deferSending(true);
    w.bulk("z".repeat(4 * BUFFER));
    w.deferSending(false);
    assertEquals(0, out.size());
    w.sendIfOverfull();
    assertTrue(out.size() > 4 * BUFFER, "a reply larger than the buffer does not wait for the next flush");
    int sent = out.size();
    w.simple("OK");
    w.sendIfOverfull();
    assertEquals(sent, out.size(), "a reply that fits the buffer waits for the flush");
  }

  /**
   * The position counts every byte written, whichever way it left (a full buffer, a value larger than the buffer
   * written through, a flush) or whether it is still buffered, taken back bytes excepted: it is where the stream will
   * receive the next byte, which is how the server's stream tells whose reply a byte is.
   */
  @Test
  void thePositionIsWhereTheStreamReceivesTheNextByte() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RespWriter w = new RespWriter(out, BUFFER);
    assertEquals(0, w.position());
    w.simple("OK");
    assertEquals(5, w.position());
    w.bulk("x".repeat(3 * BUFFER)); // written through the buffer
    w.integer(7);
    assertEquals("+OK\r\n$192\r\n".length() + 3 * BUFFER + "\r\n:7\r\n".length(), w.position());
    assertTrue(out.size() > 0 && out.size() < w.position(), "some of it left, some is buffered");
    w.mark();
    w.simple("taken back");
    w.resetToMark();
    w.flush();
    assertEquals(out.size(), w.position());
    assertEquals("-ERR a\r\n", new String(RespWriter.errorReply("ERR a"), StandardCharsets.US_ASCII));
  }
}
