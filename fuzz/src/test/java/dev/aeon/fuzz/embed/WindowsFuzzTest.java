package dev.aeon.fuzz.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.PieceTokenizer;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A text cut into pieces before it is tokenized (as the embedder cuts a long text: before a space, a line end,
 * an ASCII punctuation mark or a CJK ideograph, never inside an added token) gives exactly the ids of the text
 * tokenized whole, with each shipped model's tokenizer: the pieces are a few characters here, so that a short
 * text is cut in many places, and the text is made of the characters where pieces end and where BERT's
 * normalizer and word splitting behave specially. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class WindowsFuzzTest {

  /** Characters per piece: 1 cuts before every place a piece may end, the others leave some. */
  private static final int[] PIECE_CHARS = {1, 2, 3, 5, 8, 16, 40};
  private static final int MAX_TEXT_CHARS = 2_000;

  /** Every BMP character that Java or BERT calls a space, a line or paragraph separator, or that looks like one. */
  private static final int[] WHITESPACE = IntStream.concat(
      IntStream.rangeClosed(0, 0xffff).filter(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)),
      IntStream.of(0x85, 0x180e, 0x200b, 0x2060, 0xfeff)).toArray();
  /** BERT's punctuation below 128: every printable character but letters, digits and the space. */
  private static final int[] ASCII_PUNCTUATION =
      IntStream.rangeClosed('!', '~').filter(c -> !Character.isLetterOrDigit(c)).toArray();
  /** Unicode punctuation (BERT splits words at it too) and symbols (it does not), anywhere. */
  private static final int[] UNICODE_PUNCTUATION = IntStream.rangeClosed(0x80, 0x10ffff).filter(c -> switch (
      Character.getType(c)) {
    case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
         Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
         Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
         Character.MODIFIER_SYMBOL -> true;
    default -> false;
  }).toArray();
  /**
   * Ranges (first, last) of ideographs, those that BERT's normalizer puts spaces around (extension planes and
   * compatibility ideographs included) and their neighbours that it does not: CJK punctuation, kana, hangul,
   * fullwidth forms.
   */
  private static final int[] CJK_RANGES = {
      0x4e00, 0x9fff, 0x3400, 0x4dbf, 0xf900, 0xfaff, 0x20000, 0x2a6df, 0x2a700, 0x2b73f, 0x2b740, 0x2b81f,
      0x2b820, 0x2ceaf, 0x2ceb0, 0x2ebef, 0x30000, 0x3134f, 0x2f800, 0x2fa1f, 0x2e80, 0x2fdf, 0x3000, 0x30ff,
      0x3100, 0x33ff, 0xac00, 0xd7a3, 0xff00, 0xffef, 0x4dc0, 0x4dff, 0x9fa0, 0xa000};
  /** Ranges of combining marks (NFD reorders them, the accent stripping deletes them). */
  private static final int[] MARK_RANGES = {
      0x0300, 0x036f, 0x0483, 0x0489, 0x0591, 0x05c7, 0x064b, 0x065f, 0x0900, 0x0903, 0x093c, 0x094d, 0x0e31,
      0x0e3a, 0x1ab0, 0x1aff, 0x1dc0, 0x1dff, 0x20d0, 0x20ff, 0x302a, 0x302f, 0x3099, 0x309a, 0xfe00, 0xfe0f,
      0xfe20, 0xfe2f, 0x1d165, 0x1d169, 0xe0100, 0xe01ef};
  /**
   * Ranges of letters that lowercasing or NFD changes: accented Latin and Greek, Hangul syllables (decomposed
   * into jamo), and characters whose decomposition is punctuation or a space (U+037E is ';', U+2000 is U+2002).
   */
  private static final int[] LETTER_RANGES = {
      0x00c0, 0x024f, 0x0370, 0x03ff, 0x0400, 0x04ff, 0x1e00, 0x1fff, 0x2000, 0x200a, 0x2126, 0x212b, 0xfb00,
      0xfb4f, 0x0130, 0x0131, 0x1e9e, 0x1e9e, 0xac00, 0xac20, 0x0340, 0x0344, 0x0f73, 0x0f81, 0x2329, 0x232a};
  /** Ranges of control, format, private and unassigned characters, which BERT's normalizer deletes. */
  private static final int[] CONTROL_RANGES = {
      0x0000, 0x001f, 0x007f, 0x009f, 0x00ad, 0x00ad, 0x200b, 0x200f, 0x202a, 0x202e, 0x2060, 0x206f, 0xfff9,
      0xffff, 0xe000, 0xe0ff, 0x0378, 0x0379, 0xe0001, 0xe007f, 0xf0000, 0xf0010};
  /** Added tokens, which the tokenizer finds in the raw text, their fragments and look-alikes. */
  private static final String[] ADDED = {
      "[MASK]", "[SEP]", "[CLS]", "[UNK]", "[PAD]", "[", "]", "[MA", "SK]", "MASK", "[mask]", "[[SEP]]", "##",
      "##ing", "[ MASK]", "[MASK", "[CLS]]", "[\u4e00]", "[SEP]\u0301", "\uff3bMASK\uff3d"};

  /** Surrogate pairs (an emoji, a CJK extension B ideograph, a math letter) and halves of one alone. */
  private static final String[] SURROGATES = {"\ud83d\ude00", "\ud840\udc00", "\ud835\udc00", "\ud800", "\udbff",
      "\udc00", "\udfff", "\ude00\ud83d"};

  private static final Map<ModelSpec, PieceTokenizer[]> TOKENIZERS = new HashMap<>();

  @FuzzTest(maxDuration = "10m")
  void miniLmPiecesGiveTheIdsOfTheWholeText(FuzzedDataProvider data) {
    check(ModelSpec.ALL_MINILM_L6_V2_Q, data);
  }

  @FuzzTest(maxDuration = "10m")
  void bgePiecesGiveTheIdsOfTheWholeText(FuzzedDataProvider data) {
    check(ModelSpec.BGE_SMALL_EN_V15_Q, data);
  }

  private static void check(ModelSpec spec, FuzzedDataProvider data) {
    int size = data.consumeInt(0, PIECE_CHARS.length - 1);
    String text = text(data);
    PieceTokenizer[] tokenizers = tokenizers(spec);
    assertArrayEquals(tokenizers[PIECE_CHARS.length].ids(text), tokenizers[size].ids(text),
        () -> spec.name() + ", pieces of " + PIECE_CHARS[size] + " characters: " + escaped(text));
  }

  /** Tokenizers cutting pieces of each size in {@link #PIECE_CHARS}, then one that never cuts. */
  private static synchronized PieceTokenizer[] tokenizers(ModelSpec spec) {
    return TOKENIZERS.computeIfAbsent(spec, s -> {
      PieceTokenizer[] t = new PieceTokenizer[PIECE_CHARS.length + 1];
      for (int i = 0; i < PIECE_CHARS.length; i++) {
        t[i] = new PieceTokenizer(s, PIECE_CHARS[i]);
      }
      t[PIECE_CHARS.length] = new PieceTokenizer(s, Integer.MAX_VALUE);
      return t;
    });
  }

  /** A text of the fuzzer's choosing, made of the kinds of characters above, words and any character at all. */
  private static String text(FuzzedDataProvider data) {
    StringBuilder text = new StringBuilder();
    while (data.remainingBytes() > 0 && text.length() < MAX_TEXT_CHARS) {
      switch (data.consumeInt(0, 13)) {
        case 0, 1 -> text.append(' ');
        case 2 -> text.appendCodePoint(pick(data, WHITESPACE));
        case 3 -> text.appendCodePoint(pick(data, ASCII_PUNCTUATION));
        case 4 -> text.appendCodePoint(pick(data, UNICODE_PUNCTUATION));
        case 5 -> text.appendCodePoint(inRanges(data, CJK_RANGES));
        case 6 -> text.appendCodePoint(inRanges(data, MARK_RANGES));
        case 7 -> text.appendCodePoint(inRanges(data, LETTER_RANGES));
        case 8 -> text.appendCodePoint(inRanges(data, CONTROL_RANGES));
        case 9 -> text.append(ADDED[data.consumeInt(0, ADDED.length - 1)]);
        case 10 -> { // a word, at times longer than the 100 characters WordPiece gives [UNK] for
          int length = data.consumeBoolean() ? data.consumeInt(95, 130) : data.consumeInt(1, 12);
          char first = data.consumeBoolean() ? 'a' : 'A';
          for (int i = 0; i < length; i++) {
            text.append((char) (first + i % 26));
          }
        }
        case 11 -> text.append(data.consumeChar()); // any UTF-16 unit: a surrogate alone among them
        case 12 -> text.appendCodePoint(data.consumeInt(0, Character.MAX_CODE_POINT));
        default -> text.append(SURROGATES[data.consumeInt(0, SURROGATES.length - 1)]);
      }
    }
    return text.toString();
  }

  private static int pick(FuzzedDataProvider data, int[] chars) {
    return chars[data.consumeInt(0, chars.length - 1)];
  }

  /** A character in one of the (first, last) ranges. */
  private static int inRanges(FuzzedDataProvider data, int[] ranges) {
    int r = 2 * data.consumeInt(0, ranges.length / 2 - 1);
    return data.consumeInt(ranges[r], ranges[r + 1]);
  }

  private static String escaped(String text) {
    StringBuilder s = new StringBuilder();
    text.chars().forEach(c -> s.append(c >= ' ' && c < 127 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return s.toString();
  }
}
