package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void aGraphWithUnexpectedInputsIsReleasedWhenOpenRefusesIt() throws IOException {
    Path status = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(status), "reads this process's resident memory from Linux's /proc");
    int weightBytes = 36 << 20; // above the size (32 MiB) above which glibc always maps, and unmaps on free
    byte[] graph = TinyOnnx.constantOf("pixels", weightBytes); // a graph, but not a sentence encoder
    ModelSpec spec = withTokenizer(ModelSpec.ALL_MINILM_L6_V2_Q.tokenizerResource());
    refuse(spec, graph); // loads ONNX runtime and the tokenizer library before measuring
    long before = residentBytes(status);
    int opens = 4;
    for (int i = 0; i < opens; i++) {
      refuse(spec, graph);
    }
    long grown = residentBytes(status) - before;
    // Each refused graph's session held its weight in native memory for good: 144 MiB or more after 4 opens.
    // Released, the process grows by little (allocator and heap noise), far below half of that.
    assertTrue(grown < (long) opens * weightBytes / 2, "resident memory grew by " + (grown >> 20)
        + " MiB over " + opens + " refused opens of a graph of " + (weightBytes >> 20) + " MiB");
  }

  private static void refuse(ModelSpec spec, byte[] graph) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> OnnxTextEmbedder.open(spec, graph));
    assertTrue(e.getMessage().contains("unexpected inputs [pixels]"), e.getMessage());
  }

  private static long residentBytes(Path status) throws IOException {
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024; // "VmRSS:  123456 kB"
      }
    }
    throw new IllegalStateException("no VmRSS in " + status);
  }
}
