package dev.aeon.index.atlas;

/**
 * Whether the one-bit sketches of this index's vectors are good enough for the automatic settings:
 * measured on a sample of the index's own vectors as queries, comparing the answers of a default search
 * with and without the sketch pass. Sentence embeddings pass; vectors whose components are never negative
 * (image pixels: one sign bit each says little) lose half their answers, and then automatic searches
 * score every entry with INT8 instead. Small indexes (below {@value #MIN_VECTORS} vectors) never use the
 * sketches automatically: a search there scores most of the index anyway.
 *
 * @param vectors live vectors when measured (measured again after the index grew or shrank by a quarter)
 * @param agreement mean share of the top 10 without the sketch pass that the search with it found
 */
record SketchCheck(long vectors, double agreement) {

  static final long MIN_VECTORS = 1_024;
  static final int QUERIES = 50;
  /** The sketch pass may lose at most this share of the answers it would otherwise give. */
  static final double MIN_AGREEMENT = 0.98;

  boolean useful() {
    return vectors >= MIN_VECTORS && agreement >= MIN_AGREEMENT;
  }

  boolean staleFor(long size) {
    return SelfQueries.stale(vectors, size);
  }

  static SketchCheck measure(Searcher searcher, Storage st, long size, long seed) {
    if (size < MIN_VECTORS) {
      return new SketchCheck(size, 0);
    }
    SelfQueries sample = SelfQueries.sample(searcher, st, QUERIES, seed);
    SearchParams with = SearchParams.defaults(), without = with.withSketchDepth(SearchParams.NO_SKETCH);
    int nprobe = with.effectiveNprobe(), beam = with.effectiveBeam(nprobe), k = SelfQueries.K + 1;
    double sum = 0;
    for (int i = 0; i < sample.size(); i++) {
      PreparedQuery q = new PreparedQuery(sample.queries().get(i)); // stored vectors are unit length already
      long[] got = sample.withoutSelf(i, searcher.search(q, k, nprobe, beam, with, null, null, true).ids());
      long[] reference = sample.withoutSelf(i, searcher.search(q, k, nprobe, beam, without, null, null, true).ids());
      sum += SelfQueries.overlap(got, reference);
    }
    return new SketchCheck(size, sample.size() == 0 ? 1 : sum / sample.size());
  }
}
