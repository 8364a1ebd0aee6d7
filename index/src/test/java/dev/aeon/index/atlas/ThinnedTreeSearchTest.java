package dev.aeon.index.atlas;

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

  @Test
  void aSearchForEveryVectorFindsThemAllInATreeThinnedByDeletes() throws IOException {
    int dim = 16;
    Random r = new Random(5);
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 2, 1, 4))) {
      int n = 600;
      for (int i = 0; i < n; i++) {
        index.add(i, AtlasIndexTest.randomVector(r, dim));
      }
      RoaringBitmap kept = new RoaringBitmap();
      for (int i = 0; i < n; i++) {
        if (i % 10 == 0) {
          kept.add(i);
        } else {
          index.remove(i);
        }
      }
      AtlasStats stats = index.stats();
      assertTrue(stats.innerNodes() > stats.leaves() / 2, stats.toString());
      for (int q = 0; q < 10; q++) {
        float[] query = AtlasIndexTest.randomVector(r, dim);
        assertEquals(kept.getCardinality(), index.search(query, n, SearchParams.defaults()).size(), "query " + q);
        assertEquals(kept.getCardinality(), index.search(query, n, SearchParams.targetRecall(1.0)).size(), "query " + q);
      }
    }
  }
}
