package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import dev.aeon.common.testing.SmallDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtlasIndex#removeAll}: the deletes of many ids at once (a forgotten session's vectors), each leaf they take
 * to a quarter dead compacted once after them all, leave the index as the same removes one at a time do.
 */
class RemoveAllTest {

  private static final int DIM = 32;
  private static final int BACKGROUND = 1000;
  private static final int CLUSTER = 300;

  /** Scores the pages of every leaf: random vectors of 4,096 dimensions route no better than at random. */
  private static final SearchParams EVERY_LEAF = SearchParams.nprobe(Integer.MAX_VALUE);

  @TempDir
  Path dir;

  /**
   * A cluster of vectors near one point fills leaves of its own; removed one at a time, each of those leaves is
   * compacted once per quarter of what it has left; removed at once, once. Both indexes then hold the same ids and
   * find each of them as its own nearest neighbour, also after a reopen.
   */
  @Test
  void aClusterRemovedAtOnceCompactsEachLeafOnceAndLeavesWhatRemovesOneAtATimeLeave() throws IOException {
    Random r = new Random(11);
    float[][] background = AtlasIndexTest.randomVectors(r, BACKGROUND, DIM);
    float[] centre = AtlasIndexTest.randomVector(r, DIM);
    float[][] cluster = new float[CLUSTER][];
    for (int i = 0; i < CLUSTER; i++) {
      cluster[i] = AtlasIndexTest.near(centre, r);
    }
    long[] clusterIds = LongStream.range(BACKGROUND, BACKGROUND + CLUSTER).toArray();
    long oneAtATime;
    long atOnce;
    int leavesBefore;
    try (AtlasIndex single = AtlasIndex.create(dir.resolve("single"), AtlasConfig.of(DIM));
        AtlasIndex batch = AtlasIndex.create(dir.resolve("batch"), AtlasConfig.of(DIM))) {
      for (AtlasIndex index : new AtlasIndex[] {single, batch}) {
        for (int i = 0; i < BACKGROUND; i++) {
          index.add(i, background[i]);
        }
        for (int i = 0; i < CLUSTER; i++) {
          index.add(clusterIds[i], cluster[i]);
        }
      }
      leavesBefore = batch.stats().leaves();
      long before = single.compactions();
      for (long id : clusterIds) {
        single.remove(id);
      }
      oneAtATime = single.compactions() - before;
      before = batch.compactions();
      assertEquals(CLUSTER, batch.removeAll(clusterIds));
      atOnce = batch.compactions() - before;
      assertEquals(single.size(), batch.size());
      // Their leaves may differ in number: a compaction that leaves a leaf under half full merges it into a sibling,
      // and one at a time a leaf is compacted at other moments (12 leaves against 14 when that came).
    }
    assertTrue(atOnce <= leavesBefore, atOnce + " compactions of " + leavesBefore + " leaves");
    assertTrue(atOnce < oneAtATime, "at once " + atOnce + ", one at a time " + oneAtATime);
    for (String name : new String[] {"single", "batch"}) {
      try (AtlasIndex index = AtlasIndex.open(dir.resolve(name))) {
        assertEquals(BACKGROUND, index.size(), name);
        for (long id : clusterIds) {
          assertFalse(index.contains(id), name + ": " + id);
        }
        for (int i = 0; i < BACKGROUND; i++) {
          assertEquals(i, index.search(background[i], 1).ids()[0], name);
        }
        for (float[] v : cluster) {
          long nearest = index.search(v, 1).ids()[0];
          assertTrue(nearest < BACKGROUND, name + ": a removed id found: " + nearest);
        }
      }
    }
  }

  /** Ids the index does not hold, and an id named twice, are skipped: the count is of those removed. */
  @Test
  void absentAndRepeatedIdsAreSkipped() throws IOException {
    Random r = new Random(5);
    float[][] vs = AtlasIndexTest.randomVectors(r, 20, DIM);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(DIM))) {
      for (int i = 0; i < vs.length; i++) {
        index.add(i, vs[i]);
      }
      index.remove(3);
      assertEquals(2, index.removeAll(new long[] {3, 4, 4, 500, 7}));
      assertEquals(0, index.removeAll(new long[0]));
      assertEquals(17, index.size());
      assertFalse(index.contains(4));
      assertFalse(index.contains(7));
      assertTrue(index.contains(5));
      assertThrows(IllegalArgumentException.class, () -> index.removeAll(new long[] {1, -1}));
      assertTrue(index.contains(1), "a call refused for one of its ids removed none of them");
    }
  }

  /**
   * A removeAll whose compaction needs pages the page file cannot grow to (as {@code FailedWriteTest}'s remove: 24
   * entries in three pages of one leaf, six deletes take it to a quarter dead) removes nothing; once there is room
   * it removes them all.
   */
  @Test
  void aRemoveAllWhoseCompactionCannotGrowThePageFileRemovesNothing() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = 498, capacity = 8; // 16 + 12 * 8 + 8 * 498 = 4,096 bytes a page
    Random r = new Random(47);
    float[][] vs = AtlasIndexTest.randomVectors(r, 3 * capacity, dim);
    long[] quarter = LongStream.range(0, vs.length / 4).toArray();
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, capacity, 16, 4))) {
      for (int i = 0; i < vs.length; i++) {
        index.add(i, vs[i]);
      }
      long inUse = dev.aeon.index.atlas.store.FileHeader.BYTES + 3L * 4096; // nothing may be written past them
      try (FileSizeLimit limit = FileSizeLimit.of(inUse)) {
        assertThrows(UncheckedIOException.class, () -> index.removeAll(quarter));
      }
      for (long id : quarter) {
        assertTrue(index.contains(id), "a removeAll that failed removed nothing: " + id);
        assertEquals(id, index.search(vs[(int) id], 1).ids()[0]);
      }
      assertEquals(vs.length, index.size());
      assertEquals(quarter.length, index.removeAll(quarter));
      assertEquals(vs.length - quarter.length, index.size());
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(vs.length - quarter.length, index.size());
      for (int i = quarter.length; i < vs.length; i++) {
        assertEquals(i, index.search(vs[i], 1).ids()[0]);
      }
    }
  }

  /**
   * A removeAll that compacts many leaves at once, on a real full device ({@link SmallDevice}) with room left for
   * none, some or all of the compactions' pages, and free pages of earlier compactions to take first: each call either
   * removes every id and compacts several leaves, or fails with the I/O error and changes nothing (the same stats, no
   * compaction, every id still found), and the same call goes through once there is room. Half of every leaf goes
   * (every other id), so every leaf is compacted; vectors of 4,096 dimensions in pages of two take more pages than
   * a file writes ahead (at most 1 MiB), so the compactions must grow the page file.
   */
  @Test
  void aRemoveAllCompactingManyLeavesOnAFullDeviceRemovesAllOrNothing() throws Exception {
    int dim = 4096;
    int n = 800;
    AtlasConfig config = new AtlasConfig(dim, 2, 4, 4);
    float[][] vs = AtlasIndexTest.randomVectors(new Random(61), n, dim);
    long[] half = LongStream.range(0, n).filter(id -> id % 2 == 0).toArray();
    int failed = 0;
    int succeeded = 0;
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 40)) {
      Path path = device.root().resolve("index");
      try (AtlasIndex index = AtlasIndex.create(path, config)) {
        index.addAll(LongStream.range(0, n).toArray(), vs); // a bulk build: full leaves, no free page
        index.flush();
        for (int room : new int[] {0, 16, 64, 128, 256, 512, 1024, 0, 64}) { // 4 KiB pages left on the device
          AtlasStats before = index.stats();
          long compactions = index.compactions();
          device.fillLeaving(room);
          try {
            assertEquals(half.length, index.removeAll(half));
            succeeded++;
          } catch (UncheckedIOException e) {
            failed++;
            assertEquals(before, index.stats(), "a removeAll that failed with " + room + " pages of room");
            assertEquals(compactions, index.compactions(), "compacted with " + room + " pages of room");
            for (int i = 0; i < n; i++) {
              assertTrue(index.contains(i), "removed by a call that failed: " + i);
              assertEquals(i, index.search(vs[i], 1, EVERY_LEAF).ids()[0], "found by a search of every leaf");
            }
            device.empty();
            assertEquals(half.length, index.removeAll(half), "once there is room");
          } finally {
            device.empty();
          }
          assertTrue(index.compactions() - compactions > before.leaves() / 2,
              (index.compactions() - compactions) + " compactions of " + before.leaves() + " leaves");
          assertEquals(n - half.length, index.size());
          for (long id : half) {
            assertFalse(index.contains(id));
          }
          index.flush(); // the compacted leaves' old pages are free for the next round's compactions
          for (long id : half) {
            index.add(id, vs[(int) id]);
          }
          index.flush();
        }
        assertTrue(failed > 0 && succeeded > 0, failed + " calls failed, " + succeeded + " went through at once");
        index.removeAll(half);
      } // the close flushes
      try (AtlasIndex index = AtlasIndex.open(path)) {
        assertEquals(n - half.length, index.size());
        for (int i = 0; i < n; i++) {
          assertEquals(i % 2 == 1, index.contains(i), "id " + i);
          if (i % 2 == 1) {
            assertEquals(i, index.search(vs[i], 1, EVERY_LEAF).ids()[0]);
          }
        }
      }
    }
  }

  /**
   * A removeAll whose compactions leave leaves under half full, so that they merge, on a real full device given a
   * little more room at each try: each try removes every id or fails with nothing changed. The merges take pages the
   * call's reserve does not count (it is of the compactions only); one that took them past the reserved mark left a
   * later compaction short, which failed after every delete: the ids gone, from a call that threw (the engine had
   * not logged the forget). Three of every four ids go, so each leaf compacted first keeps 2 of its 8 entries and
   * merges into a sibling, before the compactions of the leaves after it; no page is free (no flush since the bulk
   * build), so every page they take is past the mark, and 1,600 vectors of 4,096 dimensions make what the merges take
   * more than the most a file writes ahead (1 MiB).
   */
  @Test
  void aRemoveAllWhoseCompactionsMergeOnAFullDeviceRemovesAllOrNothing() throws Exception {
    int dim = 4096;
    int n = 1600;
    AtlasConfig config = new AtlasConfig(dim, 2, 4, 4);
    float[][] vs = AtlasIndexTest.randomVectors(new Random(71), n, dim);
    long[] most = LongStream.range(0, n).filter(id -> id % 4 != 0).toArray();
    int failed = 0;
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 80)) {
      Path path = device.root().resolve("index");
      try (AtlasIndex index = AtlasIndex.create(path, config)) {
        index.addAll(LongStream.range(0, n).toArray(), vs); // a bulk build: full leaves, no free page
        AtlasStats before = index.stats();
        long compactions = index.compactions();
        for (int room = 0; ; room += 16) { // 4 KiB pages left on the device
          device.fillLeaving(room);
          try {
            assertEquals(most.length, index.removeAll(most));
            break;
          } catch (UncheckedIOException e) {
            failed++;
            assertEquals(before, index.stats(), "a removeAll that failed with " + room + " pages of room");
            assertEquals(compactions, index.compactions(), "compacted with " + room + " pages of room");
            for (int i = 0; i < n; i++) {
              assertTrue(index.contains(i), "removed by a call that failed with " + room + " pages of room: " + i);
            }
          } finally {
            device.empty();
          }
        }
        assertTrue(failed > 0, "the first call had room enough: it tried nothing");
        // Merged as far as the room went: the call that went through had room for its compactions, not for every
        // merge after them (a merge that finds no room is skipped).
        assertTrue(index.stats().leaves() < before.leaves(), "leaves merged: " + index.stats().leaves());
        assertEquals(n - most.length, index.size());
      }
      try (AtlasIndex index = AtlasIndex.open(path)) {
        assertEquals(n - most.length, index.size());
        for (int i = 0; i < n; i += 4) {
          assertEquals(i, index.search(vs[i], 1, EVERY_LEAF).ids()[0]);
        }
      }
    }
  }

  /**
   * A removeAll that fails while it counts the ids against their leaves (an OutOfMemoryError growing its list of
   * leaves, here thrown by a test hook) removes nothing and leaves no count behind: the next removeAll of the same
   * ids compacts their leaf once they take it to a quarter dead. A count left over kept the leaf out of every later
   * removeAll's compactions (only a leaf whose count went from zero was listed, and only listed ones were reset), so
   * the leaf kept its dead entries, and an emptied one stayed in the tree, until a single remove or an insert came.
   */
  @Test
  void aRemoveAllThatFailsWhileCountingLeavesNoCountBehind() throws IOException {
    assertAFailedRemoveAllLeavesNoCountBehind(67, 24, index -> {
      assertEquals(1, index.stats().leaves(), "one leaf, which every removeAll below takes");
      index.writer().countedForTests = id -> {
        if (id == 3) {
          throw new OutOfMemoryError("a test's, while counting id 3");
        }
      };
    });
  }

  /**
   * As above, a failure while removeAll decides which of its leaves it compacts (after counting, before any delete)
   * leaves no count behind on any leaf: those counts were reset one leaf at a time as that loop went, so a throw at
   * the first leaf (an OutOfMemoryError growing the list of compactions) left the others' counts, and no later
   * removeAll compacted those leaves. Failed before: the removeAll of half of every leaf compacted only the first
   * (since leaves a compaction leaves under half full merge into a sibling, the test reads the counts).
   */
  @Test
  void aRemoveAllThatFailsWhileChoosingItsCompactionsNoCountBehind() throws IOException {
    assertAFailedRemoveAllLeavesNoCountBehind(71, 600, index -> {
      int leaves = index.stats().leaves();
      assertTrue(leaves >= 2, "more than one leaf: " + leaves);
      index.writer().classifiedForTests = leaf -> {
        throw new OutOfMemoryError("a test's, at the first leaf removeAll counted");
      };
    });
  }

  /**
   * Adds {@code count} random vectors (of seed {@code seed}), lets {@code failing} check the index and set one of its
   * writer's test hooks to throw an OutOfMemoryError, and makes a removeAll of every id fail so. Then: nothing was
   * removed, no leaf kept a count of deletes, and a removeAll of the even ids compacts the leaves it takes half dead
   * (no tombstone left; each odd id its own nearest).
   */
  private void assertAFailedRemoveAllLeavesNoCountBehind(long seed, int count, Consumer<AtlasIndex> failing)
      throws IOException {
    float[][] vs = AtlasIndexTest.randomVectors(new Random(seed), count, DIM);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(DIM))) {
      for (int i = 0; i < vs.length; i++) {
        index.add(i, vs[i]);
      }
      failing.accept(index);
      assertThrows(OutOfMemoryError.class, () -> index.removeAll(LongStream.range(0, vs.length).toArray()));
      index.writer().countedForTests = id -> { };
      index.writer().classifiedForTests = leaf -> { };
      assertEquals(vs.length, index.size(), "a removeAll that failed removed nothing");
      for (Leaf leaf : index.routing().liveLeaves()) {
        assertEquals(0, leaf.pendingDeletes, "a count left on a leaf keeps it out of later removeAlls' compactions");
      }
      long before = index.compactions();
      long[] even = LongStream.range(0, vs.length).filter(id -> id % 2 == 0).toArray();
      assertEquals(even.length, index.removeAll(even));
      assertTrue(index.compactions() > before, "the leaves, about half dead, are compacted (or merged)");
      assertEquals(0, index.stats().tombstones());
      for (int i = 1; i < vs.length; i += 2) {
        assertEquals(i, index.search(vs[i], 1).ids()[0]);
      }
    }
  }
}
