package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The set of forgotten slots against a {@link BitSet}, across words, chunks and a table grown past empty chunks. */
class ForgottenSlotsTest {

  @Test
  void holdsExactlyTheSlotsAdded() {
    int chunk = ForgottenSlots.SLOTS_PER_CHUNK;
    int[] edges = {0, 1, 63, 64, chunk - 1, chunk, chunk + 1, 5 * chunk + 7, 40 * chunk - 1};
    Random random = new Random(11);
    ForgottenSlots set = new ForgottenSlots();
    BitSet expected = new BitSet();
    assertEquals(-1, check(set, expected, edges, random, 0), "an empty set holds none");
    for (int round = 0; round < 2_000; round++) {
      // the edge slots in turn, then random ones in the first 3 chunks and a few far beyond
      int slot = round < edges.length ? edges[round]
          : round % 100 == 0 ? random.nextInt(60 * chunk) : random.nextInt(3 * chunk);
      set.add(slot);
      expected.set(slot);
      assertEquals(-1, check(set, expected, edges, random, slot), "after adding " + slot);
    }
    set.add(edges[3]); // again: still in, its neighbours still not
    assertTrue(set.contains(edges[3]));
    assertEquals(-1, check(set, expected, edges, random, edges[3]));
  }

  /** The first slot around {@code near}, the edge slots or random ones where the two disagree; -1 if none. */
  private static int check(ForgottenSlots set, BitSet expected, int[] edges, Random random, int near) {
    for (int s = Math.max(0, near - 70); s < near + 70; s++) {
      if (set.contains(s) != expected.get(s)) {
        return s;
      }
    }
    for (int s : edges) {
      if (set.contains(s) != expected.get(s)) {
        return s;
      }
    }
    for (int i = 0; i < 200; i++) {
      int s = random.nextInt(80 * ForgottenSlots.SLOTS_PER_CHUNK);
      if (set.contains(s) != expected.get(s)) {
        return s;
      }
    }
    return -1;
  }
}
