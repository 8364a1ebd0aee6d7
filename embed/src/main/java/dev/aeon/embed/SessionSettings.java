package dev.aeon.embed;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** The options of an embedder's ONNX runtime session: how it optimises the graph, and how it uses threads. */
final class SessionSettings {

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
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }
}
