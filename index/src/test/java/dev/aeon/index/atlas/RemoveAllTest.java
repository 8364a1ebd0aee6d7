package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;
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
      float[] noise = AtlasIndexTest.randomVector(r, DIM);
      cluster[i] = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        cluster[i][d] = centre[d] * 4 + noise[d] * 0.5f;
      }
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
      assertEquals(single.stats().leaves(), batch.stats().leaves());
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
}
