package dev.aeon.bench.contention;

import java.util.Locale;

/**
 * Which vectors the contention benchmark's events and queries carry ({@code --vectors}): random unit vectors,
 * the default since the benchmark began (so that its figures stay comparable), or the WordNet glosses the
 * recall and lookaside benchmarks use, embedded with all-MiniLM-L6-v2, whose clusters mean what a user's
 * sentence embeddings mean to the index.
 */
enum VectorKind {
  RANDOM,
  WORDNET;

  /** The name on the command line, in the JSON and in the printed table. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code label}; throws IllegalArgumentException naming the known ones for anything else. */
  static VectorKind of(String label) {
    for (VectorKind k : values()) {
      if (k.label().equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException("--vectors is random or wordnet, not '" + label + "'");
  }
}
