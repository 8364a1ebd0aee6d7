package dev.aeon.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Tokenizes text into model windows: each window is {@code [CLS] up to (window - 2) tokens [SEP]}.
 *
 * <p>A text that fits gives one window, exactly what the model's own tokenizer gives it. A longer
 * text is split into consecutive windows that together hold every token, so no part of it is dropped;
 * {@link OnnxTextEmbedder} averages their vectors. The tokenizer's own truncation and padding (the
 * shipped tokenizer.json files truncate and pad to 128) are switched off: each window runs unpadded, on its
 * own (see {@link OnnxTextEmbedder} for why).
 */
final class Windows implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int windowTokens;
  private final long clsId;
  private final long sepId;

  Windows(String tokenizerResource, int windowTokens) {
    this.windowTokens = windowTokens;
    this.tokenizer = load(tokenizerResource);
    // The special ids come from the tokenizer itself, so any BERT-style vocabulary works.
    long[] empty = tokenizer.encode("", true, false).getIds();
    if (empty.length != 2) {
      tokenizer.close(); // native memory, which this refused tokenizer would otherwise keep until finalized
      throw new IllegalStateException("tokenizer " + tokenizerResource
          + " does not frame a text with exactly two special tokens: " + Arrays.toString(empty));
    }
    this.clsId = empty[0];
    this.sepId = empty[1];
  }

  private static HuggingFaceTokenizer load(String resource) {
    // DJL reports usage over the network on some hosts unless told not to; we never phone home.
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    // DJL logs through SLF4J; without a provider SLF4J prints a three-line warning on stderr. Choose its
    // silent provider explicitly in that case only, so an application's own logging is never overridden.
    if (System.getProperty("slf4j.provider") == null
        && ServiceLoader.load(SLF4JServiceProvider.class).findFirst().isEmpty()) {
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not even "loading the provider you named"
      }
    }
    try (InputStream in = OnnxTextEmbedder.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("tokenizer resource " + resource + " is not on the classpath");
      }
      try {
        return HuggingFaceTokenizer.newInstance(in, Map.of(
            "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
      } catch (RuntimeException e) {
        // The tokenizer library reports a damaged or foreign file as a bare RuntimeException that names only
        // its parser's position ("EOF while parsing a value at line 166 column 19"), not the file: say which
        // one, with the exception documented for a model that cannot be used.
        throw new IllegalStateException("tokenizer resource " + resource + " is not a usable tokenizer.json: "
            + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + resource, e);
    }
  }

  /** Number of tokens of the text, special tokens not counted. */
  int tokenCount(String text) {
    return tokenizer.encode(text, false, false).getIds().length;
  }

  /** The windows covering the whole text, each framed by [CLS] and [SEP]; at least one. */
  List<long[]> split(String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    int body = windowTokens - 2;
    List<long[]> windows = new ArrayList<>(Math.max(1, (ids.length + body - 1) / body));
    int from = 0;
    do {
      int n = Math.min(body, ids.length - from);
      long[] window = new long[n + 2];
      window[0] = clsId;
      System.arraycopy(ids, from, window, 1, n);
      window[n + 1] = sepId;
      windows.add(window);
      from += n;
    } while (from < ids.length);
    return windows;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
