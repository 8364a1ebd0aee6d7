package dev.aeon.embed;

import static dev.aeon.embed.OnnxTextEmbedderTest.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The quality option is one line away and behaves like a retrieval model: CLS pooling, query instruction. */
class BgeEmbedderTest {

  @Test
  void bgeRanksTheAnsweringPassageFirstAndPrefixesQueries() {
    try (OnnxTextEmbedder bge = OnnxTextEmbedder.open(ModelSpec.BGE_SMALL_EN_V15_Q)) {
      List<float[]> passages = bge.embedAll(List.of(
          "I moved to Lisbon in March and rent a flat in Alfama.",
          "The quarterly tax report is due on Friday.",
          "My cat knocked a glass off the kitchen table."));
      float[] query = bge.embedQuery("Where does the user live?");
      assertEquals(384, query.length);
      assertEquals(1.0, Math.sqrt(dot(query, query)), 1e-5);
      assertTrue(dot(query, passages.get(0)) > dot(query, passages.get(1)));
      assertTrue(dot(query, passages.get(0)) > dot(query, passages.get(2)));
      // The instruction is applied to queries only.
      float[] asPassage = bge.embed("Where does the user live?");
      assertTrue(dot(query, asPassage) < 0.999, "query and passage embeddings should differ");
    }
  }
}
