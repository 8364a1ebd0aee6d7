package dev.aeon.fuzz.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.server.resp.MemoryBudget;
import dev.aeon.server.resp.ProtocolException;
import dev.aeon.server.resp.RespDecoder;
import dev.aeon.server.resp.RespLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RESP request decoder on arbitrary bytes: it returns commands within the limits, ends cleanly, or throws
 * its documented errors (ProtocolException for bad frames, EOFException for a frame cut short), and it gives
 * back every byte of the memory budget it took. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class RespDecoderFuzzTest {

  private static final RespLimits LIMITS = new RespLimits(100_000, 64, 256);

  @FuzzTest(maxDuration = "60s")
  void arbitraryBytesNeverEscapeTheDocumentedErrors(FuzzedDataProvider data) throws IOException {
    int bufferSize = data.consumeInt(1, 64);
    long budgetBytes = data.consumeLong(1, 1 << 20);
    decodeAll(data.consumeRemainingAsBytes(), bufferSize, budgetBytes);
  }

  @FuzzTest(maxDuration = "60s")
  void encodedCommandsDecodeToThemselves(FuzzedDataProvider data) throws IOException, ProtocolException {
    List<byte[][]> commands = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    int n = data.consumeInt(1, 8);
    for (int c = 0; c < n; c++) {
      int argc = data.consumeInt(1, 6);
      byte[][] args = new byte[argc][];
      wire.writeBytes(("*" + argc + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < argc; i++) {
        args[i] = data.consumeBytes(data.consumeInt(0, 300));
        wire.writeBytes(("$" + args[i].length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        wire.writeBytes(args[i]);
        wire.writeBytes(new byte[] {'\r', '\n'});
      }
      commands.add(args);
    }
    MemoryBudget budget = new MemoryBudget(1 << 20);
    RespDecoder d = new RespDecoder(new ByteArrayInputStream(wire.toByteArray()), LIMITS, budget,
        data.consumeInt(1, 64));
    for (byte[][] expected : commands) {
      byte[][] got = d.next();
      assertNotNull(got);
      assertEquals(expected.length, got.length);
      for (int i = 0; i < got.length; i++) {
        assertArrayEquals(expected[i], got[i]);
      }
    }
    assertNull(d.next());
    assertEquals(0, budget.used());
  }

  /** Hand-made inputs at the edges, run as a plain test as well as seeds of the fuzzer's logic. */
  @Test
  void edgeCases() throws IOException {
    for (String s : List.of("", "*", "*\r\n", "*-1\r\n", "*0\r\n", "*1\r\n$-1\r\n", "*1\r\n$0\r\n\r\n",
        "*99999999999999999999\r\n", "*1\r\n$99999999999\r\n", "$5\r\nhello\r\n", "\"unterminated",
        "'a'b", "\"\\x4", "PING", "PING\r\n\r\n\r\n", "*2\r\n$1\r\na\r\n:1\r\n", "*1\r\n$3\r\nabc", "\r\n*1\r\n$1\n")) {
      for (int buffer : new int[] {1, 2, 3, 16}) {
        decodeAll(s.getBytes(StandardCharsets.ISO_8859_1), buffer, 1 << 20);
      }
    }
    decodeAll(("*1\r\n$70000\r\n" + "x".repeat(70_000) + "\r\n").getBytes(StandardCharsets.US_ASCII), 64, 1);
  }

  private static void decodeAll(byte[] input, int bufferSize, long budgetBytes) throws IOException {
    MemoryBudget budget = new MemoryBudget(budgetBytes);
    RespDecoder d = new RespDecoder(new ByteArrayInputStream(input), LIMITS, budget, bufferSize);
    try {
      byte[][] command;
      while ((command = d.next()) != null) {
        assertTrue(command.length > 0 && command.length <= LIMITS.maxArrayLength());
        long bytes = 0;
        for (byte[] arg : command) {
          assertTrue(arg.length <= Math.max(LIMITS.maxBulkBytes(), LIMITS.maxInlineBytes()));
          bytes += arg.length;
        }
        assertTrue(bytes <= input.length);
        assertTrue(budget.used() <= budget.limit());
      }
    } catch (ProtocolException | EOFException expected) {
      assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
    } finally {
      d.release();
    }
    assertEquals(0, budget.used());
  }
}
