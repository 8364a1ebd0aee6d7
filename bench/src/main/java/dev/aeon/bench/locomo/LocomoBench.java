package dev.aeon.bench.locomo;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Question;
import dev.aeon.bench.util.BenchReport;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./aeon bench locomo [--quick] [--data FILE] [--model NAME]}: the LoCoMo retrieval benchmark.
 * Every turn of every conversation is embedded as {@code "[<session date>] <speaker>: <text>"}; each
 * question ranks its conversation's turns; hit@k counts questions with an evidence turn in the top k.
 */
public final class LocomoBench {

  /** Where the development half of LoCoMo is looked for, in the working directory's parent folders. */
  static final Path DEFAULT_DATA = Path.of("shared", "data", "locomo", "locomo-dev.json");

  private LocomoBench() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (!Files.isRegularFile(options.data)) {
      System.err.println("locomo: no data at " + options.data.toAbsolutePath()
          + "; give a LoCoMo JSON file with --data FILE (the format of locomo10.json)");
      System.exit(2);
    }
    List<Conversation> conversations = LocomoData.load(options.data);
    if (options.quick) {
      conversations = conversations.subList(0, Math.min(2, conversations.size()));
    }
    ModelSpec spec = ModelSpec.named(options.model);
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open(spec)) {
      Corpus corpus = Corpus.embed(conversations, embedder, new VectorCache(VectorCache.defaultDir()));
      System.out.printf("locomo: %d conversations, %d turns, %d questions, model %s%n",
          conversations.size(), corpus.turnCount(), corpus.questionCount(), spec.name());
      HitCounter exact = exact(corpus, null);
      HitCounter exactTrace = exact(corpus, new TraceRecall(TraceRecall.Params.DEFAULT));
      Map<String, Object> report = BenchReport.header();
      report.put("model", spec.name());
      report.put("data", options.data.getFileName().toString());
      report.put("conversations", conversations.size());
      report.put("turns", corpus.turnCount());
      report.put("questions", corpus.questionCount());
      report.put("exact", exact.summary());
      report.put("exact_trace", exactTrace.summary());
      Map<String, Object> perCategory = new LinkedHashMap<>();
      exact.perCategory().forEach((c, m) -> perCategory.put(String.valueOf(c), Map.of("exact", m)));
      report.put("per_category", perCategory);
      System.out.printf(Locale.ROOT, "exact: hit@1 %.3f  hit@5 %.3f  hit@10 %.3f  hit@25 %.3f%n",
          exact.hitAt(1), exact.hitAt(5), exact.hitAt(10), exact.hitAt(25));
      System.out.printf(Locale.ROOT, "exact_trace: hit@1 %.3f  hit@5 %.3f  hit@10 %.3f  hit@25 %.3f%n",
          exactTrace.hitAt(1), exactTrace.hitAt(5), exactTrace.hitAt(10), exactTrace.hitAt(25));
      BenchReport.write("locomo", report);
    }
  }

  /** Brute-force cosine over each conversation, re-ranked by {@code trace} unless it is null. */
  static HitCounter exact(Corpus corpus, TraceRecall trace) {
    HitCounter hits = new HitCounter();
    for (int c = 0; c < corpus.conversations.size(); c++) {
      Conversation conversation = corpus.conversations.get(c);
      Dialogue dialogue = new TurnDialogue(conversation.turns());
      List<Question> questions = conversation.questions();
      for (int q = 0; q < questions.size(); q++) {
        Question question = questions.get(q);
        float[] scores = ExactRecall.scores(corpus.questionVectors.get(c).get(q), corpus.turnVectors.get(c));
        int[] ranking;
        if (trace == null) {
          ranking = ExactRecall.top(scores, HitCounter.DEPTH);
        } else {
          int[] candidates = ExactRecall.top(scores, trace.candidates());
          float[] candidateScores = new float[candidates.length];
          for (int i = 0; i < candidates.length; i++) {
            candidateScores[i] = scores[candidates[i]];
          }
          ranking = trace.rank(question.text(), dialogue, candidates, candidateScores, HitCounter.DEPTH);
        }
        hits.add(question.category(), question.evidence(), ranking);
      }
    }
    return hits;
  }

  /** Command-line options. */
  record Options(boolean quick, Path data, String model) {
    static Options parse(String[] args) {
      boolean quick = false;
      Path data = null;
      String model = ModelSpec.DEFAULT.name();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--data" -> data = Path.of(value(args, ++i, "--data"));
          case "--model" -> model = value(args, ++i, "--model");
          default -> usage("unknown option '" + args[i] + "'");
        }
      }
      return new Options(quick, data != null ? data : findDefaultData(), model);
    }

    /** {@code ../shared/data/locomo/locomo-dev.json}, or the same under a further parent folder. */
    static Path findDefaultData() {
      Path first = Path.of("..").resolve(DEFAULT_DATA);
      for (Path dir = Path.of("").toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(DEFAULT_DATA))) {
          return dir.resolve(DEFAULT_DATA);
        }
      }
      return first;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        usage(option + " needs a value");
      }
      return args[i];
    }

    private static void usage(String problem) {
      System.err.println("locomo: " + problem);
      System.err.println("usage: ./aeon bench locomo [--quick] [--data FILE] [--model minilm|bge]");
      System.exit(2);
    }
  }
}
