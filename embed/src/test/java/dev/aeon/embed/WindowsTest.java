package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A long text tokenized a piece at a time gives exactly the ids of the text tokenized whole, with both models'
 * tokenizers: pieces of 40 characters here, so that every text is cut in many places.
 */
class WindowsTest {

  private static final int SMALL_PIECES = 40;
  /** Characters that a text is made of: each kind a tokenizer treats its own way, at any place. */
  private static final String[] PARTS = {
      "word", "Tokens", "running", "un", "affable", "42", "3.14", ",", ".", "!", "'", "-", "(", ")", "\"",
      " ", " ", " ", "  ", "\n", "\t", "\r\n", " \n ", "\u00a0", "\u2009", "\u3000", // spaces of all kinds
      "\u001f", "\u000b", "\u000c", "\u0085", "\u0000", "\u200b", "\ufeff", // deleted or format characters
      "caf\u00e9", "cafe\u0301", "\u0301", "\u00c5ngstr\u00f6m", "na\u00efve", // accents, composed or not
      "\u4f60\u597d", "\u6771\u4eac", "\u3053\u3093\u306b\u3061\u306f", "\ud55c\uad6d\uc5b4", // CJK, kana, hangul
      "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd", "\u043f\u0440\u0438\u0432\u0435\u0442",
      "\ud83d\ude00", "\ud83d\udc4d\ud83c\udffd", "\ud835\udc00", // non-BMP: emoji, a skin tone, a math letter
      "x".repeat(150), "abc".repeat(60) + ".", // words past WordPiece's 100 characters, one ending in a stop
      "[MASK]", "[CLS]", "[UNK]", "[", "]", "[[SEP]]", "##ing", // added tokens, found in the raw text
      "{\"k\":[1,2.5e-3,\"v\"]}", "a+b/c==", "<p>", "~`@#$%^&*_|\\;:?", // punctuation without spaces
      "\u4e2d\u6587\u5b57\u4e32", "\u3400\u4dbf", "\u3002", "\u3001", "\uff0c", "\u65e5\u672c\u8a9e\u306e\u6587", // CJK
      "\u4e00\u0301", ".\u0301", "\u0301.", "\u00b7", "\u2014" // marks before and after a cut; other punctuation
  };

  @Test
  void piecesGiveTheIdsOfTheWholeTextWithEitherModel() throws IOException {
    for (ModelSpec spec : new ModelSpec[] {ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.BGE_SMALL_EN_V15_Q}) {
      try (Windows whole = new Windows(spec.tokenizerResource(), spec.windowTokens(), Integer.MAX_VALUE);
           Windows pieces = new Windows(spec.tokenizerResource(), spec.windowTokens(), SMALL_PIECES)) {
        long seed = 20261206L;
        Random random = new Random(seed);
        for (int t = 0; t < 300; t++) {
          StringBuilder text = new StringBuilder();
          int parts = 1 + random.nextInt(120);
          for (int p = 0; p < parts; p++) {
            text.append(PARTS[random.nextInt(PARTS.length)]);
          }
          String s = text.toString();
          assertArrayEquals(whole.ids(s), pieces.ids(s), spec.name() + ", seed " + seed + ", text " + t + ": "
              + s.replace("\n", "\\n"));
        }
        String conversation = demoConversation();
        assertTrue(conversation.length() > 100 * SMALL_PIECES);
        assertArrayEquals(whole.ids(conversation), pieces.ids(conversation), spec.name() + ": the demo conversation");
        String unbroken = "y".repeat(5 * SMALL_PIECES) + " tail"; // a run longer than a piece: taken whole
        assertArrayEquals(whole.ids(unbroken), pieces.ids(unbroken), spec.name() + ": an unbroken run");
      }
    }
  }

  /**
   * Text without a space for many thousands of characters (Chinese or Japanese, minified JSON, base64) is cut
   * into pieces too, before an ideograph or a punctuation mark: it was given to the tokenizer whole, at about
   * 200 bytes of native memory per character. Never inside an added token ("[MASK]"), which the tokenizer finds
   * in the raw text.
   */
  @Test
  void textWithoutSpacesIsCutBeforeIdeographsAndPunctuation() {
    ModelSpec spec = ModelSpec.DEFAULT;
    try (Windows whole = new Windows(spec.tokenizerResource(), spec.windowTokens(), Integer.MAX_VALUE);
         Windows pieces = new Windows(spec.tokenizerResource(), spec.windowTokens(), SMALL_PIECES)) {
      String chinese = ("\u6211\u4e0a\u4e2a\u6708\u642c\u5230\u4e86\u91cc\u65af\u672c\uff0c"
          + "\u6211\u559c\u6b22\u90a3\u91cc\u7684\u74f7\u7816\u3002").repeat(20);
      String json = "{\"id\":12345,\"tags\":[\"a\",\"b\"],\"ok\":true}".repeat(20);
      String masks = "x.[MASK]".repeat(60);
      for (String text : new String[] {chinese, json, masks}) {
        int end = pieces.pieceEnd(text, 0);
        assertTrue(end <= SMALL_PIECES, "the first piece of a text without spaces ends at " + end);
        assertArrayEquals(whole.ids(text), pieces.ids(text), text.substring(0, 20));
      }
      for (int from = 0; from < masks.length(); from = pieces.pieceEnd(masks, from)) {
        assertTrue(from == 0 || masks.startsWith(".", from), "a piece starts at " + from + " in x.[MASK]x.[MASK]...");
      }
    }
  }

  /**
   * An unpaired surrogate is deleted as U+FFFD is, and nothing with it. Given one, the tokenizer's native side read
   * the whole string as malformed and turned every character beyond U+FFFF in it into U+FFFD too (an emoji's
   * [UNK] was gone), so a text cut into pieces got other ids than whole: only the piece holding it lost them.
   */
  @Test
  void anUnpairedSurrogateDeletesNothingElse() {
    for (ModelSpec spec : new ModelSpec[] {ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.BGE_SMALL_EN_V15_Q}) {
      try (Windows whole = new Windows(spec.tokenizerResource(), spec.windowTokens(), Integer.MAX_VALUE);
           Windows pieces = new Windows(spec.tokenizerResource(), spec.windowTokens(), SMALL_PIECES)) {
        String emoji = "i like \ud83d\ude00 a lot";
        assertArrayEquals(whole.ids(emoji), whole.ids(emoji + " \ud800"), spec.name());
        assertArrayEquals(whole.ids(emoji), whole.ids("\ude00" + emoji + " \ud83d"), spec.name());
        String text = ("\ud840\udc00, " + "word ".repeat(10)).repeat(5) + ",\ude00";
        assertArrayEquals(whole.ids(text), pieces.ids(text), spec.name());
        assertArrayEquals(whole.ids(text.substring(0, text.length() - 1)), whole.ids(text), spec.name());
      }
    }
  }

  /**
   * Only a BERT tokenizer's text is cut into pieces: another may treat the space before a piece's first word otherwise.
   */
  @Test
  void onlyATokenizerThatSplitsWordsAsBertDoesIsGivenPieces() throws IOException {
    for (ModelSpec spec : new ModelSpec[] {ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.BGE_SMALL_EN_V15_Q}) {
      try (InputStream in = WindowsTest.class.getResourceAsStream(spec.tokenizerResource())) {
        assertTrue(Windows.isBert(in.readAllBytes()), spec.name());
      }
    }
    String sentencePiece = "{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Nmt\"}]},"
        + " \"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"\u2581\"}}";
    String bertWords =
        "{\"normalizer\": {\"type\": \"Lowercase\"}, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}}";
    assertFalse(Windows.isBert(sentencePiece.getBytes(StandardCharsets.UTF_8)));
    assertFalse(Windows.isBert(bertWords.getBytes(StandardCharsets.UTF_8)), "another normalizer");
  }

  private static String demoConversation() throws IOException {
    try (InputStream in = WindowsTest.class.getResourceAsStream("/dev/aeon/embed/demo-conversation.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
