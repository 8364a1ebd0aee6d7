package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Filtered searches equal exact search restricted to the filter: filters that keep nothing, everything, one
 * id, only removed ids or ids the index never held, ids at or above 2^31 (negative as ints), by exact scan
 * and by scoring every leaf.
 */
class AtlasFilterTest {

  @TempDir
  Path dir;

  @Test
  void filteredSearchesAreExactSearchesOfTheFilteredIds() throws IOException {
    int dim = 12;
    Random r = new Random(21);
    Map<Long, float[]> model = new HashMap<>();
    long high = (1L << 31) - 100; // ids on both sides of 2^31
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 4, 2, 4))) {
      for (long i = 0; i < 600; i++) {
        long id = i % 2 == 0 ? i : high + i;
        float[] v = AtlasIndexTest.randomVector(r, dim);
        index.add(id, v);
        model.put(id, Vectors.unitCopy(v, dim, "v"));
      }
      long removed = 4, removedHigh = high + 5;
      index.remove(removed);
      index.remove(removedHigh);
      model.remove(removed);
      model.remove(removedHigh);
      RoaringBitmap evens = new RoaringBitmap();
      RoaringBitmap highs = new RoaringBitmap();
      model.keySet().forEach(id -> (id < high ? evens : highs).add((int) (long) id));
      RoaringBitmap[] filters = {
        new RoaringBitmap(), // nothing
        RoaringBitmap.bitmapOfRange(0, 1L << 32), // everything
        RoaringBitmap.bitmapOf(2),
        RoaringBitmap.bitmapOf((int) (high + 7)),
        RoaringBitmap.bitmapOf((int) removed, (int) removedHigh), // removed ids only
        RoaringBitmap.bitmapOf(1, 3, 5), // ids never held
        evens,
        highs,
        RoaringBitmap.or(RoaringBitmap.bitmapOf((int) removed), RoaringBitmap.bitmapOf(6, 8)),
      };
      SearchParams everyLeaf = SearchParams.nprobe(Integer.MAX_VALUE);
      for (int f = 0; f < filters.length; f++) {
        RoaringBitmap filter = filters[f];
        for (int i = 0; i < 3; i++) {
          float[] q = AtlasIndexTest.randomVector(r, dim);
          for (int k : new int[] {1, 10, 1000}) {
            String context = "filter " + f;
            AtlasDifferentialTest.check(index, model, q, k, filter, everyLeaf.withSketchDepth(SearchParams.NO_SKETCH),
                true, context);
            AtlasDifferentialTest.check(index, model, q, k, filter, everyLeaf.withSketchDepth(Integer.MAX_VALUE), true,
                context + " sketches");
            AtlasDifferentialTest.check(index, model, q, k, filter, everyLeaf.withRerankDepth(Integer.MAX_VALUE)
                .withSketchDepth(SearchParams.NO_SKETCH), false, context + " re-ranking all");
            // Leaves named, without a descent: a filter never takes the exact scan's way there.
            int[] leaves = index.search(q, 1, everyLeaf).leafIds();
            SearchResult all = index.searchFrom(q, k, everyLeaf.withRerankDepth(Integer.MAX_VALUE)
                .withSketchDepth(SearchParams.NO_SKETCH), filter, leaves, false);
            SearchResult exact = index.search(q, k, everyLeaf.withRerankDepth(Integer.MAX_VALUE)
                .withSketchDepth(SearchParams.NO_SKETCH), filter);
            assertEquals(exact.size(), all.size(), context + " searchFrom every leaf");
          }
        }
      }
    }
  }

  /**
   * A filter of nearly every id, short of k results (it leaves out one of the index's ids): the search counted
   * how many of the filter's ids the index holds by visiting them one by one, up to 2^32 of them, and took 45
   * seconds on an index of 100 vectors, holding off every flush's reclaim meanwhile. It visits no more of them
   * than the index holds vectors (more would cost more than scoring every leaf, which it then does).
   */
  @Test
  void aSearchShortOfKVisitsNoMoreOfItsFilterThanTheIndexHoldsVectors() throws IOException {
    int dim = 8;
    Random r = new Random(22);
    Map<Long, float[]> model = new HashMap<>();
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(dim))) {
      for (long id = 0; id < 100; id++) {
        float[] v = AtlasIndexTest.randomVector(r, dim);
        index.add(id, v);
        model.put(id, Vectors.unitCopy(v, dim, "v"));
      }
      VisitCountingBitmap nearlyAll = new VisitCountingBitmap(index.size());
      nearlyAll.add(0L, 1L << 32);
      nearlyAll.remove(5);
      model.remove(5L);
      for (SearchParams p : new SearchParams[] {SearchParams.defaults(), SearchParams.nprobe(1)}) {
        AtlasDifferentialTest.check(index, model, AtlasIndexTest.randomVector(r, dim), 200, nearlyAll, p, true, "" + p);
      }
    }
  }

  /** A bitmap that fails a search that visits more than {@code limit} of its ids. */
  static final class VisitCountingBitmap extends RoaringBitmap {

    private final long limit;

    VisitCountingBitmap(long limit) {
      this.limit = limit;
    }

    @Override
    public PeekableIntIterator getIntIterator() {
      PeekableIntIterator ids = super.getIntIterator();
      return new PeekableIntIterator() {
        long visited;

        @Override
        public int next() {
          if (++visited > limit) {
            throw new AssertionError("visited more than " + limit + " ids of the filter");
          }
          return ids.next();
        }

        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public void advanceIfNeeded(int minval) {
          ids.advanceIfNeeded(minval);
        }

        @Override
        public int peekNext() {
          return ids.peekNext();
        }

        @Override
        public PeekableIntIterator clone() {
          throw new UnsupportedOperationException();
        }
      };
    }
  }
}
