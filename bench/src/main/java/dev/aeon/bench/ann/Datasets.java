package dev.aeon.bench.ann;

import dev.aeon.bench.locomo.VectorCache;
import dev.aeon.common.UserCache;
import dev.aeon.embed.OnnxTextEmbedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The data sets of the ANN benchmark, fetched from Debian packages into {@code ~/.cache/aeon} (or
 * {@code $AEON_CACHE}) on first use. Quick runs take a deterministic subset, so they stay quick even
 * on a machine that has not embedded the full WordNet yet.
 */
public final class Datasets {

  static final List<String> NAMES = List.of("fashion-mnist", "wordnet-minilm");
  static final int WORDNET_QUERIES = 1000;
  private static final String FASHION_DIR = "usr/share/datasets/fashion-mnist/";
  private static final String WORDNET_DIR = "usr/share/wordnet/";
  private static final List<String> WORDNET_FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");

  private Datasets() {}

  /** Loads data set {@code name}; a quick run gets at most {@code quickBase} base and {@code quickQueries} queries. */
  static Dataset load(String name, boolean quick, int quickBase, int quickQueries)
      throws DataUnavailableException, IOException {
    return switch (name) {
      case "fashion-mnist" -> fashionMnist(quick, quickBase, quickQueries);
      case "wordnet-minilm" -> wordnetMiniLm(quick, quickBase, quickQueries);
      default -> throw new IllegalArgumentException("unknown data set '" + name + "'; known: " + NAMES);
    };
  }

  /** Fashion-MNIST: 60,000 training images as the base, the 10,000 test images as queries. */
  private static Dataset fashionMnist(boolean quick, int quickBase, int quickQueries)
      throws DataUnavailableException, IOException {
    Path root = DebianPackage.extracted("dataset-fashion-mnist", UserCache.root().resolve("fashion-mnist-deb"),
        FASHION_DIR + "t10k-images-idx3-ubyte.gz");
    float[][] base = readIdx(root.resolve(FASHION_DIR + "train-images-idx3-ubyte.gz"));
    float[][] queries = readIdx(root.resolve(FASHION_DIR + "t10k-images-idx3-ubyte.gz"));
    if (quick) {
      base = Arrays.copyOf(base, Math.min(base.length, quickBase));
      queries = Arrays.copyOf(queries, Math.min(queries.length, quickQueries));
    }
    return new Dataset("fashion-mnist", "Debian dataset-fashion-mnist (train as base, t10k as queries), L2-normalised",
        Dataset.normalise(base), Dataset.normalise(queries));
  }

  private static float[][] readIdx(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
      return IdxImages.read(in, gz.toString());
    }
  }

  /**
   * all-MiniLM-L6-v2 vectors of every WordNet 3.0 gloss; a seeded shuffle holds out
   * {@value #WORDNET_QUERIES} glosses as queries. The vectors are cached by the texts' hash.
   */
  private static Dataset wordnetMiniLm(boolean quick, int quickBase, int quickQueries)
      throws DataUnavailableException, IOException {
    List<String> shuffled = wordnetGlosses();
    int queries = quick ? Math.min(quickQueries, WORDNET_QUERIES) : WORDNET_QUERIES;
    int total = quick ? Math.min(shuffled.size(), queries + quickBase) : shuffled.size();
    List<String> texts = shuffled.subList(0, total);
    System.out.println("  " + shuffled.size() + " WordNet glosses; embedding " + texts.size()
        + " (cached after the first run)");
    List<float[]> vectors;
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
      vectors = new VectorCache(UserCache.root().resolve("vectors")).vectors(embedder, VectorCache.Purpose.PASSAGE,
          texts);
    }
    float[][] all = vectors.toArray(new float[0][]);
    return new Dataset("wordnet-minilm", "all-MiniLM-L6-v2 (int8 ONNX) over WordNet 3.0 glosses (Debian wordnet-base), "
        + queries + " held out as queries", Dataset.normalise(Arrays.copyOfRange(all, queries, all.length)),
        Dataset.normalise(Arrays.copyOfRange(all, 0, queries)));
  }

  /**
   * Every gloss of WordNet 3.0 (Debian {@code wordnet-base}, fetched on first use), in a fixed shuffled
   * order: any prefix is a sample of every part of speech.
   */
  public static List<String> wordnetGlosses() throws DataUnavailableException, IOException {
    Path root = DebianPackage.extracted("wordnet-base", UserCache.root().resolve("wordnet-base-deb"),
        WORDNET_DIR + "data.noun");
    List<String> glosses = new ArrayList<>();
    for (String f : WORDNET_FILES) {
      try (BufferedReader in = Files.newBufferedReader(root.resolve(WORDNET_DIR + f), StandardCharsets.UTF_8)) {
        WordNetGlosses.readAll(in, glosses);
      }
    }
    return shuffle(glosses, 42);
  }

  private static List<String> shuffle(List<String> in, long seed) {
    List<String> out = new ArrayList<>(in);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = out.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      out.set(i, out.set(j, out.get(i)));
    }
    return out;
  }
}
