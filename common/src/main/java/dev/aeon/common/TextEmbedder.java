package dev.aeon.common;

import java.util.List;

/** Turns text into L2-normalised vectors; implemented in module {@code embed}. Thread-safe. */
public interface TextEmbedder {

  /** Dimension of every vector this embedder returns. */
  int dimension();

  /** Embeds one text (a stored passage). */
  float[] embed(String text);

  /** Embeds many texts in batches; the result has one vector per text, in order. */
  List<float[]> embedAll(List<String> texts);
}
