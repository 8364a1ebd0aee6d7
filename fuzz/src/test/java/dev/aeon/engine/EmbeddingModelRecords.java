package dev.aeon.engine;

import java.io.IOException;
import java.nio.file.Path;

/** {@link EmbeddingModel}'s record, package-private, for the fuzz tests: read one, or write one as the engine does. */
public final class EmbeddingModelRecords {

  /** The record's file name in a namespace's folder. */
  public static final String FILE = EmbeddingModel.FILE;

  private EmbeddingModelRecords() {}

  /** The model recorded in {@code namespaceDir} as opening the namespace reads it, or null when none is. */
  public static String read(Path namespaceDir) throws IOException {
    return EmbeddingModel.open(namespaceDir).name();
  }

  /** Records {@code model} in {@code namespaceDir}, which holds no record yet, as the first vector of it does. */
  public static void write(Path namespaceDir, String model) throws IOException {
    EmbeddingModel.open(namespaceDir).adopt(model, "fuzz", "the fuzz test's vector");
  }
}
