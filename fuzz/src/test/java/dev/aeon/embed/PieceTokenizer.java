package dev.aeon.embed;

/**
 * {@link Windows}, package-private, for the fuzz tests: a model's tokenizer that cuts a text longer than
 * {@code pieceChars} into pieces as the embedder does, or never ({@code Integer.MAX_VALUE}).
 */
public final class PieceTokenizer implements AutoCloseable {

  private final Windows windows;

  public PieceTokenizer(ModelSpec spec, int pieceChars) {
    this.windows = new Windows(spec.tokenizerResource(), spec.windowTokens(), pieceChars);
  }

  /** The text's token ids, special tokens left out. */
  public long[] ids(String text) {
    return windows.ids(text);
  }

  @Override
  public void close() {
    windows.close();
  }
}
