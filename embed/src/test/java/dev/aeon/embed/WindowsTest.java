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
      "x".repeat(150), "abc".repeat(60) + "." // words past WordPiece's 100 characters, one ending in a stop
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

  /** Only a BERT tokenizer's text is cut into pieces: another may treat the space before a piece's first word otherwise. */
  @Test
  void onlyATokenizerThatSplitsWordsAsBertDoesIsGivenPieces() throws IOException {
    for (ModelSpec spec : new ModelSpec[] {ModelSpec.ALL_MINILM_L6_V2_Q, ModelSpec.BGE_SMALL_EN_V15_Q}) {
      try (InputStream in = WindowsTest.class.getResourceAsStream(spec.tokenizerResource())) {
        assertTrue(Windows.isBert(in.readAllBytes()), spec.name());
      }
    }
    String sentencePiece = "{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Nmt\"}]},"
        + " \"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"\u2581\"}}";
    String bertWords = "{\"normalizer\": {\"type\": \"Lowercase\"}, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}}";
    assertFalse(Windows.isBert(sentencePiece.getBytes(StandardCharsets.UTF_8)));
    assertFalse(Windows.isBert(bertWords.getBytes(StandardCharsets.UTF_8)), "another normalizer");
  }

  private static String demoConversation() throws IOException {
    try (InputStream in = WindowsTest.class.getResourceAsStream("/dev/aeon/embed/demo-conversation.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
