package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * A thread keeps its search buffers from one search to the next ({@link SearchScratch}); nothing of one search
 * may reach the next. Each search here is answered on a thread of its own first, then all of them one after the
 * other on one thread, in two orders: the answers (ids and score bits) must be the same. The searches differ in
 * what the buffers are made for: k (up to past the size a list starts with), nprobe (up to every leaf), sketch
 * and re-rank depths, a filter, and two indexes of different page and leaf sizes.
 */
class SearchScratchTest {

  @TempDir
  Path dir;

  /** One search and where it runs. */
  private record Search(AtlasIndex index, float[] query, int k, SearchParams params, RoaringBitmap filter) {
    SearchResult run() {
      return index.search(query, k, params, filter);
    }

    @Override
    public String toString() {
      return "k=" + k + ", " + params + (filter == null ? "" : ", filtered");
    }
  }

  @Test
  void aThreadsSearchesDoNotSeeItsEarlierOnes() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    // Wide enough for the sketch pass and the routing by sketches (64 dims and more), pages of 8, leaves of 32.
    int dim = 96;
    try (AtlasIndex wide = AtlasIndex.create(dir.resolve("wide"), new AtlasConfig(dim, 8, 4, 16));
        AtlasIndex small = AtlasIndex.create(dir.resolve("small"), AtlasIndexTest.SMALL)) {
      for (int i = 0; i < 3_000; i++) {
        wide.add(i, r.nextInt(4) == 0 ? AtlasIndexTest.randomVector(r, dim)
            : AtlasDifferentialTest.clustered(r, dim, r.nextInt(5)));
      }
      for (int i = 0; i < 300; i++) {
        small.add(i, AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM));
      }
      RoaringBitmap odd = new RoaringBitmap();
      for (int i = 1; i < 3_000; i += 2) {
        odd.add(i);
      }
      List<Search> searches = new ArrayList<>();
      for (int q = 0; q < 4; q++) {
        float[] query = AtlasDifferentialTest.clustered(r, dim, q);
        searches.add(new Search(wide, query, 10, SearchParams.defaults(), null));
        searches.add(new Search(wide, query, 1, SearchParams.nprobe(2), null));
        searches.add(new Search(wide, query, 600, SearchParams.defaults(), null)); // lists grow past 1,024 pairs
        searches.add(new Search(wide, query, 10, SearchParams.nprobe(10_000), null)); // every leaf
        searches.add(new Search(wide, query, 10, SearchParams.defaults().withSketchDepth(200).withRerankDepth(50),
            null));
        searches.add(new Search(wide, query, 10, SearchParams.defaults().withSketchDepth(SearchParams.NO_SKETCH),
            null));
        searches.add(new Search(wide, query, 32, SearchParams.nprobe(8), odd));
        searches.add(new Search(small, AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM), 5, SearchParams.defaults(),
            null));
      }
      List<SearchResult> alone = new ArrayList<>();
      for (Search s : searches) {
        alone.add(onThreadOfItsOwn(s));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < searches.size(); i++) {
        order.add(i);
      }
      for (int round = 0; round < 2; round++) {
        for (int i : order) {
          SearchResult got = searches.get(i).run();
          String context = "seed " + seed + ", round " + round + ", search " + i + " (" + searches.get(i) + ")";
          assertTrue(got.size() > 0, context);
          assertArrayEquals(alone.get(i).ids(), got.ids(), context);
          assertArrayEquals(alone.get(i).scores(), got.scores(), context);
        }
        Collections.shuffle(order, r);
      }
    }
  }

  private static SearchResult onThreadOfItsOwn(Search s) throws InterruptedException {
    AtomicReference<SearchResult> out = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        out.set(s.run());
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.join();
    if (failure.get() != null) {
      throw new AssertionError("search " + s + " failed", failure.get());
    }
    return out.get();
  }
}
