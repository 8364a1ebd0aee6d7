package dev.aeon.bench.locomo;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Drives the engine for the benchmark: remembers every turn (one engine session per conversation, in
 * dialogue order, conversations in parallel), recalls, and reads the trace back for trace-aware recall.
 * Maps engine event ids to the data set's turn numbers so rankings can be scored.
 */
final class EngineRun {

  private final Memory memory;
  private final Corpus corpus;
  /** Per conversation: event id -> turn number. */
  private final List<Map<Long, Integer>> turnOfEvent = new ArrayList<>();
  private final List<Dialogue> dialogues = new ArrayList<>();

  EngineRun(Memory memory, Corpus corpus) {
    this.memory = memory;
    this.corpus = corpus;
  }

  /** Remembers every turn with its vector; returns the wall time in nanoseconds. */
  long ingest() throws Exception {
    List<Conversation> conversations = corpus.conversations;
    long start = System.nanoTime();
    List<Map<Long, Integer>> maps = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(conversations.size())) {
      List<Future<Map<Long, Integer>>> futures = new ArrayList<>();
      for (int c = 0; c < conversations.size(); c++) {
        int conv = c;
        futures.add(pool.submit(() -> ingest(conversations.get(conv), corpus.turnVectors.get(conv))));
      }
      for (Future<Map<Long, Integer>> f : futures) {
        maps.add(f.get());
      }
    }
    long elapsed = System.nanoTime() - start;
    turnOfEvent.addAll(maps);
    for (int c = 0; c < conversations.size(); c++) {
      dialogues.add(readDialogue(conversations.get(c), turnOfEvent.get(c)));
    }
    return elapsed;
  }

  private Map<Long, Integer> ingest(Conversation conversation, List<float[]> vectors) {
    Map<Long, Integer> map = new HashMap<>();
    for (Turn t : conversation.turns()) {
      long id = memory.remember(Remember.event(conversation.id(), "user", t.embeddingText())
          .vector(vectors.get(t.index()))
          .at(t.timestampMicros())
          .attribute("speaker", t.speaker())
          .attribute("dia_id", t.diaId()));
      map.put(id, t.index());
    }
    return map;
  }

  /**
   * The conversation's trace as the engine holds it: every event of the session with its time and text,
   * in time order. The stored text starts with "[date] speaker: "; the utterance after it is what
   * trace-aware recall inspects for time expressions.
   */
  private Dialogue readDialogue(Conversation conversation, Map<Long, Integer> turns) {
    int n = conversation.turns().size();
    List<Event> events = memory.history(conversation.id(), n);
    if (events.size() != n) {
      throw new IllegalStateException("the engine returned " + events.size() + " events of session "
          + conversation.id() + ", " + n + " were remembered");
    }
    long[] ts = new long[n];
    String[] texts = new String[n];
    for (Event e : events) {
      Integer turn = turns.get(e.id());
      if (turn == null) {
        throw new IllegalStateException("event " + e.id() + " of session " + conversation.id()
            + " was never remembered");
      }
      ts[turn] = e.timestampMicros();
      texts[turn] = utterance(e.text());
    }
    return new Dialogue(ts, texts);
  }

  /** "[1:56 pm on 8 May, 2023] Caroline: Hi!" -> "Caroline: Hi!" (the date is the event's time already). */
  static String utterance(String stored) {
    int close = stored.startsWith("[") ? stored.indexOf("] ") : -1;
    return close < 0 ? stored : stored.substring(close + 2);
  }

  /** Similarity recall within the conversation through the engine: turn numbers, best first. */
  int[] recall(int conversation, float[] query, int k) {
    List<Recalled> hits = memory.recall(Recall.vector(query, k).session(corpus.conversations.get(conversation).id()));
    int[] turns = new int[hits.size()];
    for (int i = 0; i < turns.length; i++) {
      turns[i] = turnOf(conversation, hits.get(i).event().id());
    }
    return turns;
  }

  /** Engine candidates re-ranked by {@link TraceRecall} over the engine's trace. */
  int[] traceRecall(int conversation, String question, float[] query, TraceRecall trace, int k) {
    List<Recalled> hits = memory.recall(
        Recall.vector(query, trace.candidates()).session(corpus.conversations.get(conversation).id()));
    int[] candidates = new int[hits.size()];
    float[] scores = new float[hits.size()];
    for (int i = 0; i < candidates.length; i++) {
      candidates[i] = turnOf(conversation, hits.get(i).event().id());
      scores[i] = hits.get(i).score();
    }
    return trace.rank(question, dialogues.get(conversation), candidates, scores, k);
  }

  private int turnOf(int conversation, long eventId) {
    Integer turn = turnOfEvent.get(conversation).get(eventId);
    if (turn == null) {
      throw new IllegalStateException("recall returned event " + eventId + ", which is not a turn of "
          + corpus.conversations.get(conversation).id());
    }
    return turn;
  }
}
