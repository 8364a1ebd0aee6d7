package dev.aeon.embed;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.aeon.common.io.Utf8Text;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Tokenizes text into model windows: each window is {@code [CLS] up to (window - 2) tokens [SEP]}.
 *
 * <p>A text that fits gives one window, exactly what the model's own tokenizer gives it. A longer
 * text is split into consecutive windows that together hold every token, so no part of it is dropped;
 * {@link OnnxTextEmbedder} averages their vectors. The tokenizer's own truncation and padding (the
 * shipped tokenizer.json files truncate and pad to 128) are switched off: each window runs unpadded, on its
 * own (see {@link OnnxTextEmbedder} for why).
 *
 * <p>With a BERT tokenizer (both models'), a long text is tokenized a piece at a time ({@link #ids}): the
 * tokenizer library holds about 200 bytes of native memory per character of the text it is given
 * ({@code ./aeon bench tokenize}: a text of 16 million characters, about the engine's largest, given whole
 * took 3.6 GB more and 62 s, in pieces 0.15 GB and 14 s). Pieces end at spaces and line ends, and also before
 * an ASCII punctuation mark or a CJK ideograph, which BERT makes a word of its own: Chinese and Japanese
 * text, minified JSON or base64 hold no space for megabytes, and were given whole.
 */
final class Windows implements AutoCloseable {

  /** Characters tokenized at a time, at most (but for a run without a break longer than this). */
  static final int PIECE_CHARS = 1 << 16;

  private final HuggingFaceTokenizer tokenizer;
  private final int windowTokens;
  private final int pieceChars;
  /**
   * Characters of the tokenizer's added tokens ([CLS], [MASK]...), which it finds in the raw text: no piece ends before
   * one.
   */
  private final String addedTokenChars;
  private final long clsId;
  private final long sepId;

  Windows(String tokenizerResource, int windowTokens) {
    this(tokenizerResource, windowTokens, PIECE_CHARS);
  }

  /** With pieces of {@code pieceChars} (tests make them small). */
  Windows(String tokenizerResource, int windowTokens, int pieceChars) {
    this.windowTokens = windowTokens;
    byte[] json = ModelResources.read(tokenizerResource, "tokenizer", "");
    // Pieces give the ids of the whole text only where words are split at spaces whatever surrounds them
    // (ids); another tokenizer (a SentencePiece one marks a word's leading space) is given the text whole.
    this.pieceChars = isBert(json) ? pieceChars : Integer.MAX_VALUE;
    this.tokenizer = load(tokenizerResource, json);
    this.addedTokenChars = addedTokenChars(new String(json, StandardCharsets.UTF_8)); // JSON that loaded
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

  /**
   * Whether a tokenizer.json normalizes and splits words as BERT does ({@code BertNormalizer}, {@code
   * BertPreTokenizer}).
   */
  static boolean isBert(byte[] json) {
    String text = new String(json, StandardCharsets.UTF_8);
    return typeOf(text, "normalizer").equals("BertNormalizer")
        && typeOf(text, "pre_tokenizer").equals("BertPreTokenizer");
  }

  /** The {@code type} of a top-level part of a tokenizer.json, or "" if it names none (or none flat). */
  private static String typeOf(String json, String part) {
    Matcher m = Pattern.compile("\"" + part + "\"\\s*:\\s*\\{[^{}]*?\"type\"\\s*:\\s*\"(\\w+)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  /**
   * Every character of the {@code content} of the tokenizer.json's added tokens: a piece ending inside "[MASK]"
   * would cut the token the tokenizer matches before it normalizes. More than those (any "content" field) is
   * only safer: fewer places where a piece may end.
   */
  static String addedTokenChars(String json) {
    StringBuilder chars = new StringBuilder();
    Matcher m = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    while (m.find()) {
      String content = m.group(1);
      for (int i = 0; i < content.length(); i++) {
        char c = content.charAt(i);
        if (c == '\\' && i + 5 < content.length() && content.charAt(i + 1) == 'u') {
          c = (char) Integer.parseInt(content.substring(i + 2, i + 6), 16);
          i += 5;
        }
        chars.append(c);
      }
    }
    return chars.toString();
  }

  private static HuggingFaceTokenizer load(String resource, byte[] json) {
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
    try {
      return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), Map.of(
          "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    } catch (RuntimeException e) {
      // The tokenizer library reports a damaged or foreign file as a bare RuntimeException that names only
      // its parser's position ("EOF while parsing a value at line 166 column 19"), not the file: say which
      // one, with the exception documented for a model that cannot be used.
      throw new IllegalStateException("tokenizer resource " + resource + " is not a usable tokenizer.json: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + resource, e);
    }
  }

  /** Number of tokens of the text, special tokens not counted. */
  int tokenCount(String text) {
    return ids(text).length;
  }

  /**
   * The text's token ids, special tokens left out: those of the whole text, got a piece at a time. Pieces end
   * before a space, tab or line end, where a BERT tokenizer's pre-tokenizer splits words whatever comes
   * before or after (other characters Java calls whitespace, such as U+001F, it deletes, joining the words
   * on either side), or before an ASCII punctuation mark or a CJK ideograph, each of which it makes a word
   * of its own (neither is changed by its normalizer nor reordered with what comes before), so the ids are
   * the same as if the text were tokenized whole ({@code WindowsTest}).
   */
  long[] ids(String given) {
    String text = unpairedSurrogatesReplaced(given);
    if (text.length() <= pieceChars) {
      return tokenizer.encode(text, false, false).getIds();
    }
    long[] ids = new long[0];
    int count = 0;
    for (int from = 0; from < text.length(); ) {
      int to = pieceEnd(text, from);
      long[] piece = tokenizer.encode(text.substring(from, to), false, false).getIds();
      if (count + piece.length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(count + piece.length, 2 * ids.length));
      }
      System.arraycopy(piece, 0, ids, count, piece.length);
      count += piece.length;
      from = to;
    }
    return Arrays.copyOf(ids, count);
  }

  /**
   * {@code text} with each unpaired surrogate replaced by U+FFFD, which the tokenizer deletes. Given one, its native
   * side reads the whole string as malformed and turns every character beyond U+FFFF in it into U+FFFD as well (an
   * emoji in a text ending in a lone U+D800 was gone), and so a piece holding one got other ids than the whole text.
   */
  private static String unpairedSurrogatesReplaced(String text) {
    int first = Utf8Text.unpairedSurrogate(text);
    if (first < 0) {
      return text;
    }
    char[] chars = text.toCharArray();
    for (int i = first; i < chars.length; i++) {
      if (Character.isHighSurrogate(chars[i]) && i + 1 < chars.length && Character.isLowSurrogate(chars[i + 1])) {
        i++;
      } else if (Character.isSurrogate(chars[i])) {
        chars[i] = '\ufffd';
      }
    }
    return new String(chars);
  }

  /** Where the piece from {@code from} ends: before the last break within {@link #pieceChars}, else the next. */
  int pieceEnd(String text, int from) {
    int limit = from + pieceChars;
    if (limit >= text.length()) {
      return text.length();
    }
    for (int i = limit; i > from; i--) {
      if (isBreak(text.charAt(i))) {
        return i;
      }
    }
    for (int i = limit + 1; i < text.length(); i++) {
      if (isBreak(text.charAt(i))) {
        return i;
      }
    }
    return text.length();
  }

  private boolean isBreak(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r'
        || (isAsciiPunctuation(c) || isCjkIdeograph(c)) && addedTokenChars.indexOf(c) < 0;
  }

  /** BERT's punctuation below 128: every printable character but letters, digits and the space. */
  private static boolean isAsciiPunctuation(char c) {
    return c > ' ' && c < 127 && !Character.isLetterOrDigit(c);
  }

  /** The BMP blocks of ideographs that BERT's normalizer puts spaces around (its handle_chinese_chars). */
  private static boolean isCjkIdeograph(char c) {
    return c >= '\u4e00' && c <= '\u9fff' || c >= '\u3400' && c <= '\u4dbf';
  }

  /** The windows covering the whole text, each framed by [CLS] and [SEP]; at least one. */
  List<long[]> split(String text) {
    long[] ids = ids(text);
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
