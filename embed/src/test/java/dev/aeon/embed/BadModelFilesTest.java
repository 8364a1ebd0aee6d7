package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A model whose files are missing, damaged or of another kind fails to open with a clear IllegalStateException. */
class BadModelFilesTest {

  private static final String GRAPH = ModelSpec.ALL_MINILM_L6_V2_Q.onnxResource();

  private static ModelSpec withTokenizer(String tokenizerResource) {
    return new ModelSpec("bad", GRAPH, tokenizerResource, 384, 256, Pooling.MEAN, "");
  }

  @Test
  void aTokenizerFileThatIsNotATokenizerIsReportedByName() {
    // JSON, but not a tokenizer: the tokenizer library says only what its parser missed, naming no file.
    String notATokenizer = "/dev/aeon/embed/demo-questions.json";
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OnnxTextEmbedder.open(withTokenizer(notATokenizer)));
    assertTrue(e.getMessage().contains(notATokenizer), e.getMessage());
  }

  @Test
  void aTokenizerFileThatIsNotJsonIsReportedByName() {
    String jsonLines = "/dev/aeon/embed/demo-conversation.jsonl"; // several JSON values, not one
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OnnxTextEmbedder.open(withTokenizer(jsonLines)));
    assertTrue(e.getMessage().contains(jsonLines), e.getMessage());
  }

  @Test
  void aMissingTokenizerIsReportedByName() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OnnxTextEmbedder.open(withTokenizer("/no-such-tokenizer.json")));
    assertTrue(e.getMessage().contains("/no-such-tokenizer.json"), e.getMessage());
  }
}
