package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelSpecTest {

  @Test
  void findsShippedModelsByForgivingNames() {
    assertEquals(ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.named("minilm"));
    assertEquals(ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.named("all-MiniLM-L6-v2"));
    assertEquals(ModelSpec.BGE_SMALL_EN_V15_Q, ModelSpec.named("bge"));
    assertEquals(ModelSpec.BGE_SMALL_EN_V15_Q, ModelSpec.named("bge-small-en-v1.5-q"));
    assertEquals(ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.named("MiniLM-L6"));
    assertEquals(ModelSpec.BGE_SMALL_EN_V15_Q, ModelSpec.named("small-en"));
  }

  /**
   * A name is whole words of one model's name: any run of letters found inside a name picked a model, so a
   * mistyped or foreign name ("e", "l", "mini", "gemma") silently embedded with one of the shipped models.
   */
  @Test
  void aPartOfAWordIsNotAName() {
    for (String name : new String[] {"e", "l", "mini", "gemma", "-", "v"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.named(name), name);
      assertTrue(e.getMessage().contains("known: "), e.getMessage());
    }
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.named("gpt"));
    assertTrue(e.getMessage().contains("all-MiniLM-L6-v2-q"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.named(""));
  }

  @Test
  void rejectsWindowsTooSmallForTheSpecialTokens() {
    assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("x", "/x.onnx", "/x.json", 384, 2, Pooling.MEAN, ""));
  }
}
