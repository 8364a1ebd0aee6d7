package dev.aeon.engine;

import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.SearchParams;
import dev.aeon.index.atlas.SearchResult;
import dev.aeon.query.trace.VectorRecall;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.roaringbitmap.RoaringBitmap;

/** The query language's vector steps ({@code CALL recall}, {@code similarity}) over the vector index. */
final class IndexRecall implements VectorRecall {

  /** Searches a recall may take to find k events its predicate accepts. */
  private static final int MAX_SEARCHES = 4;

  private final Supplier<AtlasIndex> atlas;

  IndexRecall(Supplier<AtlasIndex> atlas) {
    this.atlas = atlas;
  }

  @Override
  public List<Hit> recall(float[] query, int k, LongPredicate filter) {
    AtlasIndex index = atlas.get();
    if (index == null || k <= 0) {
      Inputs.checkVector(query, 0); // refused with no vectors yet as with some
      return List.of();
    }
    // A search that could not find k accepted events asks again for k plus the ids it rejected: few, when the
    // predicate only hides the events a writer is between storing in the index and in the trace.
    List<Hit> hits = new ArrayList<>(k);
    int fetch = k;
    for (int searches = 1; ; searches++) {
      SearchResult r = index.search(query, fetch, SearchParams.defaults());
      hits.clear();
      int rejected = 0;
      for (int i = 0; i < r.size() && hits.size() < k; i++) {
        if (filter == null || filter.test(r.ids()[i])) {
          hits.add(new Hit(r.ids()[i], r.scores()[i]));
        } else {
          rejected++;
        }
      }
      if (hits.size() == k || rejected == 0 || searches == MAX_SEARCHES) {
        return hits;
      }
      fetch = k + rejected;
    }
  }

  /** Scores one event exactly: an allow-list of one id makes the index scan just that vector. */
  @Override
  public float similarity(long eventId, float[] query) {
    AtlasIndex index = atlas.get();
    if (index == null || !index.contains(eventId)) {
      return Float.NaN;
    }
    SearchResult r = index.search(query, 1, SearchParams.defaults(), RoaringBitmap.bitmapOf((int) eventId));
    return r.size() == 0 ? Float.NaN : r.scores()[0];
  }
}
