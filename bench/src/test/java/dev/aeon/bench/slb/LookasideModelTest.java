package dev.aeon.bench.slb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.bench.slb.LookasideModel.Outcome;
import org.junit.jupiter.api.Test;

class LookasideModelTest {

  private static float[] unit(float x, float y) {
    return SlbBench.unit(new float[] {x, y, 0, 0});
  }

  @Test
  void similarQueryWithinTheWindowHits() {
    LookasideModel m = new LookasideModel(4, 0.9f, 32);
    assertEquals(Outcome.MISS, m.recall(unit(1, 0), 10, 100));
    assertEquals(Outcome.HIT, m.recall(unit(1, 0.1f), 10, 132)); // cos 0.995, 32 remembered since
    assertEquals(Outcome.MISS, m.recall(unit(0, 1), 10, 132));    // orthogonal
  }

  @Test
  void similarButTooOldOrTooFewCandidatesIsRejectedAndCached() {
    LookasideModel m = new LookasideModel(4, 0.9f, 32);
    m.recall(unit(1, 0), 10, 100);
    assertEquals(Outcome.REJECTED, m.recall(unit(1, 0), 10, 133)); // 33 remembered since
    assertEquals(Outcome.HIT, m.recall(unit(1, 0), 10, 140));      // the rejected query was cached at 133
    LookasideModel small = new LookasideModel(4, 0.9f, 32);
    small.recall(unit(1, 0), 10, 5);                                // only 5 candidates
    assertEquals(Outcome.REJECTED, small.recall(unit(1, 0), 10, 6));
  }

  @Test
  void ringEvictsTheOldest() {
    LookasideModel m = new LookasideModel(2, 0.9f, 32);
    m.recall(unit(1, 0), 10, 100);
    m.recall(unit(0, 1), 10, 100);
    m.recall(unit(1, -1), 10, 100); // evicts (1, 0)
    assertEquals(Outcome.MISS, m.recall(unit(1, 0), 10, 100));
  }
}
