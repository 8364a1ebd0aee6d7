package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the routing tree keeps after most of the index is forgotten a session at a time ({@link AtlasIndex#removeAll}
 * of clusters that fill leaves of their own): a leaf emptied by a compaction leaves the tree, with the nodes above it
 * that have no other child, unless it is the tree's last, and a root left with one child, an inner node, gives it its
 * place; inner nodes are never merged. The test checks what a search
 * still finds, and prints the counts ({@code LEAVES AFTER FORGETS}) that say how much of the tree, and of the default
 * search's leaves, is empty (before empty leaves took their nodes with them, one under every node all of whose leaves
 * had emptied).
 */
class LeavesAfterForgetsTest {

  private static final int DIM = 32;
  private static final int SESSIONS = 200;
  private static final int PER_SESSION = 100;
  private static final int KEPT = 10; // sessions not forgotten: 5%, then one

  @TempDir
  Path dir;

  @Test
  void mostSessionsForgottenLeaveEveryKeptVectorFoundAndCountTheEmptyLeaves() throws IOException {
    Random r = new Random(71);
    float[][] vs = AtlasIndexTest.clusteredSessions(r, SESSIONS, PER_SESSION, DIM);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(DIM))) {
      for (int i = 0; i < vs.length; i++) {
        index.add(i, vs[i]);
      }
      index.flush();
      StringBuilder report = new StringBuilder("LEAVES AFTER FORGETS of " + SESSIONS + " sessions of " + PER_SESSION
          + " vectors\n  all kept: " + Counts.of(index, dir, vs, SESSIONS));
      int kept = SESSIONS;
      for (int keep : new int[] {KEPT, 1}) {
        for (int s = keep; s < kept; s++) {
          long[] ids = LongStream.range((long) s * PER_SESSION, (long) (s + 1) * PER_SESSION).toArray();
          assertEquals(PER_SESSION, index.removeAll(ids));
        }
        kept = keep;
        index.flush();
        Counts after = Counts.of(index, dir, vs, kept);
        report.append("\n  ").append(kept).append(" kept: ").append(after);
        assertEquals((long) kept * PER_SESSION, index.size());
        assertEquals(kept * PER_SESSION, after.foundByEveryLeaf(), "kept vectors a search of every leaf finds");
        assertEquals(0, after.emptyLeaves(), "empty leaves left in the tree: " + after);
        assertEquals(0, after.probedEmpty(), "default probes of empty leaves: " + after);
        if (keep == 1) { // one leaf left: a root whose only child is an inner node gives it its place
          assertEquals(1, after.innerNodes(), "inner nodes over the last leaf: " + after);
        }
      }
      System.out.println(report);
    }
  }

  /**
   * Counts of the tree and of default searches for the first {@code sessions} sessions' vectors.
   *
   * @param leafIdsEverMade the manifest's next leaf id: the ids the routing table has had chunks made for
   * @param probedEmpty of the leaves the default searches scored, those with no entry
   */
  record Counts(int leaves, int emptyLeaves, int innerNodes, int leafIdsEverMade, long probed, long probedEmpty,
      int foundByDefault, int foundByEveryLeaf) {

    static Counts of(AtlasIndex index, Path dir, float[][] vs, int sessions) throws IOException {
      ManifestData m = Manifest.read(dir);
      Map<Integer, Boolean> empty = new HashMap<>();
      int emptyLeaves = 0;
      for (ManifestData.LeafRecord l : m.leaves()) {
        boolean e = java.util.Arrays.stream(l.counts()).sum() == 0;
        empty.put(l.id(), e);
        emptyLeaves += e ? 1 : 0;
      }
      long probed = 0;
      long probedEmpty = 0;
      int byDefault = 0;
      int byEveryLeaf = 0;
      for (int i = 0; i < sessions * PER_SESSION; i++) {
        SearchResult res = index.search(vs[i], 1);
        byDefault += res.size() > 0 && res.ids()[0] == i ? 1 : 0;
        for (int leaf : res.leafIds()) {
          probed++;
          probedEmpty += empty.getOrDefault(leaf, false) ? 1 : 0;
        }
        SearchResult all = index.search(vs[i], 1, SearchParams.nprobe(Integer.MAX_VALUE));
        byEveryLeaf += all.size() > 0 && all.ids()[0] == i ? 1 : 0;
      }
      AtlasStats s = index.stats();
      return new Counts(s.leaves(), emptyLeaves, s.innerNodes(), m.nextLeafId(), probed, probedEmpty, byDefault,
          byEveryLeaf);
    }
  }
}
