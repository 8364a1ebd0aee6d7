package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.LoggedWarnings;
import dev.aeon.common.testing.SmallDevice;
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
 * compaction that finds room merges them. Before, a skipped merge said nothing, and no later call merged the leaf: a
 * forget merged only leaves its own compactions had left small, a compaction only leaves it compacted. A call that
 * retries them on a device still full leaves the report as it was: counted as skips, the forget that skipped 169
 * merges reported 170 (its retry of the first one at its end counted again), and every later call one more.
 */
class SkippedMergeTest {

  private static final int N = 1600;

  @TempDir
  Path dir;

  @Test
  void aLaterForgetMergesTheLeavesWhoseMergeWasSkipped() throws Exception {
    assertSkippedMergesAreDoneLater(index -> index.remove(0)); // a kept id: its leaf compacts, then the retries
  }

  @Test
  void aLaterCompactionMergesTheLeavesWhoseMergeWasSkipped() throws Exception {
    assertSkippedMergesAreDoneLater(AtlasIndex::compact);
  }

  /**
   * Three of every four ids go at once, as in RemoveAllTest: each leaf keeps 2 of its 8 entries and merges into a
   * sibling. The device is given 16 more pages at each try until the call goes through: then it had room for the
   * compactions, which it reserves first, and not for all the merges after them.
   */
  private void assertSkippedMergesAreDoneLater(Consumer<AtlasIndex> later) throws Exception {
    AtlasConfig config = new AtlasConfig(4096, 2, 4, 4);
    float[][] vs = AtlasIndexTest.randomVectors(new Random(71), N, config.dim());
    long[] most = LongStream.range(0, N).filter(id -> id % 4 != 0).toArray();
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 80);
        LoggedWarnings log = LoggedWarnings.of(SkippedMerges.class)) {
      try (AtlasIndex index = AtlasIndex.create(device.root().resolve("index"), config)) {
        index.addAll(LongStream.range(0, N).toArray(), vs); // a bulk build: full leaves, no free page
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
        device.fillLeaving(0);
        assertEquals(0, index.removeAll(new long[] {N})); // an id not held: only the retries, which find no room
        device.empty();
        assertEquals(waiting, index.mergesWaiting(), "the leaves waiting after a retry that found no room");
        assertEquals(1, log.list().size(), "one warning for the run of skips: " + log.list());
        assertTrue(log.list().getFirst().contains("page file cannot grow"), log.list().getFirst());
        long merges = index.writer().merges();
        int leaves = index.stats().leaves();

        later.accept(index); // the device has room again

        assertEquals(0, index.mergesWaiting(), "leaves still waiting for their merge");
        assertTrue(index.writer().merges() - merges >= waiting / 2,
            (index.writer().merges() - merges) + " merges for " + waiting + " leaves waiting");
        assertTrue(index.stats().leaves() < leaves - waiting / 4, index.stats().leaves() + " leaves, " + leaves
            + " before, " + waiting + " waiting");
        assertEquals(1, log.info().size(), "the end of the run: " + log.info());
        for (int i = 4; i < N; i += 4) {
          assertEquals(i, index.search(vs[i], 1, SearchParams.nprobe(Integer.MAX_VALUE)).ids()[0]);
        }
      }
    }
  }
}
