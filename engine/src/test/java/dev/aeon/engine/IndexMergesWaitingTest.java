package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * A namespace whose vector index names a leaf waiting for a merge (skipped for want of room) reports it in its stats
 * ({@code index_merges_waiting}) as soon as it is opened again, and 0 once a forget has merged it or let it go, also
 * after the next reopen. The leaf is named by rewriting the index's manifest of a closed namespace, as a flush on a
 * device too full for the merge writes it: making a forget skip a merge through the engine on a real full device
 * takes room for every compaction and the log's record but not for the merge, and a failed forget fails the namespace
 * (the index's own tests skip merges on a real small device: SkippedMergeTest, SkippedMergeCrashTest).
 */
class IndexMergesWaitingTest {

  private static final int EVENTS = 600;

  @TempDir
  Path dir;

  @Test
  void theLeavesWaitingAreReportedAfterAReopenAndNoMoreOnceAForgetMergedThem() throws IOException {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int n = 0; n < EVENTS; n++) {
        m.remember(Remember.event("s" + n % 10, "user", "event " + n).vector(TestVectors.unit(n)));
      }
      assertEquals(0, m.stats().indexMergesWaiting());
    }
    nameSmallestLeafWaiting(atlas(dir));

    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(1, m.stats().indexMergesWaiting(), "the leaf the manifest names, at once after the reopen");
      assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
      assertTrue(m.forget(1));
      assertEquals(0, m.stats().indexMergesWaiting(), "the forget's retry merged it or let it go");
      assertEquals(EVENTS - 1, m.stats().vectors());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(0, aeon.memory().stats().indexMergesWaiting());
      assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
    }
  }

  /**
   * After a crash, the index is the last flush's, its leaf waiting again, and the log's replay of a forget written
   * since (forced, SYNC) retries the merge as the forget did: the stores of the closed namespace (the manifest naming
   * the leaf) with the log as it was after the forget, as a process crash leaves them (CheckpointStepsTest).
   */
  @Test
  void aForgetTheLogReplaysAfterACrashMergesTheLeafTheLastFlushNamed() throws IOException {
    Path live = dir.resolve("live");
    Path crashed = dir.resolve("crashed");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      for (int n = 0; n < EVENTS; n++) {
        aeon.memory().remember(Remember.event("s" + n % 10, "user", "event " + n).vector(TestVectors.unit(n)));
      }
    }
    nameSmallestLeafWaiting(atlas(live));
    copy(live, crashed, "trace", "atlas", "blobs");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      assertEquals(1, aeon.memory().stats().indexMergesWaiting());
      assertTrue(aeon.memory().forget(1));
      assertEquals(0, aeon.memory().stats().indexMergesWaiting());
      copy(live, crashed, "wal"); // the log forced at the forget, not checkpointed
    }
    try (Aeon aeon = Aeon.open(crashed, EngineTest.options())) {
      assertEquals(0, aeon.memory().stats().indexMergesWaiting(), "the replayed forget merged it or let it go");
      assertEquals(EVENTS - 1, aeon.memory().stats().vectors());
      assertEquals(List.of(), aeon.check(Aeon.DEFAULT_NAMESPACE));
    }
  }

  private static Path atlas(Path root) {
    return root.resolve("ns").resolve("default").resolve("atlas");
  }

  private static void copy(Path from, Path to, String... stores) throws IOException {
    for (String store : stores) {
      Path target = to.resolve("ns").resolve("default").resolve(store);
      Files.createDirectories(target.getParent());
      DamagedStoresTest.copyTree(from.resolve("ns").resolve("default").resolve(store), target);
    }
  }

  /** Rewrites the index's manifest naming its leaf of the fewest entries as waiting for a merge. */
  private static void nameSmallestLeafWaiting(Path atlas) throws IOException {
    ManifestData m = Manifest.read(atlas);
    assertTrue(m.leaves().size() > 1, "one leaf: none to merge into");
    ManifestData.LeafRecord smallest = m.leaves().stream()
        .min(Comparator.comparingInt(l -> IntStream.of(l.counts()).sum())).orElseThrow();
    Manifest.write(atlas, withWaiting(m, RoaringBitmap.bitmapOf(smallest.id())));
  }

  private static ManifestData withWaiting(ManifestData m, RoaringBitmap waiting) {
    return new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(),
        m.slotHighWater(), m.pageHighWater(), m.sketchCenter(), m.leaves(), m.root(), m.tombstones(), m.freePages(),
        m.freeSlots(), waiting);
  }
}
