package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The engine's own MEM.* commands, in RESP3 (maps) and RESP2 (flat arrays). */
class MemCommandsTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  /**
   * MEM.STATS reports the namespace's log flusher's idle waits (spun or blocked at once, and how soon its writers came
   * back, by class), as the engine's {@code MemoryStats.logFlusher} counts them; before, it reported only the forces.
   */
  @Test
  void statsReportTheLogFlushersIdleWaits() throws Exception {
    try (RespClient c = server.resp3("flusher")) {
      c.call("MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "2", "1", "0");
      c.call("MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "2", "0", "1");
      assertEquals("OK", c.call("MEM.CHECKPOINT")); // forces the log: the flusher has taken both records
      Map<?, ?> stats = assertInstanceOf(Map.class, c.call("MEM.STATS"));
      long spun = assertInstanceOf(Long.class, stats.get("log_flusher_waits_spun"));
      long blocked = assertInstanceOf(Long.class, stats.get("log_flusher_waits_blocked"));
      assertTrue(spun + blocked >= 1, "the log's flusher waited for the first record: " + stats);
      assertTrue(assertInstanceOf(Long.class, stats.get("log_flusher_spins_wasted")) <= spun, stats::toString);
      assertTrue(assertInstanceOf(Long.class, stats.get("log_flusher_wake_ups_a_spin_would_save")) <= blocked,
          stats::toString);
      assertEquals(List.of(25L, 50L, 100L, 200L, 1_000L), stats.get("log_flusher_return_bounds_us"));
      List<?> returns = assertInstanceOf(List.class, stats.get("log_flusher_writer_returns"));
      assertEquals(6, returns.size(), "one class per bound and one beyond them: " + returns);
      long returned = returns.stream().mapToLong(n -> (Long) n).sum();
      assertTrue(returned >= 1 && returned <= spun + blocked, "each return ended one wait: " + stats);
    }
    try (RespClient c = new RespClient(server.port())) { // RESP2: the map flattened, the classes an array
      assertEquals("OK", c.call("SELECT", "flusher"));
      List<?> flat = assertInstanceOf(List.class, c.call("MEM.STATS"));
      int at = flat.indexOf("log_flusher_writer_returns");
      assertTrue(at >= 0 && at % 2 == 0, flat::toString);
      assertEquals(6, assertInstanceOf(List.class, flat.get(at + 1)).size(), flat::toString);
    }
  }

  @Test
  void rememberRecallTraceLinkForget() throws Exception {
    try (RespClient c = server.resp3("agent1")) {
      long u1 = (Long) c.call("MEM.ADD", "conv-1", "user", "I moved to Lisbon last spring",
          "VECTOR", "VALUES", "3", "1", "0", "0", "AT", "1000", "ATTRS", "{\"topic\":\"home\",\"mood\":3}");
      long a1 = (Long) c.call("MEM.ADD", "conv-1", "assistant", "Lisbon is lovely in spring",
          "VECTOR", "VALUES", "3", "0.9", "0.1", "0", "AT", "2000");
      long u2 = (Long) c.call("MEM.ADD", "conv-1", "user", "My cat is called Miso",
          "VECTOR", "VALUES", "3", "0", "1", "0", "AT", "3000", "LINK", "REFERS_TO", Long.toString(u1));
      assertTrue(u1 < a1 && a1 < u2);

      List<?> hits = assertInstanceOf(List.class, c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "COUNT", "2"));
      assertEquals(2, hits.size());
      Map<?, ?> best = assertInstanceOf(Map.class, hits.getFirst());
      assertEquals(u1, best.get("id"));
      assertEquals("I moved to Lisbon last spring", best.get("text"));
      assertEquals(Map.of("topic", "home", "mood", 3L), best.get("attributes"));
      assertEquals(1.0, ((RespClient.Dbl) best.get("score")).value(), 1e-5);
      assertEquals(true, best.get("has_vector"));

      List<?> users = assertInstanceOf(List.class,
          c.call("MEM.RECALL", "VALUES", "3", "1", "0", "0", "ROLE", "user", "BETWEEN", "2500", "9999"));
      assertEquals(List.of(u2), users.stream().map(m -> ((Map<?, ?>) m).get("id")).toList());
      List<?> where = assertInstanceOf(List.class,
          c.call("MEM.RECALL", "VALUES", "3", "0", "1", "0", "WHERE", "topic", "home", "SESSION", "conv-1"));
      assertEquals(List.of(u1), where.stream().map(m -> ((Map<?, ?>) m).get("id")).toList());

      List<?> trace = assertInstanceOf(List.class, c.call("MEM.TRACE", "conv-1", "COUNT", "2"));
      assertEquals(List.of(u2, a1), trace.stream().map(m -> ((Map<?, ?>) m).get("id")).toList());
      assertEquals(1000L, ((Map<?, ?>) c.call("MEM.GET", Long.toString(u1))).get("timestamp"));

      assertEquals("OK", c.call("MEM.LINK", Long.toString(a1), "CAUSED_BY", Long.toString(u1)));
      assertEquals("OK", c.call("MEM.LINK", Long.toString(a1), "CAUSED_BY", Long.toString(u1), "FROM", "1500"));
      assertEquals(new RespClient.Err("ERR the link " + a1 + " -[CAUSED_BY]-> " + u1 + " is valid from 1500, so it"
              + " cannot end at 1500: an end must be after the start"),
          c.call("MEM.INVALIDATE", Long.toString(a1), "CAUSED_BY", Long.toString(u1), "AT", "1500"));
      assertEquals(new RespClient.Err("ERR cannot invalidate at 9223372036854775807, the largest time: a link valid"
              + " until then is open"),
          c.call("MEM.INVALIDATE", Long.toString(a1), "CAUSED_BY", Long.toString(u1), "AT", "9223372036854775807"));
      assertEquals(2L, c.call("MEM.INVALIDATE", Long.toString(a1), "CAUSED_BY", Long.toString(u1), "AT", "2500"));
      assertEquals(0L, c.call("MEM.INVALIDATE", Long.toString(a1), "CAUSED_BY", Long.toString(u1)), "none current");
      assertEquals(0L, c.call("MEM.INVALIDATE", Long.toString(u1), "CAUSED_BY", Long.toString(a1)), "other way");
      assertEquals(new RespClient.Err("ERR no event with id 999 in namespace 'agent1'"),
          c.call("MEM.INVALIDATE", "999", "CAUSED_BY", Long.toString(a1)));
      String count = "MATCH (a)-[r:CAUSED_BY]->(u) %s RETURN count(r)";
      assertEquals(List.of(List.of(2L)), ((Map<?, ?>) c.call("MEM.QUERY", count.formatted("AS OF 2000"))).get("rows"));
      assertEquals(List.of(List.of(0L)), ((Map<?, ?>) c.call("MEM.QUERY", count.formatted(""))).get("rows"));
      assertEquals("OK", c.call("MEM.LINK", Long.toString(a1), "CAUSED_BY", Long.toString(u1)));
      Map<?, ?> q = assertInstanceOf(Map.class, c.call("MEM.QUERY",
          "MATCH (a:assistant)<-[:NEXT]-(u:user) WHERE u.text CONTAINS $word RETURN a.text", "word", "Lisbon"));
      assertEquals(List.of("a.text"), q.get("columns"));
      assertEquals(List.of(List.of("Lisbon is lovely in spring")), q.get("rows"));

      assertEquals("OK", c.call("MEM.SETATTR", Long.toString(a1), "{\"rated\":true}"));
      assertEquals(true, ((Map<?, ?>) ((Map<?, ?>) c.call("MEM.GET", Long.toString(a1))).get("attributes"))
          .get("rated"));
      assertEquals("OK", c.call("MEM.SETATTR", Long.toString(u1), "{\"topic\":null,\"mood\":4}")); // null removes
      assertEquals(Map.of("mood", 4L), ((Map<?, ?>) c.call("MEM.GET", Long.toString(u1))).get("attributes"));

      Map<?, ?> stats = assertInstanceOf(Map.class, c.call("MEM.STATS"));
      assertEquals("agent1", stats.get("namespace"));
      assertEquals(3L, stats.get("events"));
      assertEquals(0L, stats.get("slb_sessions")); // no recall yet
      assertEquals(0L, stats.get("slb_bytes"));
      assertInstanceOf(Long.class, stats.get("retired_not_freed")); // nonzero only while a read runs long
      assertInstanceOf(Long.class, stats.get("log_forces"));
      assertEquals(0L, stats.get("index_merges_waiting")); // nonzero only on a device too full to merge leaves
      assertEquals(23, stats.size());
      assertEquals("OK", c.call("MEM.CHECKPOINT"));

      assertEquals(1L, c.call("MEM.FORGET", Long.toString(u2)));
      assertEquals(0L, c.call("MEM.FORGET", Long.toString(u2)));
      assertNull(c.call("MEM.GET", Long.toString(u2)));
      assertEquals(2L, c.call("MEM.FORGET", "SESSION", "conv-1"));
      assertEquals(List.of(), c.call("MEM.TRACE", "conv-1"));
    }
  }

  @Test
  void resp2FlattensMapsAndErrorsAreClear() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "agent2"));
      long id = (Long) c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "2", "1", "1");
      List<?> event = assertInstanceOf(List.class, c.call("MEM.GET", Long.toString(id)));
      assertEquals(List.of("id", id, "session", "s", "role", "user"), event.subList(0, 6));
      assertEquals(1L, event.get(event.indexOf("has_vector") + 1)); // RESP2 booleans are integers
      assertTrue(((RespClient.Err) c.call("MEM.ADD", "s", "user", "x", "ATTRS", "{\"a\":[1]}")).message()
          .startsWith("ERR event attributes must be strings, numbers or booleans"));
      assertTrue(((RespClient.Err) c.call("MEM.ADD", "s", "user", "x", "COLOR", "red")).message()
          .startsWith("ERR unknown MEM.ADD option 'COLOR'"));
      assertEquals(new RespClient.Err("ERR MEM.QUERY parameters come in name value pairs"),
          c.call("MEM.QUERY", "MATCH (e) RETURN e", "lonely"));
      RespClient.Err bad = assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY", "MATCH (e RETURN e"));
      // the user's mistake, told plainly: not an internal error with the exception's class name
      assertTrue(bad.message().matches("ERR line 1, column 10: [^\\n]*'RETURN'.*"), bad.message());
      RespClient.Err unknown = assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY", "MATCH (e) RETURN nope"));
      assertTrue(unknown.message().startsWith("ERR line 1, column "), unknown.message());
      // a statement whose expressions would build more than one may hold (range() alone: 60 million integers)
      RespClient.Err tooLarge = assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY",
          "RETURN size(range(1, 60000000))"));
      assertTrue(tooLarge.message().matches("ERR line 1, column \\d+: expressions too large: .*"), tooLarge.message());
      // a returned value nested deeper than a parameter may be (its conversion ran out of stack and dropped the client)
      assertEquals(
          new RespClient.Err("ERR line 1, column 8: column 'deep' holds lists and maps nested more than 100 levels"
          + " deep"), c.call("MEM.QUERY", "RETURN reduce(acc = 1, x IN range(1, 1000) | [acc]) AS deep"));
      assertTrue(((RespClient.Err) c.call("SELECT", "bad name!")).message().startsWith("ERR bad namespace name"));
      assertEquals(new RespClient.Err("ERR value is not an integer or out of range"), c.call("MEM.GET", "x"));
    }
  }

  /** MEM.LINK refuses a validity that ends before it starts in the command's own words (FROM, UNTIL). */
  @Test
  void aLinkThatEndsBeforeItStartsIsRefusedInTheCommandsWords() throws Exception {
    try (RespClient c = server.resp3("link-validity")) {
      String a = Long.toString((Long) c.call("MEM.ADD", "s", "user", "a", "VECTOR", "VALUES", "2", "1", "0"));
      String b = Long.toString((Long) c.call("MEM.ADD", "s", "user", "b", "VECTOR", "VALUES", "2", "0", "1"));
      assertEquals(new RespClient.Err("ERR a link must start before it ends: FROM 10 is not before UNTIL 5"),
          c.call("MEM.LINK", a, "T", b, "FROM", "10", "UNTIL", "5"));
      assertEquals(new RespClient.Err("ERR a link must start before it ends: FROM 10 is not before UNTIL 10"),
          c.call("MEM.LINK", a, "T", b, "UNTIL", "10", "FROM", "10"));
      assertEquals(new RespClient.Err("ERR a link must start before it ends: FROM -9223372036854775808 is not before"
          + " UNTIL -9223372036854775808"), c.call("MEM.LINK", a, "T", b, "UNTIL", "-9223372036854775808"));
      assertEquals(List.of(List.of(0L)),
          ((Map<?, ?>) c.call("MEM.QUERY", "MATCH (a)-[r:T]->(b) RETURN count(r)")).get("rows"), "none stored");
      assertEquals("OK", c.call("MEM.LINK", a, "T", b, "FROM", "5", "UNTIL", "10"));
    }
  }

  /** A query over the wire: a JSON array is a vector for recall(), a relationship comes back as a map. */
  @Test
  void queriesTakeVectorsAsJsonArraysAndReturnRelationshipsAsMaps() throws Exception {
    try (RespClient c = server.resp3("query")) {
      long first = (Long) c.call("MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "2", "1", "0");
      long second = (Long) c.call("MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "2", "0", "1");
      Map<?, ?> recalled = assertInstanceOf(Map.class, c.call("MEM.QUERY",
          "CALL recall($q, 1) YIELD event MATCH (event)-[r:NEXT]->(n) RETURN event.id, r, n.text", "q", "[1, 0.1]"));
      Map<String, Object> next = Map.of("type", "NEXT", "from", first, "to", second,
          "valid_from", Long.MIN_VALUE, "valid_to", Long.MAX_VALUE);
      assertEquals(List.of(List.of(first, next, "two")), recalled.get("rows"));
      String wrongDimension = assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY",
          "CALL recall($q, 1) YIELD event RETURN event.id", "q", "[1, 0, 0]")).message();
      assertTrue(wrongDimension.startsWith("ERR line 1, column 13: recall() cannot search with this vector"),
          wrongDimension);
      assertEquals(new RespClient.Err("ERR EMBED needs an embedder, and this server runs without one"
          + " (start it without --embedder none)"),
          c.call("MEM.QUERY", "CALL recall($q, 1) YIELD event RETURN event.id",
          "EMBED", "q", "one"));
      // the short form embeds its text too, and says so in its own words: the client typed no TEXT
      assertEquals(new RespClient.Err("ERR MEM.RECALL session text (the short form) needs an embedder, and this server"
          + " runs without one (start it without --embedder none)"), c.call("MEM.RECALL", "s", "one"));
      // the long form reads every argument before it embeds its TEXT: a bad option is its own error
      assertEquals(new RespClient.Err("ERR unknown MEM.RECALL option 'BOGUS'"), c.call("MEM.RECALL", "TEXT", "one",
          "BOGUS"));
    }
  }

  /** Without COUNT, MEM.RECALL answers 10 events and MEM.TRACE 100, as docs/server.md says. */
  @Test
  void countsDefaultAsDocumented() throws Exception {
    try (RespClient c = server.resp3("defaults")) {
      for (int i = 0; i < 101; i++) {
        c.call("MEM.ADD", "s", "user", "event " + i, "VECTOR", "VALUES", "2", "1", Integer.toString(i));
      }
      assertEquals(10, ((List<?>) c.call("MEM.RECALL", "VALUES", "2", "1", "0")).size());
      assertEquals(100, ((List<?>) c.call("MEM.TRACE", "s")).size());
    }
  }

  /**
   * An option named twice takes its last value, in every MEM.* command as in most of Redis': MEM.TRACE's COUNT and
   * MEM.INVALIDATE's AT were a syntax error there, while MEM.ADD, MEM.RECALL, MEM.LINK and MEM.SESSIONS took the last.
   */
  @Test
  void anOptionNamedTwiceTakesItsLastValueInEveryCommand() throws Exception {
    try (RespClient c = server.resp3("twice")) {
      long first = (Long) c.call("MEM.ADD", "s", "user", "one", "VECTOR", "VALUES", "2", "1", "0", "AT", "1", "AT",
          "10");
      long second = (Long) c.call("MEM.ADD", "s", "user", "two", "VECTOR", "VALUES", "2", "0", "1", "AT", "20");
      assertEquals(10L, ((Map<?, ?>) c.call("MEM.GET", Long.toString(first))).get("timestamp"));
      assertEquals(2, ((List<?>) c.call("MEM.TRACE", "s", "COUNT", "1", "COUNT", "2")).size());
      assertEquals(1, ((List<?>) c.call("MEM.TRACE", "s", "COUNT", "2", "COUNT", "1")).size());
      assertEquals(2, ((List<?>) c.call("MEM.RECALL", "VALUES", "2", "1", "0", "COUNT", "1", "COUNT", "2")).size());
      assertEquals("OK", c.call("MEM.LINK", Long.toString(second), "T", Long.toString(first), "FROM", "9", "FROM",
          "1"));
      assertEquals(1L, c.call("MEM.INVALIDATE", Long.toString(second), "T", Long.toString(first), "AT", "5", "AT",
          "6"));
      assertEquals(List.of(List.of(1L, 6L)), ((Map<?, ?>) c.call("MEM.QUERY",
          "MATCH ()-[r:T]->() AS OF 5 RETURN r.valid_from, r.valid_to")).get("rows"));
      // an unknown option is named as the other commands name it, not a bare syntax error
      assertEquals(new RespClient.Err("ERR unknown MEM.TRACE option 'Limit'"), c.call("MEM.TRACE", "s", "Limit", "1"));
      assertEquals(new RespClient.Err("ERR unknown MEM.INVALIDATE option 'Until'"),
          c.call("MEM.INVALIDATE", Long.toString(second), "T", Long.toString(first), "Until", "7"));
    }
  }

  /**
   * An empty name, or one longer than the 1,024 bytes a stored one may take, can match nothing: a read refuses it as
   * a write does, saying which name is wrong, where it answered an empty list (and recall's SESSION "" showed the Java
   * API's "null: any session").
   */
  @Test
  void anEmptyOrOverlongNameIsRefusedByReadsAsByWrites() throws Exception {
    try (RespClient c = server.resp3("names")) {
      c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "2", "1", "0", "ATTRS", "{\"a\":1}");
      String overlong = "é".repeat(513); // 1,026 bytes of UTF-8 in 513 characters
      String[] vector = {"MEM.RECALL", "VALUES", "2", "1", "0"};
      Map<String, List<Object[]>> refused = new java.util.LinkedHashMap<>();
      for (String name : List.of("", overlong)) {
        String wrong = name.isEmpty() ? " must not be empty" : " is longer than 1024 bytes";
        refused.put("session" + wrong + "/" + name.length(), List.<Object[]>of(
            concat(vector, "SESSION", name), new Object[] {"MEM.RECALL", name, "some text"},
            new Object[] {"MEM.TRACE", name}, new Object[] {"MEM.FORGET", "SESSION", name},
            new Object[] {"MEM.ADD", name, "user", "x"}));
        refused.put("role" + wrong + "/" + name.length(), List.<Object[]>of(
            concat(vector, "ROLE", "user", "ROLE", name), new Object[] {"MEM.ADD", "s", name, "x"}));
        refused.put("attribute name" + wrong + "/" + name.length(),
            List.<Object[]>of(concat(vector, "WHERE", name, "1")));
        refused.put("link type" + wrong + "/" + name.length(), List.<Object[]>of(
            new Object[] {"MEM.LINK", "1", name, "1"}, new Object[] {"MEM.INVALIDATE", "1", name, "1"},
            new Object[] {"MEM.ADD", "s", "user", "x", "LINK", name, "1"}));
      }
      for (Map.Entry<String, List<Object[]>> r : refused.entrySet()) {
        String expected = "ERR " + r.getKey().substring(0, r.getKey().indexOf('/'));
        for (Object[] command : r.getValue()) {
          assertEquals(new RespClient.Err(expected), c.call(command), r.getKey() + ": " + command[0]);
        }
      }
      assertEquals(1L, ((Map<?, ?>) c.call("MEM.STATS")).get("events"), "a refused write added nothing");
    }
  }

  /**
   * An error says what the client sent, in the server's words: an unknown option as given (it was upper-cased,
   * '5X' for 5x), and a JSON argument too large to read by its name and limit (it was Jackson's
   * "String value length (20051429) exceeds the maximum allowed (20000000)").
   */
  @Test
  void errorsSayWhatTheClientSentInTheServersWords() throws Exception {
    try (RespClient c = server.resp3("words")) {
      assertEquals(new RespClient.Err("ERR unknown MEM.ADD option '5x'"), c.call("MEM.ADD", "s", "user", "x", "5x"));
      assertEquals(new RespClient.Err("ERR unknown MEM.RECALL option 'Limit'"),
          c.call("MEM.RECALL", "VALUES", "2", "1", "0", "Limit", "3"));
      assertEquals(new RespClient.Err("ERR unknown VADD option 'Quant'"), c.call("VADD", "k", "VALUES", "2", "1", "0",
          "e", "Quant"));
      assertEquals(true, c.call("VADD", "k", "VALUES", "2", "1", "0", "e"));
      assertEquals(new RespClient.Err("ERR unknown VSIM option 'withScores2'"),
          c.call("VSIM", "k", "VALUES", "2", "1", "0", "withScores2"));
      String sentByMistake = "x" + "\uD83D\uDE00".repeat(100_000); // a text where a word was expected
      assertEquals(new RespClient.Err("ERR unknown MEM.TRACE option 'x" + "\uD83D\uDE00".repeat(31) + "...'"),
          c.call("MEM.TRACE", "s", sentByMistake), "its first 64 chars, less the half of a pair at the end");
      String huge = "{\"a\":\"" + "x".repeat(21_000_000) + "\"}";
      String tooLarge = " takes 21000008 bytes, more than the 1048576 bytes of JSON the server reads for an event's"
          + " attributes (which take at most 32760 bytes encoded)";
      assertEquals(new RespClient.Err("ERR ATTRS" + tooLarge), c.call("MEM.ADD", "s", "user", "x", "VECTOR", "VALUES",
          "2", "1", "0", "ATTRS", huge));
      assertEquals(new RespClient.Err("ERR the JSON of MEM.SETATTR" + tooLarge), c.call("MEM.SETATTR", "1", huge));
      assertEquals(new RespClient.Err("ERR SETATTR" + tooLarge), c.call("VADD", "k", "VALUES", "2", "0", "1", "f",
          "SETATTR", huge));
      assertEquals(new RespClient.Err("ERR the JSON of VSETATTR" + tooLarge), c.call("VSETATTR", "k", "e", huge));
      assertEquals(0L, ((Map<?, ?>) c.call("MEM.STATS")).get("events"));
    }
  }

  /**
   * A value that reads as JSON but passes the parser's limits is refused, as JSON attributes so large are: it was
   * taken silently as the text itself, so a number of 1,001 digits became a string (where one of 30 is refused as
   * beyond 64 bits), and a quoted string of 20,000,001 characters kept its quotes.
   */
  @Test
  void aValueTooLargeToReadAsJsonIsRefusedNotTakenAsText() throws Exception {
    try (RespClient c = server.resp3("literal")) {
      String digits = "1".repeat(1_001);
      assertEquals(new RespClient.Err("ERR the value of $a is too large to read as JSON: Number value length (1001)"
          + " exceeds the maximum allowed (1000)"), c.call("MEM.QUERY", "RETURN $a", "a", digits));
      assertEquals(new RespClient.Err("ERR a WHERE value is too large to read as JSON: Number value length (1001)"
          + " exceeds the maximum allowed (1000)"), c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n",
          digits));
      String message = assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY", "RETURN $a", "a",
          "\"" + "x".repeat(20_000_001) + "\"")).message();
      assertTrue(message.startsWith("ERR the value of $a is too large to read as JSON: String value length ("),
          message);
      assertEquals(List.of(List.of(digits)), ((Map<?, ?>) c.call("MEM.QUERY", "RETURN $a", "a",
          "\"" + digits + "\"")).get("rows"), "as a string, it is one");
    }
  }

  private static Object[] concat(String[] head, String... tail) {
    Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length, Object[].class);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  /** JSON a client sends is taken whole and exactly, or refused: never cut short, merged or rounded. */
  @Test
  void jsonIsTakenWholeAndExactlyOrRefused() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "json"));
      Map<String, String> refused = Map.of(
          "{\"a\":1} {\"b\":2}", "ERR invalid JSON: Trailing token",
          "{\"a\":1,\"a\":2}", "ERR invalid JSON: Duplicate field 'a'",
          "{\"a\":12345678901234567890}", "ERR the integer 12345678901234567890 does not fit in 64 bits",
          "{\"a\":1e999}", "ERR a number is beyond the range of a double (it would be Infinity)",
          "{\"a\":1e-400}", "ERR the number 1e-400 is nearer to 0 than any double (it would be 0.0)",
          "{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}",
          "ERR invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)",
          "{\"a\":NaN}", "ERR invalid JSON: Non-standard token 'NaN': not standard JSON",
          "{", "ERR invalid JSON: Unexpected end-of-input: expected close marker for Object");
      for (Map.Entry<String, String> json : refused.entrySet()) {
        for (Object[] command : List.<Object[]>of(
            new Object[] {"MEM.ADD", "s", "user", "x", "VECTOR", "VALUES", "2", "1", "0", "ATTRS", json.getKey()},
            new Object[] {"MEM.SETATTR", "1", json.getKey()})) {
          String message = assertInstanceOf(RespClient.Err.class, c.call(command)).message();
          assertTrue(message.startsWith(json.getValue()), json.getKey() + ": " + message);
          assertFalse(message.contains("`"), "Jackson's Java names: " + message);
        }
      }
      assertNull(c.call("MEM.GET", "1"), "nothing was stored");
      long id = (Long) c.call("MEM.ADD", "s", "user", "x", "VECTOR", "VALUES", "2", "1", "0",
          "ATTRS", "{\"n\":42,\"big\":9223372036854775807}");
      // a WHERE value with words after its number is the text, not the number
      assertEquals(List.of(), c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n", "42 apples"));
      assertEquals(1, ((List<?>) c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n", "42")).size());
      assertEquals(1, ((List<?>) c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "big",
          "9223372036854775807")).size());
      assertTrue(assertInstanceOf(RespClient.Err.class, c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n",
          "1e999")).message().startsWith("ERR a number is beyond the range of a double (it would be Infinity)"));
      // in an array as alone: a number is refused rather than stored as another value
      assertTrue(assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY", "MATCH (e {id: 1}) RETURN $a", "a",
          "[1, [1e400]]")).message().startsWith("ERR a number is beyond the range of a double (it would be Infinity)"));
      assertTrue(assertInstanceOf(RespClient.Err.class, c.call("MEM.QUERY", "MATCH (e {id: 1}) RETURN $a", "a",
          "[{\"n\": 123456789012345678901234567890}]")).message()
          .startsWith("ERR the integer 123456789012345678901234567890 does not fit in 64 bits"));
      // a nonzero number nearer to 0 than any double would be 0.0 (or -0.0): another value too
      assertEquals(new RespClient.Err("ERR the number -1E-400 is nearer to 0 than any double (it would be -0.0)"),
          c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n", "-1E-400"));
      assertEquals(new RespClient.Err("ERR the number 2e-324 is nearer to 0 than any double (it would be 0.0)"),
          c.call("MEM.QUERY", "MATCH (e {id: 1}) RETURN $a", "a", "[1, [2e-324]]"));
      // while a number only rounded to a double is taken as the double (a subnormal too), and 0 written so is 0
      long rounded = (Long) c.call("MEM.ADD", "s", "user", "r", "VECTOR", "VALUES", "2", "0", "1",
          "ATTRS", "{\"sub\":4.9e-324,\"long\":0.1000000000000000000001,\"zero\":0e-400}");
      assertEquals(List.of(List.of(1L, 1L, 1L, 1L)),
          ((List<?>) c.call("MEM.QUERY", "MATCH (e {id: $id}) RETURN e.sub = 4.9e-324, e.long = 0.1, e.zero = 0,"
          + " $p = [5e-324, 0.1, 0]", "id", Long.toString(rounded), "p",
          "[4.9e-324, 0.1000000000000000000001, 0e-400]")).get(3));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "2", "1", "0", "e"));
      assertTrue(assertInstanceOf(RespClient.Err.class, c.call("VSETATTR", "set", "e", "{\"x\":1,\"x\":2}"))
          .message().startsWith("ERR invalid JSON: Duplicate field 'x'"));
      assertTrue(assertInstanceOf(RespClient.Err.class, c.call("VADD", "set", "VALUES", "2", "0", "1", "f",
          "SETATTR", "{\"x\":1} 2")).message().startsWith("ERR invalid JSON: Trailing token"));
      // half of a surrogate pair alone is JSON, but not text: the reply would carry it as '?'
      String lone = "ERR a JSON string holds an unpaired surrogate \\uD800: a character beyond U+FFFF is escaped as"
          + " a pair, as \\uD83D\\uDE00";
      assertEquals(new RespClient.Err(lone), c.call("MEM.QUERY", "RETURN $a", "a", "\"\\ud800\""));
      assertEquals(new RespClient.Err(lone), c.call("MEM.QUERY", "RETURN $a", "a", "[\"x\", \"a\\ud800\"]"));
      assertEquals(new RespClient.Err(lone), c.call("MEM.RECALL", "VALUES", "2", "1", "0", "WHERE", "n",
          "\"\\ud800\""));
      assertEquals(new RespClient.Err("ERR line 1, column 9: unpaired surrogate \\uDE00 in a string: a character beyond"
          + " U+FFFF is escaped as a pair, as \\uD83D\\uDE00"), c.call("MEM.QUERY", "RETURN '\\ude00'"));
      assertEquals(List.of(List.of("\uD83D\uDE00", "\uD83D\uDE00")), ((List<?>) c.call("MEM.QUERY",
          "RETURN $a, '\\uD83D\\ude00'", "a", "\"\\ud83d\\uDE00\"")).get(3), "a pair is the character");
      assertEquals(new RespClient.Err("ERR MEM.QUERY parameter $x is given twice"),
          c.call("MEM.QUERY", "MATCH (e) WHERE e.id = $x RETURN e.id", "x", Long.toString(id), "$x", "0"));
      for (String empty : new String[] {"", "$"}) { // no statement can name it: a typo, silently unused before
        assertEquals(new RespClient.Err("ERR MEM.QUERY parameter name is empty (a statement names one as $name)"),
            c.call("MEM.QUERY", "RETURN 1", empty, "0"), empty);
      }
    }
  }

  /**
   * A damaged namespace is the server's problem, not the client's: said plainly, with the file. Its files are
   * not read again until a restart (mended meanwhile, they still are not).
   */
  @Test
  void aNamespaceWithADamagedFileIsReportedWithTheFileUntilARestart(@TempDir Path own) throws Exception {
    try (AeonServer s = TestServer.start(own); RespClient c = new RespClient(s.port())) {
      assertEquals("OK", c.call("SELECT", "hurt"));
      c.call("MEM.ADD", "conv-1", "user", "a text");
    }
    Path events = own.resolve("ns").resolve("hurt").resolve("trace").resolve("events.trace");
    byte[] intact = Files.readAllBytes(events);
    byte[] damaged = intact.clone();
    damaged[0] ^= (byte) 0xff; // its magic number
    Files.write(events, damaged);
    String report = "ERR namespace cannot be opened: " + events + " at offset 0: bad magic, not an Aeon file";
    try (AeonServer s = TestServer.start(own); RespClient c = new RespClient(s.port())) {
      assertEquals(report, assertInstanceOf(RespClient.Err.class, c.call("SELECT", "hurt")).message());
      Files.write(events, intact);
      assertEquals(report, assertInstanceOf(RespClient.Err.class, c.call("SELECT", "hurt")).message());
      assertEquals("OK", c.call("SELECT", "other"));
    }
    try (AeonServer s = TestServer.start(own); RespClient c = new RespClient(s.port())) {
      assertEquals("OK", c.call("SELECT", "hurt"));
      assertEquals(1L, ((List<?>) c.call("MEM.TRACE", "conv-1")).size());
    }
  }
}
