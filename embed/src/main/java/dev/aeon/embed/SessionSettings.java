package dev.aeon.embed;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The options of an embedder's ONNX runtime session: how it optimises the graph, and how its threads wait.
 *
 * <p><b>No spinning.</b> ONNX runtime runs a window's operators on a pool of intra-op threads (one per core), whose
 * threads by default spin while they wait for their next piece of work, and so does the calling thread while it waits
 * for them. The embedder runs in the engine's and the server's process, beside the log's flusher, checkpoints and
 * readers, often on a machine it shares; and {@code embedAll} runs windows side by side, each a session run whose
 * threads then spin against each other's. Measured by {@code ./aeon bench remember --embed} on 2 cores under load,
 * the process spent about twice the CPU time per text with spinning (docs/benchmarks.md). Blocking instead costs a
 * thread's wake-up per parallel operator, which a window of a few dozen tokens does not notice. How the session
 * computes is not changed: the vectors are ONNX runtime's defaults', bit for bit ({@code SessionSettingsTest}).
 */
final class SessionSettings {

  /** ONNX runtime's session option: "0", its intra-op threads block while waiting for work rather than spin. */
  static final String INTRA_OP_SPINNING = "session.intra_op.allow_spinning";

  /** Makes the options of a session (the caller closes them): {@link #forEmbedder}, or others in tests. */
  @FunctionalInterface
  interface Source {
    OrtSession.SessionOptions open() throws OrtException;
  }

  private SessionSettings() {}

  /** The options {@link OnnxTextEmbedder} opens its session with; the caller closes them. */
  static OrtSession.SessionOptions forEmbedder() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.addConfigEntry(INTRA_OP_SPINNING, "0");
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }
}
