package dev.aeon.server.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The decoder over a real loopback socket: what it keeps between requests. */
class RespDecoderTest {

  /**
   * A long inline command grows the line buffer to its length, up to 64 KiB; that memory is counted while the
   * request is read, and must go with it. Before, the decoder kept the grown buffer for the life of the
   * connection, uncounted: 2,000 idle clients that had each sent one 60 KB inline command held about 125 MB more heap
   * than clients that had sent the same command as a bulk string (10,000 clients, the default limit, 640 MB).
   */
  @Test
  void aLongInlineCommandDoesNotLeaveItsLineBufferBehind() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
        Socket served = listener.accept()) {
      MemoryBudget budget = new MemoryBudget(1 << 20);
      RespDecoder decoder = new RespDecoder(served.getInputStream(), RespLimits.DEFAULT, budget);
      int idle = decoder.lineCapacity();
      String text = "x".repeat(60_000);
      OutputStream out = client.getOutputStream();
      out.write(("ECHO " + text + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();

      byte[][] echo = decoder.next();
      assertEquals(2, echo.length);
      assertArrayEquals(text.getBytes(StandardCharsets.US_ASCII), echo[1]);
      decoder.release(); // the command has run
      assertEquals(idle, decoder.lineCapacity());
      assertEquals(0, budget.used());
      assertArrayEquals(new byte[][] {"PING".getBytes(StandardCharsets.US_ASCII)}, decoder.next());
      assertNull(decoder.next());
    }
  }
}
