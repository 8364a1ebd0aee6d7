package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Deletes thin a routing tree out unevenly: an inner node keeps its last leaf, empty, so that a tree that
 * lost most of its vectors has about as many inner nodes as leaves. A search that scores every leaf must
 * still reach every one of them.
 */
class ThinnedTreeSearchTest {

  @TempDir
  Path dir;
  private final int dim = 16;

  @Test
  void aSearchForEveryVectorFindsThemAllInATreeThinnedByDeletes() throws IOException {
    int n = 600;
    Random r = new Random(5);
    try (AtlasIndex index = thinned(r, n)) {
      RoaringBitmap kept = new RoaringBitmap();
      for (int i = 0; i < n; i += 10) {
        kept.add(i);
      }
      AtlasStats stats = index.stats();
      assertTrue(stats.innerNodes() > stats.leaves() / 2, stats.toString());
      for (int q = 0; q < 10; q++) {
        float[] query = AtlasIndexTest.randomVector(r, dim);
        assertEquals(kept.getCardinality(), index.search(query, n, SearchParams.defaults()).size(), "query " + q);
        assertEquals(kept.getCardinality(), index.search(query, n, SearchParams.targetRecall(1.0)).size(),
            "query " + q);
      }
    }
  }

  /**
   * An nprobe of at least the number of leaves scores every leaf, whatever k: with the automatic beam of nprobe / 2
   * inner nodes a level, a search of a thinned tree's 148 leaves for 10 results had scored about 80 of them, and
   * missed some of the 10 best vectors in three queries of five.
   */
  @Test
  void anNprobeOfEveryLeafScoresEveryLeafOfATreeThinnedByDeletes() throws IOException {
    Random r = new Random(5);
    try (AtlasIndex index = thinned(r, 600)) {
      int leaves = index.stats().leaves();
      SearchParams every = SearchParams.nprobe(leaves).withSketchDepth(SearchParams.NO_SKETCH).withRerankDepth(100);
      for (int q = 0; q < 5; q++) {
        float[] query = AtlasIndexTest.randomVector(r, dim);
        SearchResult res = index.search(query, 10, every);
        assertEquals(leaves, res.leafIds().length, "query " + q);
        assertArrayEquals(index.exactSearch(query, 10).ids(), res.ids(), "query " + q);
      }
    }
  }

  /** An index of {@code n} vectors in leaves of two, nine of each ten deleted. */
  private AtlasIndex thinned(Random r, int n) throws IOException {
    AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 2, 1, 4));
    for (int i = 0; i < n; i++) {
      index.add(i, AtlasIndexTest.randomVector(r, dim));
    }
    for (int i = 0; i < n; i++) {
      if (i % 10 != 0) {
        index.remove(i);
      }
    }
    return index;
  }
}
