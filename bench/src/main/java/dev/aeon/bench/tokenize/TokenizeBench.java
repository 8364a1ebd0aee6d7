package dev.aeon.bench.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.aeon.bench.util.BenchArgs;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The cost of tokenizing one long text: through the embedder, which tokenizes a long text a piece at a time,
 * against the baseline of the same tokenizer given the whole text at once (as the embedder did before), in the
 * same run. The text ({@code --text}) is the embed module's demo conversation repeated to {@code --chars}
 * characters, or a text without spaces of that length: Chinese-like ideographs with a full stop now and then
 * ({@code cjk}), or the conversation's bytes in base64 ({@code base64}), which the embedder cuts before ideographs
 * and punctuation. Reports
 * the time and the peak resident memory above the process's before each (Linux: the peak is reset between
 * the two through {@code /proc/self/clear_refs}), and checks both give the same number of tokens. Writes
 * {@code target/bench/tokenize.json}.
 */
public final class TokenizeBench {

  private static final Path STATUS = Path.of("/proc/self/status");

  private TokenizeBench() {}

  public static void main(String[] args) throws IOException {
    BenchArgs a = BenchArgs.parseOrExit("tokenize", args, "--quick", "--chars N", "--text conversation|cjk|base64");
    int chars = a.positiveInt("--chars", a.has("--quick") ? 2_000_000 : 16_000_000);
    String kind = a.value("--text", "conversation");
    if (!Files.isReadable(STATUS)) {
      a.fail("reads the process's resident memory from Linux's " + STATUS + ", which is not here");
    }
    String text = switch (kind) {
      case "conversation" -> repeated(conversation(), chars);
      case "cjk" -> ideographs(chars);
      case "base64" ->
          repeated(Base64.getEncoder().encodeToString(conversation().getBytes(StandardCharsets.UTF_8)), chars);
      default -> {
        a.fail("--text is conversation, cjk or base64, not '" + kind + "'");
        yield null;
      }
    };
    ModelSpec spec = ModelSpec.DEFAULT;
    System.out.printf("tokenize: a text of %,d characters (%s) with the %s tokenizer%n", text.length(), kind,
        spec.name());
    Map<String, Object> report = BenchReport.header();
    report.put("text", kind);
    report.put("chars", text.length());
    report.put("model", spec.name());
    Map<String, Object> pieces;
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(spec)) {
      embedder.tokenCount("warm-up"); // loads the native library before the measurement
      pieces = measure("in pieces (the embedder)", () -> embedder.tokenCount(text));
    }
    Map<String, Object> whole;
    try (HuggingFaceTokenizer tokenizer = wholeTextTokenizer(spec)) {
      tokenizer.encode("warm-up", false, false);
      whole = measure("whole (baseline)", () -> tokenizer.encode(text, false, false).getIds().length);
    }
    if (!pieces.get("tokens").equals(whole.get("tokens"))) {
      throw new IllegalStateException("the pieces gave " + pieces.get("tokens") + " tokens, the whole text "
          + whole.get("tokens"));
    }
    report.put("pieces", pieces);
    report.put("whole", whole);
    double memory = (double) (long) pieces.get("peak_above_mib") / Math.max(1, (long) whole.get("peak_above_mib"));
    double time = (double) (long) pieces.get("ms") / Math.max(1, (long) whole.get("ms"));
    report.put("pieces_over_whole_peak_memory", BenchReport.round(memory, 3));
    report.put("pieces_over_whole_time", BenchReport.round(time, 3));
    System.out.printf("pieces / whole: peak memory above the start %.3fx, time %.3fx%n", memory, time);
    BenchReport.write("tokenize", report);
  }

  /** The embed module's demo conversation. */
  private static String conversation() throws IOException {
    try (InputStream in = OnnxTextEmbedder.class.getResourceAsStream("/dev/aeon/embed/demo-conversation.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {@code base} repeated up to {@code chars} characters. */
  private static String repeated(String base, int chars) {
    StringBuilder sb = new StringBuilder(chars + base.length());
    while (sb.length() < chars) {
      sb.append(base);
    }
    return sb.substring(0, chars);
  }

  /**
   * {@code chars} characters without a space: ideographs of the CJK Unified Ideographs block (seeded, so every run
   * tokenizes the same text), with an ideographic full stop after every 20th, as Chinese prose is written.
   */
  private static String ideographs(int chars) {
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder(chars);
    while (sb.length() < chars) {
      sb.append(sb.length() % 21 == 20 ? '\u3002' : (char) (0x4E00 + random.nextInt(0x9FFF - 0x4E00 + 1)));
    }
    return sb.toString();
  }

  /** The model's tokenizer as the embedder loads it, which is given the whole text. */
  private static HuggingFaceTokenizer wholeTextTokenizer(ModelSpec spec) throws IOException {
    try (InputStream in = OnnxTextEmbedder.class.getResourceAsStream(spec.tokenizerResource())) {
      return HuggingFaceTokenizer.newInstance(in, Map.of(
          "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    }
  }

  private interface Tokenization {
    int tokens();
  }

  private static Map<String, Object> measure(String what, Tokenization tokenization) throws IOException {
    System.gc();
    resetPeak();
    long before = status("VmRSS:");
    long start = System.nanoTime();
    int tokens = tokenization.tokens();
    long ms = (System.nanoTime() - start) / 1_000_000;
    long peak = status("VmHWM:");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokens", tokens);
    m.put("ms", ms);
    m.put("rss_before_mib", before >> 20);
    m.put("peak_above_mib", Math.max(0, peak - before) >> 20);
    System.out.printf("  %-26s %,d tokens in %,d ms; peak resident memory %,d MiB above the %,d MiB before%n",
        what, tokens, ms, Math.max(0, peak - before) >> 20, before >> 20);
    return m;
  }

  /** Resets the process's peak resident memory (VmHWM) to its current one; Linux 4.0 and later. */
  private static void resetPeak() throws IOException {
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
  }

  private static long status(String key) throws IOException {
    for (String line : Files.readAllLines(STATUS)) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no " + key + " in " + STATUS);
  }
}
