package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The descent's routing pool ({@link SearchParams#routingPool}): with the sketch pass on, a wide level of leaves is
 * estimated from the centroids' sketches and only the pool x nprobe best rows are scored with codes. A pool that
 * takes every row is the INT8 path's descent; a pool of one scores only nprobe rows, so the sketches alone pick the
 * leaves, and some differ.
 */
class RoutingPoolTest {

  private static final int DIM = 64;
  private static final int NPROBE = 4;
  private static final int QUERIES = 40;

  @TempDir
  Path dir;

  @Test
  void aPoolOfEveryRowDescendsAsTheInt8PathAndAPoolOfOneDoesNot() throws IOException {
    Random r = new Random(11);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(DIM))) {
      for (int i = 0; i < 4000; i++) {
        index.add(i, AtlasIndexTest.randomVector(r, DIM));
      }
      assertTrue(index.stats().leaves() > 4 * NPROBE, index.stats().toString());
      SearchParams sketched = SearchParams.nprobe(NPROBE).withSketchDepth(SearchParams.DEFAULT_SKETCH);
      SearchParams int8 = SearchParams.nprobe(NPROBE).withSketchDepth(SearchParams.NO_SKETCH);
      int differ = 0;
      for (int q = 0; q < QUERIES; q++) {
        float[] query = AtlasIndexTest.randomVector(r, DIM);
        int[] byCodes = leaves(index.search(query, 10, int8));
        assertArrayEquals(byCodes, leaves(index.search(query, 10, sketched.withRoutingPool(1_000_000))),
            "query " + q);
        differ += Arrays.equals(byCodes, leaves(index.search(query, 10, sketched.withRoutingPool(1)))) ? 0 : 1;
      }
      assertTrue(differ > 0, "a pool of one picked the INT8 path's leaves for every query");
    }
  }

  @Test
  void aNegativePoolIsRefusedAndZeroIsTheDefault() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SearchParams.defaults().withRoutingPool(-1));
    assertTrue(e.getMessage().contains("routingPool"), e.getMessage());
    assertEquals(SearchParams.DEFAULT_ROUTING_POOL, SearchParams.defaults().effectiveRoutingPool());
    assertEquals(3, SearchParams.defaults().withRoutingPool(3).effectiveRoutingPool());
  }

  @Test
  void theOtherSettersKeepThePool() {
    SearchParams p = SearchParams.nprobe(8).withRoutingPool(3).withNprobe(16).withBeamWidth(4).withRerankDepth(50)
        .withSketchDepth(100).withDepthsFor(10);
    assertEquals(3, p.routingPool());
    assertTrue(p.toString().contains("pool=3"), p.toString());
  }

  private static int[] leaves(SearchResult r) {
    int[] ids = r.leafIds().clone();
    Arrays.sort(ids);
    return ids;
  }
}
