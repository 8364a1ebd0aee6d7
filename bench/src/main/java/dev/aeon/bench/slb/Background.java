package dev.aeon.bench.slb;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.ann.Datasets;
import dev.aeon.bench.locomo.VectorCache;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.index.kernel.Kernels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Events remembered into each namespace before a conversation is replayed, so that the conversation is
 * searched inside a large memory, as an agent's would be after many conversations: WordNet glosses
 * embedded with the same model as the turns. Empty by default (the memory holds the conversation only). The recall
 * benchmark ({@code ./aeon bench recall}) takes its memory and queries from here too.
 */
public record Background(List<String> texts, float[][] vectors) {

  /** Glosses are embedded and cached in chunks of this many, so that runs of different sizes share them. */
  private static final int CHUNK = 10_000;

  static Background none() {
    return new Background(List.of(), new float[0][]);
  }

  /** The first {@code n} glosses of WordNet's fixed shuffle and their unit vectors. */
  public static Background wordnet(int n) throws IOException, DataUnavailableException {
    List<String> glosses = Datasets.wordnetGlosses();
    if (n > glosses.size()) {
      throw new IllegalArgumentException("--background " + n + " asks for more than the " + glosses.size()
          + " WordNet glosses");
    }
    List<String> texts = glosses.subList(0, n);
    List<float[]> vectors = new ArrayList<>(n);
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(ModelSpec.DEFAULT)) {
      VectorCache cache = new VectorCache(VectorCache.defaultDir());
      for (int from = 0; from < n; from += CHUNK) {
        List<String> chunk = glosses.subList(from, Math.min(glosses.size(), from + CHUNK));
        List<float[]> embedded = cache.vectors(embedder, VectorCache.Purpose.PASSAGE, chunk);
        vectors.addAll(embedded.subList(0, Math.min(embedded.size(), n - from)));
      }
    }
    return new Background(List.copyOf(texts), vectors.stream().map(SlbBench::unit).toArray(float[][]::new));
  }

  public int size() {
    return vectors.length;
  }

  /**
   * For each query, the {@code k} best scores of the background, highest first: with the turns
   * remembered before the query, they give its exact top k. Computed once, on every core.
   */
  float[][] bestScores(List<float[]> queries, int k) {
    return IntStream.range(0, queries.size()).parallel().mapToObj(i -> best(queries.get(i), k))
        .toArray(float[][]::new);
  }

  private float[] best(float[] q, int k) {
    float[] top = new float[Math.min(k, vectors.length)];
    Arrays.fill(top, Float.NEGATIVE_INFINITY);
    for (float[] v : vectors) {
      float s = Kernels.dot(q, v);
      if (top.length > 0 && s > top[top.length - 1]) {
        int j = top.length - 1;
        while (j > 0 && top[j - 1] < s) {
          top[j] = top[j - 1];
          j--;
        }
        top[j] = s;
      }
    }
    return top;
  }
}
