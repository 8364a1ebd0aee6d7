package dev.aeon.common;

import java.util.List;
import java.util.Objects;

/**
 * Turns text into unit-length vectors, so that cosine similarity is a dot product.
 *
 * <p>The engine and the server take any implementation, so they do not depend on a particular model
 * or runtime (module {@code embed} provides ONNX-backed ones). Implementations are thread-safe.
 *
 * <p>Retrieval models may embed queries differently from the passages they search (bge-small adds an
 * instruction to queries), so stored text goes through {@link #embedAll} and search text through
 * {@link #embedQueries}. Texts longer than the model's window are never silently cut: each
 * implementation documents how it covers them (the ONNX embedder averages windows).
 */
public interface TextEmbedder extends AutoCloseable {

  /**
   * A stable name of the model and its settings, fit to key a cache of vectors (e.g. "all-MiniLM-L6-v2-q").
   * The default, the class name, suits test doubles only; the engine takes it as naming no model, and a
   * namespace records the model of its vectors (and refuses those of another) only when it is named.
   */
  default String model() {
    return getClass().getName();
  }

  /** The model {@code embedder} names, or null when it names none ({@link #model()} left to its default). */
  static String namedModel(TextEmbedder embedder) {
    String model = Objects.requireNonNull(embedder, "embedder").model();
    return model == null || model.equals(embedder.getClass().getName()) ? null : model;
  }

  /** Length of every vector this embedder returns. */
  int dimension();

  /**
   * Embeds texts to be stored and searched (passages, dialogue turns), in one or more batches.
   *
   * @return one unit-length vector per text, in the order given
   * @throws NullPointerException if the list or one of its texts is null
   */
  List<float[]> embedAll(List<String> texts);

  /** Embeds one text to be stored; same as {@code embedAll(List.of(text)).getFirst()}. */
  default float[] embed(String text) {
    return embedAll(List.of(Objects.requireNonNull(text, "text"))).getFirst();
  }

  /** Embeds search queries; models without a query instruction embed them like passages. */
  default List<float[]> embedQueries(List<String> queries) {
    return embedAll(queries);
  }

  /** Embeds one search query. */
  default float[] embedQuery(String query) {
    return embedQueries(List.of(Objects.requireNonNull(query, "query"))).getFirst();
  }

  /** Releases native resources, if any; later calls may throw {@link IllegalStateException}. */
  @Override
  default void close() {}
}
