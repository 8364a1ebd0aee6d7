package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Command names and keywords are compared in ASCII only, as Redis compares them (strcasecmp in the C locale): a
 * name or keyword with a non-ASCII letter is no name or keyword, even where Java's Unicode case folding makes it one.
 * Before, {@code \u212AEYS} (KELVIN SIGN, which Java lower-cases to {@code k}) ran KEYS, and {@code VALUE\u017F}
 * (LATIN SMALL LETTER LONG S, which Java upper-cases to {@code S}) read as VALUES.
 */
class AsciiKeywordsTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  private static final String KELVIN_SIGN = "\u212A";
  private static final String LONG_S = "\u017F";

  @Test
  void aCommandNameWithANonAsciiLetterIsUnknown() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(List.of(), c.call("keys", "*"), "an ASCII name in any case is the command");
      Object reply = c.call(KELVIN_SIGN + "EYS", "*");
      String message = assertInstanceOf(RespClient.Err.class, reply, String.valueOf(reply)).message();
      assertTrue(message.startsWith("ERR unknown command '" + KELVIN_SIGN + "EYS'"), message);
    }
  }

  @Test
  void aKeywordWithANonAsciiLetterIsNoKeyword() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "ascii-keywords"));
      assertEquals(1L, c.call("VADD", "set", "values", "2", "1", "0", "e"), "ASCII keywords in any case are read");
      assertEquals(List.of("e"), c.call("VSIM", "set", "Values", "2", "1", "0"));
      // a keyword read where a vector starts (Args.accept)
      assertErr("ERR expected a vector: FP32 <blob>, VALUES <n> <v1> ... <vn> or TEXT <text>",
          c.call("VSIM", "set", "VALUE" + LONG_S, "2", "1", "0"));
      assertErr("ERR expected a vector: FP32 <blob>, VALUES <n> <v1> ... <vn> or TEXT <text>",
          c.call("VADD", "set", "VALUE" + LONG_S, "2", "0", "1", "f"));
      // an option read in a switch of upper-cased names
      assertErr("ERR unknown VSIM option 'WITH" + LONG_S + "CORES'",
          c.call("VSIM", "set", "VALUES", "2", "1", "0", "WITH" + LONG_S + "CORES"));
      assertErr("ERR unknown VADD option 'CA" + LONG_S + "'",
          c.call("VADD", "set", "VALUES", "2", "0", "1", "f", "CA" + LONG_S));
      assertErr("ERR unknown MEM.ADD option 'ATTR" + LONG_S + "'",
          c.call("MEM.ADD", "s", "user", "a text", "ATTR" + LONG_S, "{}"));
      assertEquals(1L, c.call("VCARD", "set"), "no refused VADD added its element");
    }
  }

  private static void assertErr(String expected, Object reply) {
    assertEquals(new RespClient.Err(expected), reply);
  }
}
