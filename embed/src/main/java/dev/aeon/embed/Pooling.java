package dev.aeon.embed;

/** How a model's per-token hidden states become one sentence vector (before L2 normalisation). */
public enum Pooling {
  /** Average of every real token's state, [CLS] and [SEP] included (sentence-transformers' default). */
  MEAN,
  /** The state of the first token, [CLS] (BGE models). */
  CLS
}
