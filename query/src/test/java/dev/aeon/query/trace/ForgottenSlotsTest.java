package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * A small trace's forgets hold a few words, not a whole chunk: a server may hold thousands of namespaces of a few
   * events each ({@link FirstChunk}), and one forget in each held 8 KiB of bits for slots that did not exist. The
   * first chunk starts at {@value FirstChunk#SMALLEST} slots and doubles, copied, as later chunks of columns do.
   */
  @Test
  void aFewForgetsOfASmallTraceHoldAFewWords() {
    ForgottenSlots set = new ForgottenSlots();
    set.add(3);
    set.add(700);
    long small = set.heapBytes();
    assertTrue(small <= 16 + 8 + 16 + FirstChunk.SMALLEST / 8, "a set of slots 3 and 700 holds " + small + " bytes");
    set.add(5_000); // the first chunk grows by a copy: the slots set before stay in it
    assertTrue(set.contains(3) && set.contains(700) && set.contains(5_000));
    assertTrue(!set.contains(4) && !set.contains(4_999) && !set.contains(5_001));
    assertTrue(set.heapBytes() <= 16 + 8 + 16 + 8_192 / 8, "after slot 5,000: " + set.heapBytes() + " bytes");
  }

  /**
   * Readers on other threads while the writer adds even slots, ascending with seeded gaps, through the first
   * chunk's copies and into new chunks, and after each add publishes how many it added with a release store (as a
   * forget then removes edges and attributes): a reader that sees the count finds every slot added before it
   * forgotten (none lost in a copy or a table left behind, none un-forgotten), and never an odd slot.
   */
  @Test
  void readersFindEverySlotAddedBeforeWhatTheySaw() throws Exception {
    Random random = new Random(7);
    int[] slots = new int[20_000];
    for (int i = 0, s = 0; i < slots.length; i++) {
      s += 2 * (1 + random.nextInt(i % 500 == 0 ? 20_000 : 8)); // now and then a jump to a chunk of its own
      slots[i] = s;
    }
    ForgottenSlots set = new ForgottenSlots();
    AtomicInteger added = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Random mine = new Random(r);
        readers.add(pool.submit(() -> {
          int checks = 0;
          while (!done.get()) {
            int n = added.getAcquire();
            for (int k = 0; k < 16 && n > 0; k++, checks++) {
              int i = k == 0 ? n - 1 : mine.nextInt(n);
              assertTrue(set.contains(slots[i]), "slot " + slots[i] + ", added " + (n - i) + " adds before");
              assertFalse(set.contains(slots[i] + 1), "slot " + (slots[i] + 1) + " was never added");
            }
          }
          return checks;
        }));
      }
      for (int i = 0; i < slots.length; i++) {
        set.add(slots[i]);
        added.setRelease(i + 1);
      }
      done.set(true);
      for (Future<Integer> reader : readers) {
        reader.get(); // throws what the reader's checks threw
      }
    } finally {
      done.set(true);
      pool.shutdown();
    }
    for (int s : slots) {
      assertTrue(set.contains(s));
    }
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
