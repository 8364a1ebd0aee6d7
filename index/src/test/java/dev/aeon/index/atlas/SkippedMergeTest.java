package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.LoggedWarnings;
import dev.aeon.common.testing.SmallDevice;
import dev.aeon.index.atlas.store.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forget whose compactions leave leaves small, on a real full device ({@link SmallDevice}) with room for the
 * compactions but not for every merge after them, skips those merges: the index stays correct, only less tidy. The
 * leaves waiting are reported ({@link AtlasIndex#mergesWaiting}), the run of skips logged once, and the next forget or
 * compaction that finds room merges them, also after a reopen (the manifest names them). Before, a skipped merge said
 * nothing, and no later call merged the leaf: a forget merged only leaves its own compactions had left small, a
 * compaction only leaves it compacted. A call that retries them on a device still full leaves the report as it was:
 * counted as skips, the forget that skipped 169 merges reported 170 (its retry of the first one at its end counted
 * again), and every later call one more.
 */
class SkippedMergeTest {

  static final int N = 1600;
  static final AtlasConfig CONFIG = new AtlasConfig(4096, 2, 4, 4);

  @TempDir
  Path dir;

  @Test
  void aLaterForgetMergesTheLeavesWhoseMergeWasSkipped() throws Exception {
    assertSkippedMergesAreDoneLater(index -> index.remove(0), false); // a kept id: its leaf compacts, then the retries
  }

  @Test
  void aLaterCompactionMergesTheLeavesWhoseMergeWasSkipped() throws Exception {
    assertSkippedMergesAreDoneLater(AtlasIndex::compact, false);
  }

  /**
   * The leaves waiting when the index was closed wait after it is opened again: before, the set was in memory only,
   * and a reopened index reported none and merged none of them (this test failed there: 0 waiting after the reopen).
   */
  @Test
  void aCompactionAfterAReopenMergesTheLeavesWhoseMergeWasSkipped() throws Exception {
    assertSkippedMergesAreDoneLater(AtlasIndex::compact, true);
  }

  @Test
  void aForgetAfterAReopenMergesTheLeavesWhoseMergeWasSkipped() throws Exception {
    assertSkippedMergesAreDoneLater(index -> index.remove(0), true);
  }

  /**
   * A reopen notes no leaf that was not waiting: not the small leaves a build or a merge made (a bulk build of
   * clustered sessions leaves some clusters under half a leaf), which no merge was skipped for.
   */
  @Test
  void aReopenOfAnIndexWhoseMergesWereNotSkippedNotesNone() throws IOException {
    AtlasConfig config = AtlasConfig.of(16);
    int n = 6_000;
    float[][] vs = AtlasIndexTest.clusteredSessions(new Random(3), n / 100, 100, config.dim());
    try (AtlasIndex index = AtlasIndex.create(dir, config)) {
      index.addAll(LongStream.range(0, n).toArray(), vs);
      index.removeAll(LongStream.range(0, n).filter(id -> id % 4 != 0).toArray()); // merges, with room for them
      assertEquals(0, index.mergesWaiting());
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertTrue(smallLeaves(index) > 0, "no small leaf: the test shows nothing");
      assertEquals(0, index.mergesWaiting(), smallLeaves(index) + " small leaves");
    }
  }

  private static long smallLeaves(AtlasIndex index) {
    return index.routing().liveLeaves().stream()
        .filter(l -> l.live() < index.config().leafCapacity() / TreeWriter.MERGE_BELOW).count();
  }

  /**
   * Three of every four ids go at once, as in RemoveAllTest: each leaf keeps 2 of its 8 entries and merges into a
   * sibling. The device is given 16 more pages at each try until the call goes through: then it had room for the
   * compactions, which it reserves first, and not for all the merges after them. With {@code reopen}, the index is
   * closed (with room for its manifest) and opened again before {@code later}.
   */
  private void assertSkippedMergesAreDoneLater(Consumer<AtlasIndex> later, boolean reopen) throws Exception {
    float[][] vs = vectors();
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 80);
        LoggedWarnings log = LoggedWarnings.of(SkippedMerges.class)) {
      Path path = device.root().resolve("index");
      AtlasIndex index = AtlasIndex.create(path, CONFIG);
      try {
        int waiting = skipMerges(index, vs, device);
        device.fillLeaving(0);
        assertEquals(0, index.removeAll(new long[] {N})); // an id not held: only the retries, which find no room
        device.empty();
        assertEquals(waiting, index.mergesWaiting(), "the leaves waiting after a retry that found no room");
        assertEquals(1, log.list().size(), "one warning for the run of skips: " + log.list());
        assertTrue(log.list().getFirst().contains("page file cannot grow"), log.list().getFirst());
        long merges = index.writer().merges();
        int leaves = index.stats().leaves();
        if (reopen) {
          index.close();
          assertEquals(Manifest.VERSION, AtlasFilesTest.versionOf(path.resolve(Manifest.NAME)), "leaves wait");
          index = AtlasIndex.open(path);
          merges = 0;
          assertEquals(waiting, index.mergesWaiting(), "the leaves waiting after a reopen");
          assertEquals(2, log.list().size(), "a warning at the reopen: " + log.list());
        }

        later.accept(index); // the device has room again

        assertEquals(0, index.mergesWaiting(), "leaves still waiting for their merge");
        assertTrue(index.writer().merges() - merges >= waiting / 2,
            (index.writer().merges() - merges) + " merges for " + waiting + " leaves waiting");
        assertTrue(index.stats().leaves() < leaves - waiting / 4, index.stats().leaves() + " leaves, " + leaves
            + " before, " + waiting + " waiting");
        assertEquals(1, log.info().size(), "the end of the run: " + log.info());
        index.flush();
        assertEquals(Manifest.OLDEST_VERSION, AtlasFilesTest.versionOf(path.resolve(Manifest.NAME)), "none waits");
        for (int i = 4; i < N; i += 4) {
          assertEquals(i, index.search(vs[i], 1, SearchParams.nprobe(Integer.MAX_VALUE)).ids()[0]);
        }
      } finally {
        index.close();
      }
    }
  }

  /** The vectors of ids 0 to N - 1 the tests build from. */
  static float[][] vectors() {
    return AtlasIndexTest.randomVectors(new Random(71), N, CONFIG.dim());
  }

  /**
   * Bulk-builds {@code vs} (full leaves, no free page) and removes three of every four ids on a device given 16 more
   * pages at each try until the call goes through; returns how many leaves then wait for their merge (some).
   */
  static int skipMerges(AtlasIndex index, float[][] vs, SmallDevice device) throws IOException {
    index.addAll(LongStream.range(0, N).toArray(), vs);
    long[] most = LongStream.range(0, N).filter(id -> id % 4 != 0).toArray();
    for (int room = 0; ; room += 16) { // 4 KiB pages left on the device
      device.fillLeaving(room);
      try {
        index.removeAll(most);
        break;
      } catch (UncheckedIOException e) {
        // no room for the compactions: nothing removed (RemoveAllTest), tried again with more
      } finally {
        device.empty();
      }
    }
    int waiting = index.mergesWaiting();
    assertTrue(waiting > 0, "no merge skipped");
    return waiting;
  }
}
