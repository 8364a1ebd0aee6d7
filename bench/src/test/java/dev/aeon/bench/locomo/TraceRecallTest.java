package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceRecallTest {

  /** A dialogue of sittings of the given lengths, ten days apart from 1 May 2023, one second between turns. */
  static Dialogue dialogue(List<String> texts, int... sittingLengths) {
    long[] ts = new long[texts.size()];
    int t = 0;
    for (int s = 0; s < sittingLengths.length; s++) {
      for (int i = 0; i < sittingLengths[s]; i++, t++) {
        ts[t] = Instant.parse("2023-05-01T10:00:00Z").plusSeconds(86_400L * 10 * s + i).toEpochMilli() * 1000;
      }
    }
    return new Dialogue(ts, texts.toArray(String[]::new));
  }

  private static final List<String> TEXTS = List.of(
      "hi", "what did you paint?", "a sunset over the lake", "nice", "bye",
      "hello again", "I went hiking yesterday", "cool", "see you", "ok");

  private final TraceRecall plainNeighbours = new TraceRecall(new TraceRecall.Params(100, 0.5f, 0f, 0f, 3, 0f));

  @Test
  void theReplyToTheBestMatchingTurnIsPulledUpAndNeighboursJoinTheCandidates() {
    Dialogue d = dialogue(TEXTS, 5, 5);
    // Similarity found turn 1 (the question) and the unrelated turn 6; turn 2 (the reply) was not found.
    int[] ranking = plainNeighbours.rank("What did Melanie paint?", d,
        new int[] {1, 6, 9}, new float[] {0.8f, 0.6f, 0.1f}, 3);
    // Unfound turns score as the weakest candidate (0.1). Turn 1: 0.8 + 0.5 * 0.1 = 0.85; its neighbours 0 and 2:
    // 0.1 + 0.5 * 0.8 = 0.5, ahead of turn 9 (0.15) which similarity did find; turn 6: 0.6 + 0.5 * 0.1 = 0.65.
    // Ties go to the earlier turn.
    assertArrayEquals(new int[] {1, 6, 0}, ranking);
    assertArrayEquals(new int[] {1, 6, 0, 2}, plainNeighbours.rank("What did Melanie paint?", d,
        new int[] {1, 6, 9}, new float[] {0.8f, 0.6f, 0.1f}, 4));
  }

  @Test
  void neighboursDoNotCrossSittings() {
    Dialogue d = dialogue(TEXTS, 5, 5);
    int[] ranking = plainNeighbours.rank("q", d, new int[] {4, 0}, new float[] {0.9f, 0.1f}, 10);
    assertArrayEquals(new int[] {4, 3, 0, 1}, ranking, "turn 5 opens the next sitting, so it is no neighbour of 4");
  }

  @Test
  void aDateInTheQuestionFavoursTurnsOfThatTime() {
    Dialogue d = dialogue(TEXTS, 5, 5); // sitting 2 is on 11 May 2023
    TraceRecall dates = new TraceRecall(new TraceRecall.Params(100, 0f, 0f, 0.2f, 3, 0f));
    int[] candidates = {0, 7, 3};
    float[] scores = {0.6f, 0.5f, 0.1f};
    assertEquals(0, dates.rank("What happened?", d, candidates, scores, 1)[0]);
    assertEquals(7, dates.rank("What happened on 12 May, 2023?", d, candidates, scores, 1)[0]);
    assertEquals(0, dates.rank("What happened on 20 May, 2023?", d, candidates, scores, 1)[0], "beyond the slack");
  }

  @Test
  void whenQuestionsFavourTurnsThatSayWhen() {
    Dialogue d = dialogue(TEXTS, 5, 5);
    TraceRecall temporal = new TraceRecall(new TraceRecall.Params(100, 0f, 0f, 0f, 3, 0.1f));
    int[] candidates = {5, 6};
    float[] scores = {0.55f, 0.5f};
    assertEquals(5, temporal.rank("Where did Melanie go hiking?", d, candidates, scores, 1)[0]);
    assertEquals(6, temporal.rank("When did Melanie go hiking?", d, candidates, scores, 1)[0]);
  }

  @Test
  void aPauseOfMoreThanAnHourEndsASitting() {
    long hour = Dialogue.SITTING_GAP_MICROS;
    Dialogue d = new Dialogue(new long[] {0, hour, 2 * hour + 1}, new String[] {"a", "b", "c"});
    assertEquals(0, d.previous(1));
    assertEquals(-1, d.next(1));
    assertEquals(-1, d.previous(2));
  }

  @Test
  void noCandidatesMeansNoResults() {
    assertEquals(0, plainNeighbours.rank("q", dialogue(TEXTS, 10), new int[0], new float[0], 5).length);
  }
}
