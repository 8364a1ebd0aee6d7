package dev.aeon.engine.slb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.slb.SemanticLookasideBuffer.Entry;
import dev.aeon.engine.slb.SemanticLookasideBuffer.Probe;
import dev.aeon.index.atlas.PreparedQuery;
import dev.aeon.index.kernel.Kernels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The lookaside ring on its own: its INT8 screening finds what comparing every cached query exactly finds. */
class SemanticLookasideBufferTest {

  private static final int RING = 64;

  @Test
  void lookupFindsTheEntryAnExactComparisonWithEveryCachedQueryFinds() {
    for (int dim : new int[] {16, 64, 384, 1000}) {
      long seed = 42 + dim;
      Random random = new Random(seed);
      float threshold = 0.85f;
      SemanticLookasideBuffer slb = new SemanticLookasideBuffer(RING, threshold, 1L << 30);
      Deque<Entry> model = new ArrayDeque<>();
      int hits = 0;
      for (int i = 0; i < 3_000; i++) {
        // Most queries are at a chosen cosine from a cached one: half of them within 0.005 of the
        // threshold, where the INT8 estimate alone would often decide wrongly.
        float cosine = random.nextBoolean() ? threshold + (random.nextFloat() - 0.5f) * 0.01f
            : 0.7f + 0.3f * random.nextFloat();
        float[] drawn = model.isEmpty() || random.nextInt(4) == 0 ? unit(random, dim)
            : atCosine(random, List.copyOf(model).get(random.nextInt(model.size())).query(), cosine);
        float[] q = PreparedQuery.of(drawn).unitVector(); // the vector the buffer compares, to the last bit
        Entry expected = exactBest(model, q, threshold);
        Entry found = slb.lookup("s", probe(q));
        // The buffer makes its own entries; the candidates array passed to the store identifies one.
        assertSame(expected == null ? null : expected.candidates(), found == null ? null : found.candidates(),
            "seed " + seed + ", dim " + dim + ", query " + i);
        hits += found == null ? 0 : 1;
        if (found == null) {
          Entry e = new Entry(q, new long[] {i}, i, 1);
          slb.store("s", probe(q), e.candidates(), i);
          model.addLast(e);
          if (model.size() > RING) {
            model.removeFirst();
          }
        }
      }
      assertTrue(hits > 300 && hits < 2_700, "both outcomes are exercised: " + hits + " hits (dim " + dim + ")");
    }
  }

  @Test
  void totalMemoryIsBoundedByEvictingTheLeastRecentlyUsedSession() {
    Random random = new Random(7);
    SemanticLookasideBuffer measure = new SemanticLookasideBuffer(4, 0.9f, Long.MAX_VALUE);
    measure.store("a", probe(unit(random, 32)), new long[8], 0);
    long oneSession = measure.bytes();

    SemanticLookasideBuffer slb = new SemanticLookasideBuffer(4, 0.9f, 3 * oneSession);
    float[] qa = unit(random, 32);
    slb.store("a", probe(qa), new long[8], 0);
    slb.store("b", probe(unit(random, 32)), new long[8], 0);
    slb.store("c", probe(unit(random, 32)), new long[8], 0);
    assertEquals(3, slb.sessions());
    assertEquals(3 * oneSession, slb.bytes());
    assertTrue(slb.lookup("a", probe(qa)) != null, "a is now the most recently used");
    slb.store("d", probe(unit(random, 32)), new long[8], 0);
    assertEquals(3, slb.sessions());
    assertNull(slb.lookup("b", probe(unit(random, 32))), "b was the least recently used");
    assertTrue(slb.lookup("a", probe(qa)) != null);
    assertTrue(slb.bytes() <= 3 * oneSession);

    for (String s : new String[] {"a", "c", "d"}) {
      slb.clear(s);
    }
    assertEquals(0, slb.sessions());
    assertEquals(0, slb.bytes());
  }

  /**
   * A ring that cannot fit the memory budget is never made: one of 100 million entries used to fail every
   * store with a NegativeArraySizeException (its codes overflowed an int), and a smaller oversized one was
   * allocated, evicted every other session, and was evicted itself, at every store.
   */
  @Test
  void aSessionRingLargerThanTheBudgetIsNeverMade() {
    Random random = new Random(8);
    SemanticLookasideBuffer huge = new SemanticLookasideBuffer(100_000_000, 0.9f, 32L << 20);
    float[] q = unit(random, 384);
    huge.store("a", probe(q), new long[8], 0);
    assertNull(huge.lookup("a", probe(q)));
    assertEquals(0, huge.bytes());

    SemanticLookasideBuffer slb = new SemanticLookasideBuffer(64, 0.9f, 64 * 400);
    slb.store("small", probe(unit(random, 8)), new long[8], 0);
    long kept = slb.bytes();
    slb.store("large", probe(unit(random, 384)), new long[8], 0); // 64 rows of 384 codes: over the budget
    assertEquals(1, slb.sessions(), "the other session stays");
    assertEquals(kept, slb.bytes());
  }

  /**
   * An entry that would make its session's ring alone pass the budget (the candidates of a recall with a
   * very large k) is not cached: it used to be stored, then evict every other session and its own.
   */
  @Test
  void anEntryThatWouldPassTheBudgetAloneIsNotCachedAndEvictsNoOne() {
    Random random = new Random(9);
    SemanticLookasideBuffer slb = new SemanticLookasideBuffer(4, 0.9f, 64 * 1024);
    float[] small = unit(random, 32);
    slb.store("small", probe(small), new long[8], 0);
    long kept = slb.bytes();
    float[] large = unit(random, 32);
    slb.store("large", probe(large), new long[10_000], 0); // 80,000 bytes of candidates
    assertNull(slb.lookup("large", probe(large)));
    assertTrue(slb.lookup("small", probe(small)) != null, "the other session stays");
    assertEquals(1, slb.sessions());
    assertEquals(kept, slb.bytes());

    // The same within a ring: an entry that would pass the budget even in an empty ring is not stored.
    slb.store("small", probe(large), new long[10_000], 0);
    assertTrue(slb.lookup("small", probe(small)) != null);
    assertNull(slb.lookup("small", probe(large)));
    assertEquals(kept, slb.bytes());
  }

  /**
   * A ring whose entries are large makes room for a new one by dropping its oldest: it refused the new entry,
   * so a session of large recalls kept answering from its first queries only.
   */
  @Test
  void theOldestEntriesOfARingMakeRoomForALargeNewOne() {
    Random random = new Random(11);
    long entryBytes = 64 + 4 * 32 + 8 * 1000;
    long emptyRing = 64 + 4 * (32 + 24);
    SemanticLookasideBuffer slb = new SemanticLookasideBuffer(4, 0.9f, emptyRing + 2 * entryBytes + 100);
    float[] first = unit(random, 32), second = unit(random, 32), third = unit(random, 32);
    slb.store("s", probe(first), new long[1000], 0);
    slb.store("s", probe(second), new long[1000], 0);
    slb.store("s", probe(third), new long[1000], 0);
    assertNull(slb.lookup("s", probe(first)), "the oldest made room");
    assertTrue(slb.lookup("s", probe(second)) != null);
    assertTrue(slb.lookup("s", probe(third)) != null, "the new entry is cached");
    assertEquals(emptyRing + 2 * entryBytes, slb.bytes());
    assertEquals(1, slb.sessions());
  }

  /**
   * A threshold of 1 (which the options allow) must let a query hit its identical cached one: the dot
   * product of a float unit vector with itself comes out up to two ulps below 1, and about a quarter of
   * identical queries missed.
   */
  @Test
  void atThresholdOneAnIdenticalQueryHits() {
    long seed = 13;
    Random random = new Random(seed);
    for (int dim : new int[] {8, 32, 384, 768}) {
      SemanticLookasideBuffer slb = new SemanticLookasideBuffer(RING, 1f, Long.MAX_VALUE);
      for (int i = 0; i < 50; i++) {
        float[] q = new float[dim];
        for (int j = 0; j < dim; j++) {
          q[j] = (float) random.nextGaussian();
        }
        long[] candidates = {i};
        slb.store("s", probe(q), candidates, 0);
        Entry found = slb.lookup("s", probe(q.clone()));
        assertSame(candidates, found == null ? null : found.candidates(), "seed " + seed + ", dim " + dim + ", query "
            + i);
      }
    }
  }

  /**
   * A budget large enough for any ring (e.g. Long.MAX_VALUE, "no limit") must not let a ring whose codes
   * overflow one array be made: 100 million entries of 384 dimensions made every store throw a
   * NegativeArraySizeException, and so every recall through the buffer.
   */
  @Test
  void aRingTooLargeForOneArrayIsNeverMadeWhateverTheBudget() {
    Random random = new Random(10);
    SemanticLookasideBuffer huge = new SemanticLookasideBuffer(100_000_000, 0.9f, Long.MAX_VALUE);
    float[] q = unit(random, 384);
    huge.store("a", probe(q), new long[8], 0);
    assertNull(huge.lookup("a", probe(q)));
    assertEquals(0, huge.bytes());
    assertEquals(0, huge.sessions());
  }

  @Test
  void aReplacedEntryIsNoLongerFoundAndItsBytesAreReturned() {
    Random random = new Random(9);
    SemanticLookasideBuffer slb = new SemanticLookasideBuffer(2, 0.99f, Long.MAX_VALUE);
    float[] first = unit(random, 16);
    slb.store("s", probe(first), new long[100], 0);
    long withBig = slb.bytes();
    slb.store("s", probe(unit(random, 16)), new long[1], 1);
    slb.store("s", probe(unit(random, 16)), new long[1], 2); // overwrites the first slot
    assertNull(slb.lookup("s", probe(first)));
    assertEquals(withBig - 99 * 8 + 8 + 64 + 4 * 16, slb.bytes());
  }

  /** Readers racing a writer that overwrites slots in place only ever get entries that truly pass. */
  @Test
  void concurrentLookupsOnlyReturnEntriesAboveTheThreshold() throws Exception {
    int dim = 384;
    float threshold = 0.85f;
    SemanticLookasideBuffer slb = new SemanticLookasideBuffer(8, threshold, Long.MAX_VALUE);
    Random seedQueries = new Random(11);
    float[] center = unit(seedQueries, dim);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      long seed = 100 + t;
      readers.add(Thread.ofPlatform().start(() -> {
        Random random = new Random(seed);
        try {
          while (!stop.get()) {
            float[] q = near(random, center, 0.5f);
            Entry e = slb.lookup("s", probe(q));
            if (e != null && Kernels.dot(e.query(), q) < threshold - SemanticLookasideBuffer.EXACT_ROUNDING) {
              throw new AssertionError("an entry below the threshold was returned");
            }
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }));
    }
    Random random = new Random(12);
    for (int i = 0; i < 20_000; i++) {
      slb.store("s", probe(near(random, center, 0.6f)), new long[4], i);
    }
    stop.set(true);
    for (Thread r : readers) {
      r.join();
    }
    assertNull(failure.get());
  }

  private static Entry exactBest(Deque<Entry> entries, float[] q, float threshold) {
    Entry best = null;
    float bestScore = threshold - SemanticLookasideBuffer.EXACT_ROUNDING;
    for (Entry e : entries) {
      float s = Kernels.dot(e.query(), q);
      if (s >= bestScore) {
        bestScore = s;
        best = e;
      }
    }
    return best;
  }

  private static float[] unit(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return normalize(v);
  }

  /** A unit vector whose cosine with unit vector {@code base} is {@code cosine}. */
  private static float[] atCosine(Random random, float[] base, float cosine) {
    float[] u = unit(random, base.length);
    float along = Kernels.dot(u, base);
    for (int i = 0; i < u.length; i++) {
      u[i] -= along * base[i];
    }
    normalize(u);
    float across = (float) Math.sqrt(1 - cosine * cosine);
    float[] v = new float[base.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = cosine * base[i] + across * u[i];
    }
    return normalize(v);
  }

  /** {@code base} plus noise of about {@code distance} in norm, normalized. */
  private static float[] near(Random random, float[] base, float distance) {
    float[] noise = unit(random, base.length);
    float[] v = new float[base.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = base[i] + distance * noise[i];
    }
    return normalize(v);
  }

  private static float[] normalize(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  private static Probe probe(float[] query) {
    return SemanticLookasideBuffer.probe(PreparedQuery.of(query));
  }
}
