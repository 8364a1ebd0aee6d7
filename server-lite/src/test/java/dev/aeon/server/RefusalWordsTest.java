package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a client reads when the engine or the query language refuses a command: their messages speak to a Java
 * caller in places (an option of {@code AeonOptions}, a {@code float[]}), and a RESP client has neither. The server
 * here logs segments of 1 MiB ({@link TestServer}), so its largest event is 524,288 bytes, and stops statements
 * after 300 ms.
 */
class RefusalWordsTest {

  @RegisterExtension
  static final SharedServer server =
      new SharedServer(c -> c.withEngine(c.engine().withQueryTimeLimit(Duration.ofMillis(300))));

  private static final int LARGEST_EVENT = 524_288;

  /**
   * A text over the largest event was refused naming {@code AeonOptions.withWalSegmentBytes}, a Java setting no
   * server flag reaches; the client now reads the limit in bytes and that no option changes it. So it is when the
   * text fits but the event with its vector does not, and for a vector-set element (whose name is its text).
   */
  @Test
  void anEventOverTheLimitIsRefusedInTheServersWords() throws Exception {
    String largest = " bytes of the largest event this server stores (no option of the server changes it)";
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "large"));
      assertEquals(new RespClient.Err("ERR the text takes 600000 bytes, more than the " + LARGEST_EVENT + largest),
          c.call("MEM.ADD", "s", "user", "x".repeat(600_000), "VECTOR", "VALUES", "3", "1", "0", "0"));
      Object reply = c.call("MEM.ADD", "s", "user", "x".repeat(LARGEST_EVENT - 10), "VECTOR", "VALUES", "3", "1", "0",
          "0");
      assertEquals(RespClient.Err.class, reply.getClass(), String.valueOf(reply));
      String message = ((RespClient.Err) reply).message();
      assertTrue(message.matches("ERR this mutation takes [0-9]+ bytes in the log"
          + Pattern.quote(" (its text, vector and attributes), more than the " + LARGEST_EVENT + largest)), message);
      assertEquals(new RespClient.Err("ERR the text takes 600000 bytes, more than the " + LARGEST_EVENT + largest),
          c.call("VADD", "k", "VALUES", "3", "1", "0", "0", "y".repeat(600_000)));
      assertEquals(0L, c.call("VCARD", "k"));
    }
  }

  /** So is a batch's (MEM.ADDALL): too large whole, or for one of its events. */
  @Test
  void aBatchOverTheLimitIsRefusedInTheServersWords() throws Exception {
    String largest = " bytes of the largest event this server stores (no option of the server changes it)";
    String smaller = "; nothing was remembered: remember its events in smaller batches";
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "large-batch"));
      String half = "{\"session\": \"s\", \"role\": \"user\", \"text\": \"" + "x".repeat(LARGEST_EVENT / 2)
          + "\", \"vector\": [1, 0]}";
      assertEquals(new RespClient.Err("ERR the batch's texts and vectors take at least " + (LARGEST_EVENT + 16)
          + " bytes, more than the " + LARGEST_EVENT + largest + smaller), c.call("MEM.ADDALL", half, half));
      String nearly = "{\"session\": \"s\", \"role\": \"user\", \"text\": \"" + "x".repeat(LARGEST_EVENT / 2 - 20)
          + "\", \"vector\": [1, 0]}";
      Object reply = c.call("MEM.ADDALL", nearly, nearly);
      String message = assertInstanceOf(RespClient.Err.class, reply, String.valueOf(reply)).message();
      assertTrue(message.matches("ERR the batch of 2 events takes [0-9]+ bytes in the log" + Pattern.quote(" (their"
          + " texts, vectors and attributes), more than the " + LARGEST_EVENT + largest + smaller)), message);
      String tooLong = "{\"session\": \"s\", \"role\": \"user\", \"text\": \"" + "x".repeat(600_000)
          + "\", \"vector\": [1, 0]}";
      assertEquals(new RespClient.Err("ERR the batch's texts and vectors take at least 600008 bytes, more than the "
          + LARGEST_EVENT + largest + smaller), c.call("MEM.ADDALL", tooLong));
    }
  }

  /**
   * A statement stopped at its time limit was told to see {@code AeonOptions.withQueryTimeLimit}; the server has no
   * option for it, so the client reads the limit and how to bound the statement. Twenty-four events that all refer
   * to each other make every path of up to 12 hops: hours of work.
   */
  @Test
  @Timeout(60)
  void aStatementPastItsTimeLimitIsToldSoWithoutJava() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "slow"));
      for (int i = 1; i <= 24; i++) {
        assertEquals((long) i, c.call("MEM.ADD", "s", "user", "event " + i));
      }
      for (int a = 1; a <= 24; a++) {
        for (int b = 1; b <= 24; b++) {
          if (a != b) {
            assertEquals("OK", c.call("MEM.LINK", Integer.toString(a), "REFERS_TO", Integer.toString(b)));
          }
        }
      }
      assertEquals(new RespClient.Err("ERR line 1, column 1: the statement ran past its time limit of 300 ms: bound"
              + " its variable-length patterns, or start from fewer nodes"),
          c.call("MEM.QUERY", "MATCH (a)-[:REFERS_TO*1..12]->(b) RETURN count(*)"));
    }
  }

  /**
   * {@code recall("some text", 5)} was told that recall needs a "float[] or a list of numbers": a client cannot send
   * a float[], and learned nothing of how to recall by text. It now reads the forms a vector takes over the server,
   * among them {@code EMBED name text}; so does {@code similarity()}. A JSON array, as it says, works.
   */
  @Test
  void aTextWhereAVectorIsNeededPointsToEmbed() throws Exception {
    String forms = "a vector (a list of numbers: a parameter given as a JSON array, or EMBED name text, which gives"
        + " the parameter the text's vector)";
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "bytext"));
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertEquals(new RespClient.Err("ERR line 1, column 13: recall() needs " + forms
              + " as first argument but got string"),
          c.call("MEM.QUERY", "CALL recall(\"some text\", 5) YIELD event RETURN event.id"));
      assertEquals(new RespClient.Err("ERR line 1, column 13: recall() needs " + forms
              + " as first argument but got string"),
          c.call("MEM.QUERY", "CALL recall($q, 5) YIELD event RETURN event.id", "q", "some text"));
      assertEquals(new RespClient.Err("ERR line 1, column 18: similarity() needs " + forms
              + " as second argument but got string"),
          c.call("MEM.QUERY", "MATCH (e) RETURN similarity(e, 'some text')"));
      assertEquals(Map.of("columns", List.of("event.id"), "rows", List.of(List.of(1L))),
          asMap(c.call("MEM.QUERY", "CALL recall($q, 5) YIELD event RETURN event.id", "q", "[1, 0, 0]")));
    }
  }

  /**
   * A {@code WHERE} value sent as a JSON array was told to use "String, Boolean, Long, Integer, Short, Byte, Double or
   * Float", Java types a client cannot send; it now reads what a {@code WHERE} value may be, in its own terms. An
   * attribute name that holds those words is quoted as sent.
   */
  @Test
  void aWhereValueThatIsAnArrayIsRefusedInTheClientsTerms() throws Exception {
    String java = " never equals a stored attribute (use String, Boolean, Long, Integer, Short, Byte, Double or Float)";
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "where"));
      assertEquals(1L, c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "3", "1", "0", "0"));
      assertEquals(new RespClient.Err("ERR where('x'): a JSON array never equals a stored attribute (a WHERE value is"
              + " a number, boolean or string)"),
          c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "WHERE", "x", "[1, 2]"));
      String name = "a List" + java;
      assertEquals(new RespClient.Err("ERR where('" + name + "'): a JSON array never equals a stored attribute (a"
              + " WHERE value is a number, boolean or string)"),
          c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "WHERE", name, "[]"));
    }
  }

  /**
   * The replaced parts are the engine's own words, not a client's: a statement's text that a refusal quotes is
   * quoted as it was sent, even holding one of those parts.
   */
  @Test
  void aClientsOwnTextInARefusalIsQuotedAsSent() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "quoted"));
      for (String part : List.of(" (AeonOptions.withQueryTimeLimit):", "a vector (float[] or a list of numbers)",
          " one log record holds (half the largest log segment, AeonOptions.withWalSegmentBytes, at most 16 MiB)")) {
        Object reply = c.call("MEM.QUERY", "RETURN 1 'x" + part + "'");
        assertEquals(RespClient.Err.class, reply.getClass(), String.valueOf(reply));
        String message = ((RespClient.Err) reply).message();
        assertTrue(message.contains("'x" + part + "'"), message);
      }
    }
  }

  /** RESP2's flat array of a map as a map. */
  private static Map<?, ?> asMap(Object reply) {
    List<?> flat = (List<?>) reply;
    return Map.of(flat.get(0), flat.get(1), flat.get(2), flat.get(3));
  }
}
