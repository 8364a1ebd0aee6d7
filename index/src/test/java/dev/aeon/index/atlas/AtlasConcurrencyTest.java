package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches run while one writer inserts, deletes, splits, compacts and flushes (which recycles pages and
 * slots once readers have left). No search may fail, return a duplicate, return an id whose delete had
 * returned before the search started, or return a score that is not the exact cosine of the returned
 * id's vector (which would mean it read a page or slot being rewritten).
 */
class AtlasConcurrencyTest {

  @TempDir
  Path dir;

  @Test
  void searchesDuringWritesNeverFailAndNeverSeeDeletedIds() throws Exception {
    long seed = Long.getLong("atlas.seed", System.nanoTime());
    System.out.println("AtlasConcurrencyTest seed " + seed);
    int dim = 16;
    Map<Long, float[]> live = new ConcurrentHashMap<>();
    Map<Long, Long> deletedAt = new ConcurrentHashMap<>();
    AtomicLong clock = new AtomicLong();
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 4, 3, 4))) {
      Random wr = new Random(seed);
      for (long id = 0; id < 300; id++) {
        float[] v = AtlasIndexTest.randomVector(wr, dim);
        index.add(id, v);
        live.put(id, v);
      }
      Readers readers = new Readers(3, seed, rr -> () -> search(index, rr, dim, live, deletedAt, clock));
      long nextId = 300;
      for (int op = 0; op < 4000 && !readers.failed(); op++) {
        if (wr.nextInt(10) < 6 || live.size() < 50) {
          float[] v = AtlasIndexTest.randomVector(wr, dim);
          live.put(nextId, v);
          index.add(nextId++, v);
        } else {
          Long victim = live.keySet().stream().skip(wr.nextInt(live.size())).findFirst().orElseThrow();
          index.remove(victim);
          live.remove(victim);
          deletedAt.put(victim, clock.incrementAndGet());
        }
        if (op % 400 == 399) {
          index.flush();
        }
      }
      readers.stopAndReport("seed " + seed);
      assertEquals(live.size(), index.size());
    }
  }

  /**
   * Searches near clusters of vectors (a session's events, which fill leaves of their own) while one writer adds
   * such clusters and removes whole ones with {@link AtlasIndex#removeAll} (some ids named twice, some absent), each
   * leaf it takes to a quarter dead compacted once after all its deletes, and flushes (which recycles the compacted
   * leaves' pages once readers have left). No search may fail, return an id twice, return one whose removeAll had
   * returned before the search started, or score an id other than by its vector's cosine (a page being rewritten).
   */
  @Test
  void searchesNearClustersRemovedAtOnceNeverSeeThemAfterwards() throws Exception {
    long seed = Long.getLong("atlas.seed", System.nanoTime());
    System.out.println("AtlasConcurrencyTest removeAll seed " + seed);
    int dim = 16;
    Map<Long, float[]> live = new ConcurrentHashMap<>();
    Map<Long, Long> deletedAt = new ConcurrentHashMap<>();
    List<float[]> centres = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicLong clock = new AtomicLong();
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 8, 4, 4))) {
      Random wr = new Random(seed);
      long nextId = 0;
      for (; nextId < 300; nextId++) {
        float[] v = AtlasIndexTest.randomVector(wr, dim);
        index.add(nextId, v);
        live.put(nextId, v);
      }
      Readers readers = new Readers(2, seed, rr -> () -> {
        float[] q = centres.isEmpty() ? AtlasIndexTest.randomVector(rr, dim)
            : near(centres.get(rr.nextInt(centres.size())), rr, 0.3f);
        search(index, rr, q, live, deletedAt, clock);
      });
      List<long[]> clusters = new ArrayList<>();
      for (int op = 0; op < 300 && !readers.failed(); op++) {
        if (clusters.size() < 3 || wr.nextInt(5) < 3) {
          float[] centre = AtlasIndexTest.randomVector(wr, dim);
          centres.add(centre);
          long[] ids = new long[5 + wr.nextInt(60)];
          for (int i = 0; i < ids.length; i++) {
            float[] v = near(centre, wr, 0.2f);
            ids[i] = nextId++;
            live.put(ids[i], v);
            index.add(ids[i], v);
          }
          clusters.add(ids);
        } else {
          long[] ids = clusters.remove(wr.nextInt(clusters.size()));
          long[] named = java.util.Arrays.copyOf(ids, ids.length + 2);
          named[ids.length] = ids[0]; // twice
          named[ids.length + 1] = nextId + 1_000_000; // never added
          if (wr.nextBoolean()) { // not rising: sorted, without the repeat, before the deletes
            for (int i = named.length - 1; i > 0; i--) {
              int j = wr.nextInt(i + 1);
              long x = named[i];
              named[i] = named[j];
              named[j] = x;
            }
          }
          assertEquals(ids.length, index.removeAll(named), "seed " + seed);
          long at = clock.incrementAndGet();
          for (long id : ids) {
            live.remove(id);
            deletedAt.put(id, at);
          }
        }
        if (op % 40 == 39) {
          index.flush();
        }
      }
      readers.stopAndReport("seed " + seed);
      assertEquals(live.size(), index.size());
      for (long id : deletedAt.keySet()) {
        assertTrue(!index.contains(id), "seed " + seed + ": removed id " + id + " still in the index");
      }
    }
  }

  /**
   * Searches of every leaf near clusters (sessions, which fill leaves of their own) while one writer adds sessions and
   * forgets whole ones with {@link AtlasIndex#removeAll}: the compactions leave leaves under half full, which merge
   * into a sibling (a new leaf in both's place, in one store), or empty, which leave the tree with the nodes above
   * them that have no other child; flushes recycle the retired pages once readers have left. Half the searches also
   * score the leaves the reader's last answer named, which a merge may have retired meanwhile (the lookaside buffer's
   * way). Each answer, asked for more results than there are vectors, must hold every id added before it started and
   * not yet being removed when it ended, none twice, none whose removeAll had returned before it started, and each
   * scored by its vector's exact cosine.
   */
  @Test
  void searchesOfEveryLeafWhileSessionsAreForgottenAndLeavesMergeMissNoLiveId() throws Exception {
    long seed = Long.getLong("atlas.seed", System.nanoTime());
    System.out.println("AtlasConcurrencyTest merges seed " + seed);
    int dim = 16, maxIds = 20_000, background = 200;
    SearchParams everyLeaf = new SearchParams(Integer.MAX_VALUE, Integer.MAX_VALUE, 0, SearchParams.NO_SKETCH, true, 0);
    float[][] vectors = new float[maxIds][];
    // Clock values, 0 for never: an id's add returned / its removeAll began / its removeAll returned.
    java.util.concurrent.atomic.AtomicLongArray added = new java.util.concurrent.atomic.AtomicLongArray(maxIds);
    java.util.concurrent.atomic.AtomicLongArray removing = new java.util.concurrent.atomic.AtomicLongArray(maxIds);
    java.util.concurrent.atomic.AtomicLongArray removed = new java.util.concurrent.atomic.AtomicLongArray(maxIds);
    List<float[]> centres = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicLong clock = new AtomicLong(1);
    int leafDrops = 0;
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 4, 4, 4))) {
      Random wr = new Random(seed);
      int nextId = 0;
      for (; nextId < background; nextId++) {
        vectors[nextId] = AtlasIndexTest.randomVector(wr, dim);
        index.add(nextId, vectors[nextId]);
        added.set(nextId, clock.incrementAndGet());
      }
      Readers readers = new Readers(2, seed, rr -> new Search() {
        private int[] lastLeaves;

        @Override
        public void run() {
          float[] q = centres.isEmpty() ? AtlasIndexTest.randomVector(rr, dim)
              : near(centres.get(rr.nextInt(centres.size())), rr, 0.3f);
          long start = clock.get();
          SearchResult r = index.searchFrom(q, maxIds + 1, everyLeaf, null,
              rr.nextBoolean() ? lastLeaves : null, true);
          long end = clock.get();
          RoaringBitmap found = new RoaringBitmap();
          for (int i = 0; i < r.size(); i++) {
            int id = (int) r.ids()[i];
            if (found.contains(id)) {
              throw new AssertionError("id " + id + " twice in an answer of " + r.size());
            }
            found.add(id);
            long gone = removed.get(id);
            if (gone != 0 && gone <= start) {
              throw new AssertionError("id " + id + " found after its removeAll returned");
            }
            double cos = AtlasIndexTest.exactCosine(q, vectors[id]);
            if (Math.abs(cos - r.scores()[i]) > 1e-4) {
              throw new AssertionError("id " + id + " scored " + r.scores()[i] + ", its cosine is " + cos);
            }
          }
          for (int id = 0; id < maxIds; id++) {
            long in = added.get(id);
            long going = removing.get(id);
            if (in != 0 && in <= start && (going == 0 || going > end) && !found.contains(id)) {
              throw new AssertionError("id " + id + ", live throughout, missing from an answer of " + r.size());
            }
          }
          lastLeaves = r.leafIds();
        }
      });
      List<int[]> sessions = new ArrayList<>();
      for (int op = 0; op < 400 && !readers.failed() && nextId < maxIds - 100; op++) {
        if (sessions.size() < 4 || wr.nextInt(5) < 3) {
          float[] centre = AtlasIndexTest.randomVector(wr, dim);
          centres.add(centre);
          int[] ids = new int[3 + wr.nextInt(60)];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = nextId++;
            vectors[ids[i]] = near(centre, wr, 0.2f);
            index.add(ids[i], vectors[ids[i]]);
            added.set(ids[i], clock.incrementAndGet());
          }
          sessions.add(ids);
        } else {
          int[] ids = sessions.remove(wr.nextInt(sessions.size()));
          long[] named = new long[ids.length];
          long begins = clock.incrementAndGet();
          for (int i = 0; i < ids.length; i++) {
            named[i] = ids[i];
            removing.set(ids[i], begins);
          }
          int leavesBefore = index.stats().leaves();
          assertEquals(ids.length, index.removeAll(named), "seed " + seed);
          long returned = clock.incrementAndGet();
          for (int id : ids) {
            removed.set(id, returned);
          }
          leafDrops += Math.max(0, leavesBefore - index.stats().leaves());
        }
        if (op % 50 == 49) {
          index.flush();
        }
      }
      readers.stopAndReport("seed " + seed);
      assertTrue(leafDrops > 0, "seed " + seed + ": no removeAll took a leaf out of the tree");
      assertTrue(index.writer().merges() > 0, "seed " + seed + ": no leaf merged");
      System.out.println("AtlasConcurrencyTest merges: " + index.writer().merges() + " merges, " + readers.searches()
          + " searches");
      for (int id = 0; id < nextId; id++) {
        assertEquals(removed.get(id) == 0, index.contains(id), "seed " + seed + ": id " + id);
      }
    }
  }

  /** A vector about {@code centre} (of random normal components), each component off by {@code spread} of one. */
  private static float[] near(float[] centre, Random r, float spread) {
    float[] v = new float[centre.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = centre[i] + (float) r.nextGaussian() * spread;
    }
    return v;
  }

  /**
   * Searches that score every leaf, while one writer adds vectors into leaves of four and nodes of four
   * children (a leaf split every few adds, a node split every few leaf splits): each answer, asked for more
   * results than there are vectors, holds every id added before the search started, and none twice. Half the
   * searches also score the leaves the reader's last answer named, which a split may have retired meanwhile
   * (the lookaside buffer's way). A split published the new leaves before it unregistered the old one, so
   * that a search that found the new leaves in the tree could still look the old one up by its id and score
   * each of its entries twice; and an inner-node split published the new sibling in the parent before it took
   * the moved children from the split node, so that a search that read the parent before the one and the node
   * after the other scored neither copy of those children's leaves. And a search that found fewer than it
   * asked for scored "every leaf" again as the leaves counted before its descent, fewer than splits meanwhile
   * had made. On two cores the misses showed in every run, the duplicates in about one run of three.
   */
  @Test
  void searchesOfEveryLeafDuringSplitsFindEveryIdOnce() throws Exception {
    long seed = Long.getLong("atlas.seed", System.nanoTime());
    System.out.println("AtlasConcurrencyTest splits seed " + seed);
    int dim = 16, n = 3000;
    SearchParams everyLeaf = new SearchParams(Integer.MAX_VALUE, Integer.MAX_VALUE, 0, SearchParams.NO_SKETCH, true, 0);
    AtomicLong added = new AtomicLong(); // ids [0, added) are in the index
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 2, 2, 4))) {
      Random wr = new Random(seed);
      Readers readers = new Readers(2, seed, rr -> new Search() {
        private int[] lastLeaves;

        @Override
        public void run() {
          long before = added.get();
          SearchResult r = index.searchFrom(AtlasIndexTest.randomVector(rr, dim), n + 1, everyLeaf, null,
              rr.nextBoolean() ? lastLeaves : null, true);
          RoaringBitmap found = new RoaringBitmap();
          for (long id : r.ids()) {
            if (found.contains((int) id)) {
              throw new AssertionError("id " + id + " twice in an answer of " + r.size());
            }
            found.add((int) id);
          }
          if (found.rangeCardinality(0, before) != before) {
            RoaringBitmap missing = RoaringBitmap.bitmapOfRange(0, before);
            missing.andNot(found);
            throw new AssertionError(missing.getCardinality() + " of the " + before + " ids added before the"
                + " search are not in its answer, as " + missing.first());
          }
          lastLeaves = r.leafIds();
        }
      });
      for (int id = 0; id < n && !readers.failed(); id++) {
        index.add(id, AtlasIndexTest.randomVector(wr, dim));
        added.set(id + 1);
      }
      readers.stopAndReport("seed " + seed);
    }
  }

  /**
   * Closing the index while searches run: each search answers or reports the index closed, and none reads
   * a page after the pages are unmapped (with the VNNI kernel, which holds no arena open during its call,
   * that would crash the JVM rather than throw).
   */
  @Test
  void closingWhileSearchesRunEndsEachOneCleanly() throws Exception {
    int dim = 64;
    for (int round = 0; round < 5; round++) {
      AtlasIndex index = AtlasIndex.create(dir.resolve("round-" + round), new AtlasConfig(dim, 4, 3, 4));
      Random r = new Random(round);
      for (long id = 0; id < 2000; id++) {
        index.add(id, AtlasIndexTest.randomVector(r, dim));
      }
      int readers = 3;
      CountDownLatch searching = new CountDownLatch(readers);
      AtomicLong answered = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      long seed = round * 31L;
      List<Thread> threads = startThreads(readers, failures, t -> {
        Random rr = new Random(seed + t);
        try {
          while (true) {
            index.search(AtlasIndexTest.randomVector(rr, dim), 10, SearchParams.nprobe(8));
            answered.incrementAndGet();
            searching.countDown();
          }
        } catch (IllegalStateException e) {
          if (e.getMessage() == null || !e.getMessage().endsWith("is closed")) {
            throw e;
          }
          refused.incrementAndGet();
        } finally {
          searching.countDown();
        }
      });
      searching.await();
      index.close();
      joinAndReport(threads, failures, "round " + round);
      assertTrue(answered.get() >= readers, "round " + round + ": searches answered before the close");
      assertEquals(readers, refused.get(), "round " + round + ": every reader is told the index is closed");
    }
  }

  /** One reader's search, checked: it throws on anything wrong. */
  @FunctionalInterface
  private interface Search {
    void run() throws Exception;
  }

  /**
   * Reader threads that search until {@link #stopAndReport}, reader t given a {@link Random} of seed {@code seed + t +
   * 1}, from which {@code reader} makes its search (with any state of its own, as the leaves its last answer named).
   * The searches answered are counted; whatever one throws ends its reader and is reported.
   */
  private static final class Readers {
    private final AtomicBoolean done = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong searches = new AtomicLong();
    private final List<Thread> threads;

    Readers(int count, long seed, Function<Random, Search> reader) {
      threads = startThreads(count, failures, t -> {
        Search search = reader.apply(new Random(seed + t + 1));
        while (!done.get()) {
          search.run();
          searches.incrementAndGet();
        }
      });
    }

    /** Whether a search failed already: the writer then stops early. */
    boolean failed() {
      return !failures.isEmpty();
    }

    long searches() {
      return searches.get();
    }

    /** Stops the readers, waits for them, fails with every failure they met, and checks that some search ran. */
    void stopAndReport(String context) throws InterruptedException {
      done.set(true);
      joinAndReport(threads, failures, context);
      assertTrue(searches.get() > 0, context + ": no search answered");
    }
  }

  /** What one of {@link #startThreads}' threads runs, given its number. */
  @FunctionalInterface
  private interface ThreadBody {
    void run(int t) throws Exception;
  }

  /** Starts {@code count} platform threads running {@code body}; whatever one throws is added to {@code failures}. */
  private static List<Thread> startThreads(int count, ConcurrentLinkedQueue<Throwable> failures, ThreadBody body) {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      int number = t;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          body.run(number);
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    return threads;
  }

  /** Waits for the readers, then fails with every search failure they collected. */
  private static void joinAndReport(List<Thread> readers, ConcurrentLinkedQueue<Throwable> failures, String context)
      throws InterruptedException {
    for (Thread t : readers) {
      t.join();
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(context + ": " + failures.size() + " search(es) failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void search(AtlasIndex index, Random r, int dim, Map<Long, float[]> live, Map<Long, Long> deletedAt,
      AtomicLong clock) {
    search(index, r, AtlasIndexTest.randomVector(r, dim), live, deletedAt, clock);
  }

  /** One search for {@code q}, checked as the class comment says. */
  private static void search(AtlasIndex index, Random r, float[] q, Map<Long, float[]> live,
      Map<Long, Long> deletedAt, AtomicLong clock) {
    long startedAt = clock.get();
    SearchResult res = switch (r.nextInt(3)) {
      case 0 -> index.search(q, 10);
      case 1 -> index.search(q, 10, SearchParams.nprobe(6));
      default -> {
        RoaringBitmap allow = new RoaringBitmap();
        allow.add(0L, 5000L);
        yield index.search(q, 10, SearchParams.nprobe(4), allow);
      }
    };
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < res.size(); i++) {
      long id = res.ids()[i];
      if (!seen.add(id)) {
        throw new AssertionError("duplicate id " + id);
      }
      Long deleted = deletedAt.get(id);
      if (deleted != null && deleted <= startedAt) {
        throw new AssertionError("id " + id + " returned after its delete returned");
      }
      float[] v = live.get(id);
      if (v != null) {
        double cos = AtlasIndexTest.exactCosine(q, v);
        if (Math.abs(cos - res.scores()[i]) > 1e-4) {
          throw new AssertionError("id " + id + " scored " + res.scores()[i] + ", its cosine is " + cos);
        }
      }
    }
  }
}
