package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plain text where a vector is expected, with the real all-MiniLM-L6-v2 model in the server. */
class EmbedderTest {

  @RegisterExtension static final SharedServer server = SharedServer.withEmbedder();

  @Test
  void vectorSetsTakeText() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "notes", "TEXT", "I adopted a kitten named Miso", "pet"));
      assertEquals(1L, c.call("VADD", "notes", "TEXT", "The stock market fell three percent today", "finance"));
      assertEquals(1L, c.call("VADD", "notes", "TEXT", "We hiked up the mountain at dawn", "hike"));
      assertEquals(384L, c.call("VDIM", "notes"));
      assertEquals(List.of("pet"), c.call("VSIM", "notes", "TEXT", "what is the name of my cat?", "COUNT", "1"));
      assertEquals(List.of("finance"), c.call("VSIM", "notes", "TEXT", "shares and investments", "COUNT", "1"));
    }
  }

  @Test
  void textLargerThanAnEventIsRefusedBeforeItIsEmbedded() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      String large = "la ".repeat(200_000); // 600,000 bytes; events of this server hold at most 512 KiB
      // a set of its own: VSIM reads nothing after the key of a missing set
      assertEquals(1L, c.call("VADD", "large-query", "TEXT", "a short note", "note"));
      for (Object[] command : List.of(new Object[] {"VSIM", "large-query", "TEXT", large},
          new Object[] {"MEM.RECALL", "s1", large}, new Object[] {"MEM.ADD", "s1", "user", "x", "VECTOR", "TEXT",
              large})) {
        String message = ((RespClient.Err) c.call(command)).message();
        assertTrue(message.startsWith("ERR TEXT takes 600000 bytes; the server embeds at most 524288"), message);
      }
    }
  }

  /**
   * VSIM and MEM.RECALL read every argument before they embed a TEXT query, so a bad option after it is refused
   * without an embedding. The text here is one the embedder refuses (larger than an event), so the reply tells which
   * came first: before, each command embedded its query as soon as it read it and answered the text's error.
   */
  @Test
  void aQueryIsReadWholeBeforeItsTextIsEmbedded() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      String large = "la ".repeat(200_000); // refused by the embedder: more bytes than an event of this server
      assertEquals(1L, c.call("VADD", "read-whole", "TEXT", "a short note", "note"));
      assertEquals(new RespClient.Err("ERR unknown VSIM option 'BOGUS'"),
          c.call("VSIM", "read-whole", "TEXT", large, "COUNT", "1", "BOGUS"));
      assertEquals(new RespClient.Err("ERR COUNT must be between 1 and 100000, got 0"),
          c.call("VSIM", "read-whole", "TEXT", large, "COUNT", "0"));
      assertEquals(new RespClient.Err("ERR unknown MEM.RECALL option 'BOGUS'"),
          c.call("MEM.RECALL", "TEXT", large, "COUNT", "1", "BOGUS"));
      assertEquals(new RespClient.Err("ERR COUNT must be between 1 and 100000, got 0"),
          c.call("MEM.RECALL", "TEXT", large, "COUNT", "0"));
      assertEquals(List.of("note"), c.call("VSIM", "read-whole", "TEXT", "a note", "COUNT", "1"));
    }
  }

  @Test
  void memAddEmbedsTheTextAndRecallTakesText() throws Exception {
    try (RespClient c = server.resp3("embedded")) {
      c.call("MEM.ADD", "s1", "user", "My sister lives in Porto and works as a nurse");
      c.call("MEM.ADD", "s1", "user", "I am learning to play the cello");
      List<?> hits = (List<?>) c.call("MEM.RECALL", "TEXT", "which instrument do I play?", "COUNT", "1");
      assertEquals("I am learning to play the cello", ((Map<?, ?>) hits.getFirst()).get("text"));
      c.call("MEM.ADD", "s2", "user", "I play the drums in a punk band");
      List<?> inSession = (List<?>) c.call("MEM.RECALL", "s2", "which instrument do I play?", "5");
      assertEquals(1, inSession.size(), "the short form recalls within its session only");
      assertEquals("I play the drums in a punk band", ((Map<?, ?>) inSession.getFirst()).get("text"));
    }
  }

  /** MEM.ADDALL embeds its events without a vector (in one call) as MEM.ADD does: the same text, the same vector. */
  @Test
  void memAddAllEmbedsTheTextsAsMemAddDoes() throws Exception {
    try (RespClient c = server.resp3("embedded-batch")) {
      String cello = "I am learning to play the cello";
      long single = (Long) c.call("MEM.ADD", "s1", "user", cello);
      List<?> ids = (List<?>) c.call("MEM.ADDALL",
          "{\"session\": \"s2\", \"role\": \"user\", \"text\": \"My sister lives in Porto\"}",
          "{\"session\": \"s2\", \"role\": \"user\", \"text\": \"" + cello + "\"}");
      List<?> hits = (List<?>) c.call("MEM.RECALL", "TEXT", cello, "COUNT", "2");
      assertEquals(Set.of(single, ids.get(1)), Set.of(((Map<?, ?>) hits.get(0)).get("id"),
          ((Map<?, ?>) hits.get(1)).get("id")), hits.toString());
      for (Object hit : hits) { // both vectors are the text's: the batch's embedding is MEM.ADD's
        assertEquals(1.0, ((RespClient.Dbl) ((Map<?, ?>) hit).get("score")).value(), 1e-3, hits.toString());
      }
      List<?> porto = (List<?>) c.call("MEM.RECALL", "TEXT", "where does my sister live?", "COUNT", "1");
      assertEquals(ids.get(0), ((Map<?, ?>) porto.getFirst()).get("id"));
    }
  }

  /** The query language's recall over the wire, with the question as text: MEM.QUERY ... EMBED q text. */
  @Test
  void aQueryEmbedsTheTextItIsGiven() throws Exception {
    try (RespClient c = server.resp3("query-text")) {
      c.call("MEM.ADD", "s1", "user", "My sister lives in Porto and works as a nurse");
      c.call("MEM.ADD", "s1", "assistant", "Porto is lovely in the spring");
      c.call("MEM.ADD", "s1", "user", "I am learning to play the cello");
      String statement = "CALL recall($q, 1) YIELD event MATCH (event)-[:NEXT]->(n) RETURN event.text, n.text";
      Map<?, ?> result = (Map<?, ?>) c.call("MEM.QUERY", statement, "EMBED", "q", "where does my sister live?");
      assertEquals(List.of(List.of("My sister lives in Porto and works as a nurse", "Porto is lovely in the spring")),
          result.get("rows"));
      assertEquals(new RespClient.Err("ERR MEM.QUERY EMBED needs a parameter name and a text"),
          c.call("MEM.QUERY", statement, "EMBED", "q"));
      assertEquals(new RespClient.Err("ERR MEM.QUERY parameter $q is given twice"),
          c.call("MEM.QUERY", statement, "EMBED", "q", "sister", "$q", "[1, 0]"));
    }
  }

  @Test
  void theShortFormSaysWhatIsWrongWithItsCount() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      for (String count : List.of("-1", "0", "100001")) {
        String message = ((RespClient.Err) c.call("MEM.RECALL", "s1", "which instrument?", count)).message();
        assertEquals("ERR the count must be between 1 and 100000, got " + count, message);
      }
    }
  }
  /**
   * A guess at the syntax, {@code MEM.RECALL "a question" 5} (or {@code ... COUNT 5}), is the short form: it read the
   * question as a session and 5 (or COUNT) as the text, and answered an empty list, so the client never heard of its
   * mistake. A session without events with a text that is a count or an option of the command is now refused, saying
   * how the command was read and how to recall by text; the reply it replaces could only be empty. The short form in a
   * session that has events keeps such a text, and the long form the client is sent to works.
   */
  @Test
  void theShortFormRefusesAQuestionReadAsASessionWithACountForText() throws Exception {
    try (RespClient c = new RespClient(server.port())) {
      c.call("SELECT", "guessed");
      assertEquals(1L, c.call("MEM.ADD", "s1", "user", "I am learning to play the cello"));
      String how = ": to recall by text in every session, send MEM.RECALL TEXT text [COUNT k] (the short form is"
          + " MEM.RECALL session text [k])";
      assertEquals(new RespClient.Err("ERR MEM.RECALL read 'which instrument do I play?' as a session, which has no"
              + " events, and '5' as the text to recall" + how),
          c.call("MEM.RECALL", "which instrument do I play?", "5"));
      assertEquals(new RespClient.Err("ERR MEM.RECALL read 'which instrument do I play?' as a session, which has no"
              + " events, and 'count' as the text to recall" + how),
          c.call("MEM.RECALL", "which instrument do I play?", "count", "5"));
      List<?> hits = (List<?>) c.call("MEM.RECALL", "TEXT", "which instrument do I play?", "COUNT", "5");
      assertEquals(1, hits.size());
      assertEquals(1, ((List<?>) c.call("MEM.RECALL", "s1", "5")).size(),
          "a count as the text of a session with events");
      assertEquals(List.of(), c.call("MEM.RECALL", "s9", "which instrument do I play?"), "a session without events");
    }
  }
}
