package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedder's session options: its threads' waits, and vectors the same as ONNX runtime's defaults give. */
class SessionSettingsTest {

  /**
   * ONNX runtime's intra-op threads spin while they wait for work by default: on a machine of two cores shared with
   * the engine and other work, a text took about twice the CPU time of the process ({@code ./aeon bench remember
   * --embed}: 13-21 ms against 6-7 ms without spinning, under load).
   */
  @Test
  void theSessionsThreadsBlockRatherThanSpinWhileTheyWait() throws Exception {
    OnnxTextEmbedder.open().close(); // ONNX runtime's native library, which the options need, is loaded
    try (OrtSession.SessionOptions options = SessionSettings.forEmbedder()) {
      assertEquals("0", options.getConfigEntries().get(SessionSettings.INTRA_OP_SPINNING), options.getConfigEntries()
          .toString());
    }
  }

  /**
   * Threads change how the session waits, never what it computes: the vectors of ONNX runtime's defaults, bit for bit.
   */
  @Test
  void vectorsAreThoseOfTheRuntimesDefaultOptions() {
    List<String> texts = new ArrayList<>(List.of(
        "[1:56 pm on 8 May, 2023] Caroline: I went to a LGBTQ support group yesterday and it was so powerful.",
        "[1:56 pm on 8 May, 2023] Melanie: That's great! What did you learn there about yourself?",
        "I moved to Lisbon last month and I love the tiles on the buildings.",
        "ok",
        ""));
    texts.add("We talked about the weather, the traffic and the price of coffee again. ".repeat(25)); // 4 windows
    byte[] graph = ModelResources.read(ModelSpec.DEFAULT.onnxResource(), "model", "");
    try (OnnxTextEmbedder ours = OnnxTextEmbedder.open(ModelSpec.DEFAULT, graph);
        OnnxTextEmbedder defaults = OnnxTextEmbedder.open(ModelSpec.DEFAULT, graph, () -> {
          OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          return options;
        })) {
      List<float[]> batch = ours.embedAll(texts);
      List<float[]> expected = defaults.embedAll(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(expected.get(i), batch.get(i), "text " + i + " in a batch");
        assertArrayEquals(defaults.embed(texts.get(i)), ours.embed(texts.get(i)), "text " + i + " alone");
      }
    }
  }
}
