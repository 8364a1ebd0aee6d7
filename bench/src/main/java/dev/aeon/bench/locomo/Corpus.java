package dev.aeon.bench.locomo;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Question;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.common.TextEmbedder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The conversations of a run with the vectors of their turns and questions (from the vector cache). */
final class Corpus {

  final List<Conversation> conversations;
  /** Per conversation, one vector per turn. */
  final List<List<float[]>> turnVectors = new ArrayList<>();
  /** Per conversation, one vector per question. */
  final List<List<float[]>> questionVectors = new ArrayList<>();

  private Corpus(List<Conversation> conversations) {
    this.conversations = conversations;
  }

  static Corpus embed(List<Conversation> conversations, TextEmbedder embedder, VectorCache cache)
      throws IOException {
    List<String> turnTexts = new ArrayList<>();
    List<String> questionTexts = new ArrayList<>();
    for (Conversation c : conversations) {
      c.turns().forEach(t -> turnTexts.add(t.embeddingText()));
      c.questions().forEach(q -> questionTexts.add(q.text()));
    }
    List<float[]> turns = cache.vectors(embedder, VectorCache.Purpose.PASSAGE, turnTexts);
    List<float[]> questions = cache.vectors(embedder, VectorCache.Purpose.QUERY, questionTexts);
    Corpus corpus = new Corpus(conversations);
    int t = 0;
    int q = 0;
    for (Conversation c : conversations) {
      corpus.turnVectors.add(turns.subList(t, t += c.turns().size()));
      corpus.questionVectors.add(questions.subList(q, q += c.questions().size()));
    }
    return corpus;
  }

  int turnCount() {
    return conversations.stream().mapToInt(c -> c.turns().size()).sum();
  }

  int questionCount() {
    return conversations.stream().mapToInt(c -> c.questions().size()).sum();
  }

  /** Every turn of every conversation, in order. */
  List<Turn> allTurns() {
    return conversations.stream().flatMap(c -> c.turns().stream()).toList();
  }

  /** Every question of every conversation, in order. */
  List<Question> allQuestions() {
    return conversations.stream().flatMap(c -> c.questions().stream()).toList();
  }
}
