package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MEM.ADDALL: a batch of events as JSON objects, all or nothing, linked to existing events by id and to each other by
 * index (before or after them); every refusal names the event and leaves nothing, not even a new namespace.
 */
class MemAddAllTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  private static long events(RespClient c) throws Exception {
    return (Long) ((Map<?, ?>) c.call("MEM.STATS")).get("events");
  }

  @Test
  void remembersTheBatchWithItsLinksAndAttributes() throws Exception {
    try (RespClient c = server.resp3("addall")) {
      long title = (Long) c.call("MEM.ADD", "doc", "title", "The handbook", "VECTOR", "VALUES", "2", "1", "0");
      List<?> ids = assertInstanceOf(List.class, c.call("MEM.ADDALL",
          "{\"session\": \"doc\", \"role\": \"chunk\", \"text\": \"chapter one\", \"vector\": [1, 0.5], \"at\": 1000,"
              + " \"attrs\": {\"page\": 1}, \"links\": [{\"type\": \"PART_OF\", \"id\": " + title + "},"
              + " {\"type\": \"NEXT_CHUNK\", \"index\": 1}]}",
          "{\"session\": \"doc\", \"role\": \"chunk\", \"text\": \"chapter two\", \"vector\": [0.5, 1],"
              + " \"links\": [{\"type\": \"PREV\", \"index\": 0}]}"));
      assertEquals(List.of(title + 1, title + 2), ids);
      Map<?, ?> first = assertInstanceOf(Map.class, c.call("MEM.GET", String.valueOf(title + 1)));
      assertEquals(List.of("doc", "chunk", "chapter one", 1000L, Map.of("page", 1L), true),
          List.of(first.get("session"), first.get("role"), first.get("text"), first.get("timestamp"),
              first.get("attributes"), first.get("has_vector")));
      for (String[] link : List.of(new String[] {"PART_OF", "1", "0"}, new String[] {"NEXT_CHUNK", "1", "2"},
          new String[] {"PREV", "2", "1"})) {
        Map<?, ?> q = assertInstanceOf(Map.class,
            c.call("MEM.QUERY", "MATCH (a)-[:" + link[0] + "]->(b) RETURN a.id, b.id"));
        assertEquals(List.of(List.of(title + Long.parseLong(link[1]), title + Long.parseLong(link[2]))),
            q.get("rows"), link[0]);
      }
    }
  }

  @Test
  void aRefusedEventRefusesTheBatchNamingItsIndexAndRemembersNothing() throws Exception {
    try (RespClient c = server.resp3("addall-refused")) {
      c.call("MEM.ADD", "s", "user", "first", "VECTOR", "VALUES", "2", "1", "0");
      String ok = "{\"session\": \"s\", \"role\": \"user\", \"text\": \"fine\", \"vector\": [1, 0]}";
      Map<String, String> refusals = new HashMap<>(Map.of(
          "{\"session\": \"s\", \"role\": \"\", \"text\": \"x\", \"vector\": [1, 0]}", "role must not be empty",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"colour\": \"red\"}",
          "unknown field 'colour'",
          "{\"session\": \"s\", \"role\": \"user\"}", "text must be a JSON string, and is missing",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"vector\": \"1,0\"}",
          "vector must be a non-empty",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"vector\": [1, 0, 0]}", "3 dimensions",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"links\": [{\"type\": \"P\", \"index\": 2}]}",
          "a link's index must name an event of the batch (0 to 1), got 2",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"links\": [{\"type\": \"P\", \"id\": 99}]}",
          "no event with id 99",
          "[1, 2]", "an event must be a JSON object"));
      refusals.putAll(Map.of( // refused by the server, before the engine sees the batch
          "{\"session\": \"s\", \"role\": \"user\",", "invalid JSON",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"attrs\": {\"k\": null}}",
          "event attributes must be strings, numbers or booleans",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"attrs\": {\"k\": 1e999}}",
          "beyond the range of a double"));
      for (Map.Entry<String, String> refusal : refusals.entrySet()) {
        Object reply = c.call("MEM.ADDALL", ok, refusal.getKey());
        String message = assertInstanceOf(RespClient.Err.class, reply, refusal.getKey()).message();
        assertTrue(message.startsWith("ERR the batch's event at index 1 (of 2, from 0) is refused")
            && message.contains(refusal.getValue()), message);
        assertEquals(1, events(c), "a refused batch remembered events: " + refusal.getKey());
      }
    }
  }

  @Test
  void aRefusedBatchCreatesNoNamespace() throws Exception {
    try (RespClient c = server.resp3("addall-new")) {
      Object reply = c.call("MEM.ADDALL", "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"vector\": [1]}",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"y\", \"vector\": [1], \"links\": [{\"type\": \"T\","
              + " \"id\": 1}]}");
      assertTrue(assertInstanceOf(RespClient.Err.class, reply).message().contains("index 1 "), reply.toString());
      assertFalse(Files.exists(server.dir().resolve("ns").resolve("addall-new")),
          "the refused batch made its namespace");
      reply = c.call("MEM.ADDALL", "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"vector\": [1]}",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"y\", \"vector\": [1, 0]}");
      assertTrue(assertInstanceOf(RespClient.Err.class, reply).message().contains("index 1 "), reply.toString());
      assertFalse(Files.exists(server.dir().resolve("ns").resolve("addall-new")),
          "a batch of two dimensions made its namespace");
      assertEquals(List.of(1L, 2L), c.call("MEM.ADDALL",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"x\", \"vector\": [1]}",
          "{\"session\": \"s\", \"role\": \"user\", \"text\": \"y\", \"vector\": [1], \"links\": [{\"type\": \"T\","
              + " \"index\": 0}]}"), "a batch linked within itself is taken in a new namespace");
    }
  }
}
