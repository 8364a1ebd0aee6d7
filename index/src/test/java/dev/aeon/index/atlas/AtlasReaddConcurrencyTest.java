package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches of every leaf on several threads while one writer adds (splitting leaves and nodes), removes,
 * re-adds the same ids with the same vectors and compacts, and another thread flushes in two halves (which
 * frees retired pages and slots for reuse): no search fails, none returns an id twice, an id absent for the
 * whole search, or a score other than its vector's cosine, and every id present for the whole search is in an
 * answer asked for all of them. A reopen then holds exactly the ids present at the end.
 */
class AtlasReaddConcurrencyTest {

  static final int DIM = 16;
  static final int STABLE = 200; // ids [0, STABLE) are added first and never removed
  static final int CHURNED = 400; // ids [STABLE, STABLE + CHURNED) come and go

  @TempDir
  Path dir;

  @Test
  void searchesDuringRemovesAndReaddsFindExactlyThePresentIds() throws Exception {
    long seed = Long.getLong("atlas.seed", System.nanoTime());
    System.out.println("AtlasReaddConcurrencyTest seed " + seed);
    int ids = STABLE + CHURNED;
    float[][] vectors = new float[ids][];
    Random vr = new Random(seed);
    for (int id = 0; id < ids; id++) {
      vectors[id] = AtlasIndexTest.randomVector(vr, DIM);
    }
    // Per id, modulo 4: 0 absent, 1 while its add runs, 2 present, 3 while its remove runs.
    AtomicLongArray state = new AtomicLongArray(ids);
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong searches = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    SearchParams everyLeaf = new SearchParams(Integer.MAX_VALUE, Integer.MAX_VALUE, 0, SearchParams.NO_SKETCH, true, 0);
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(DIM, 2, 2, 4))) {
      for (int id = 0; id < STABLE; id++) {
        state.incrementAndGet(id);
        index.add(id, vectors[id]);
        state.incrementAndGet(id);
      }
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Random rr = new Random(seed + t + 1);
        readers.add(Thread.ofPlatform().start(() -> {
          try {
            while (!done.get()) {
              long[] before = new long[ids];
              for (int id = 0; id < ids; id++) {
                before[id] = state.get(id);
              }
              float[] q = AtlasIndexTest.randomVector(rr, DIM);
              RoaringBitmap filter = null;
              int mode = rr.nextInt(4);
              if (mode == 1) {
                filter = new RoaringBitmap();
                filter.add(0L, ids);
                filter.remove(rr.nextInt(ids)); // large enough to score leaves, not to scan
              } else if (mode == 2) {
                filter = new RoaringBitmap();
                for (int i = 0; i < 20; i++) {
                  filter.add(STABLE + rr.nextInt(CHURNED)); // scanned id by id
                }
                filter.add(rr.nextInt(STABLE));
              }
              SearchResult r = mode == 3
                  ? index.search(q, 10) // not every leaf: nothing is missed for sure, but nothing is wrong either
                  : index.search(q, rr.nextBoolean() ? ids : Integer.MAX_VALUE, everyLeaf, filter);
              check(r, q, vectors, before, state, filter, mode != 3);
              searches.incrementAndGet();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      // Flushes in two halves, as the engine's checkpoint does: the commit (forces, checksums, manifest, and the
      // reuse of what was retired before its snapshot) runs beside the writer and the searches.
      readers.add(Thread.ofPlatform().start(() -> {
        try {
          while (!done.get()) {
            index.stageFlush().commit();
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
      Random wr = new Random(seed ^ 0x5DEECE66DL);
      for (int op = 0; op < 6000 && failures.isEmpty(); op++) {
        int id = STABLE + wr.nextInt(CHURNED);
        state.incrementAndGet(id);
        if (state.get(id) % 4 == 1) {
          index.add(id, vectors[id]);
        } else {
          index.remove(id);
        }
        state.incrementAndGet(id);
        if (op % 500 == 499) {
          index.compact();
        }
      }
      done.set(true);
      for (Thread t : readers) {
        t.join();
      }
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError("seed " + seed + ": " + failures.size() + " search(es) failed");
        failures.forEach(e::addSuppressed);
        throw e;
      }
      System.out.println("AtlasReaddConcurrencyTest " + searches.get() + " searches");
      assertTrue(searches.get() > 0);
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      long[] now = new long[ids];
      for (int id = 0; id < ids; id++) {
        now[id] = state.get(id);
      }
      float[] q = AtlasIndexTest.randomVector(new Random(seed), DIM);
      check(index.search(q, Integer.MAX_VALUE, everyLeaf), q, vectors, now, state, null, true);
      for (int id = 0; id < ids; id++) {
        assertTrue(index.contains(id) == (now[id] % 4 == 2), "id " + id + " after a reopen");
      }
    }
  }

  private static void check(SearchResult r, float[] query, float[][] vectors, long[] before, AtomicLongArray state,
      RoaringBitmap filter, boolean everyLeaf) {
    float[] q = Vectors.unitCopy(query, DIM, "query");
    Set<Long> found = new HashSet<>();
    for (int i = 0; i < r.size(); i++) {
      long id = r.ids()[i];
      if (!found.add(id)) {
        throw new AssertionError("id " + id + " twice in an answer of " + r.size());
      }
      if (id < 0 || id >= vectors.length || (filter != null && !filter.contains((int) id))) {
        throw new AssertionError("id " + id + " was never allowed");
      }
      if (before[(int) id] % 4 == 0 && state.get((int) id) == before[(int) id]) {
        throw new AssertionError("id " + id + " returned, absent for the whole search");
      }
      double cos = AtlasDifferentialTest.dot(q, Vectors.unitCopy(vectors[(int) id], DIM, "v"));
      if (Math.abs(cos - r.scores()[i]) > AtlasDifferentialTest.FLOAT_SUMS) {
        throw new AssertionError("id " + id + " scored " + r.scores()[i] + ", its cosine is " + cos);
      }
    }
    for (int id = 0; id < vectors.length; id++) {
      if (everyLeaf && before[id] % 4 == 2 && state.get(id) == before[id] && (filter == null || filter.contains(id))
          && !found.contains((long) id)) {
        throw new AssertionError("id " + id + ", present for the whole search, is not in its answer of " + r.size());
      }
    }
  }
}
