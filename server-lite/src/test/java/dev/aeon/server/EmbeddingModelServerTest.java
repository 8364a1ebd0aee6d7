package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server restarted with another embedding model of the same dimension (all-MiniLM-L6-v2, then
 * bge-small-en-v1.5: 384 each) refuses to mix its vectors into namespaces filled by the first, where they
 * would quietly make recall worse; vectors given as numbers are still taken on the client's word.
 */
class EmbeddingModelServerTest {

  @TempDir
  Path dir;

  @Test
  void anotherModelIsRefusedWhereTheFirstFilledTheNamespace() throws Exception {
    String minilm;
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open();
         AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withEmbedder(embedder)));
         RespClient c = new RespClient(server.port())) {
      minilm = embedder.model();
      c.call("HELLO", "3");
      c.call("SELECT", "agent");
      c.call("MEM.ADD", "s1", "user", "I am learning to play the cello");
      assertEquals(true, c.call("VADD", "notes", "TEXT", "I adopted a kitten named Miso", "pet"));
      assertEquals(minilm, stats(c).get("embedding_model"));
    }
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(ModelSpec.named("bge-small-en-v1.5"));
         AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withEmbedder(embedder)));
         RespClient c = new RespClient(server.port())) {
      String bge = embedder.model();
      c.call("HELLO", "3");
      c.call("SELECT", "agent");
      assertEquals(minilm, stats(c).get("embedding_model"), "the record did not survive the restart");
      for (Object reply : new Object[] {
          c.call("MEM.ADD", "s1", "user", "I also play the piano"),
          c.call("MEM.ADD", "s1", "user", "Cello lessons on Monday", "VECTOR", "TEXT", "cello lessons"),
          c.call("MEM.RECALL", "TEXT", "which instrument do I play?"),
          c.call("MEM.RECALL", "s1", "which instrument do I play?"),
          c.call("VADD", "notes", "TEXT", "We hiked up the mountain at dawn", "hike"),
          c.call("VSIM", "notes", "TEXT", "what is the name of my cat?"),
          c.call("MEM.QUERY", "CALL recall($q, 1) YIELD event RETURN event.text", "EMBED", "q", "which instrument?")}) {
        String message = assertInstanceOf(RespClient.Err.class, reply).message();
        assertTrue(message.contains("'" + bge + "'") && message.contains("'" + minilm + "'"), message);
      }
      assertEquals(1L, stats(c).get("events"), "a refused event was stored");
      // Numbers carry no model: taken on the client's word, and searching by an element uses the set's own.
      Object[] values = new Object[2 + 384];
      values[0] = "VALUES";
      values[1] = "384";
      for (int i = 0; i < 384; i++) {
        values[2 + i] = i == 0 ? "1" : "0";
      }
      assertEquals(true, c.call(concat(new Object[] {"VADD", "notes"}, values, new Object[] {"axis"})));
      assertEquals(2, assertInstanceOf(java.util.List.class, c.call("VSIM", "notes", "ELE", "pet")).size());
    }
  }

  private static Map<?, ?> stats(RespClient c) throws Exception {
    return assertInstanceOf(Map.class, c.call("MEM.STATS"));
  }

  private static Object[] concat(Object[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray();
  }
}
