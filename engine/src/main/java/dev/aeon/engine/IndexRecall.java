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

  /** How many more candidates to fetch when a predicate may reject some. */
  private static final int OVERFETCH = 4;

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
    int fetch = filter == null ? k : k * OVERFETCH;
    SearchResult r = index.search(query, fetch, SearchParams.defaults());
    List<Hit> hits = new ArrayList<>(k);
    for (int i = 0; i < r.size() && hits.size() < k; i++) {
      if (filter == null || filter.test(r.ids()[i])) {
        hits.add(new Hit(r.ids()[i], r.scores()[i]));
      }
    }
    return hits;
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
