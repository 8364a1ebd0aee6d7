package dev.aeon.bench.ann;

/**
 * Unit-length base vectors to index and held-out query vectors (never in the base), of one dimension.
 *
 * @param name the data set's name as the command takes it
 * @param source where the vectors come from, for the report
 */
record Dataset(String name, String source, float[][] base, float[][] queries) {

  Dataset {
    if (base.length == 0 || queries.length == 0) {
      throw new IllegalArgumentException(name + ": empty base or query set");
    }
  }

  int dim() {
    return base[0].length;
  }

  /** The first {@code n} base vectors (all of them if fewer), same queries. */
  Dataset withBase(int n) {
    return n >= base.length ? this : new Dataset(name, source, java.util.Arrays.copyOf(base, n), queries);
  }

  /** L2-normalises every row in place (zero rows stay zero); the indexes compare by cosine. */
  static float[][] normalise(float[][] rows) {
    for (float[] v : rows) {
      double sq = 0;
      for (float x : v) {
        sq += (double) x * x;
      }
      if (sq > 0) {
        float inv = (float) (1 / Math.sqrt(sq));
        for (int i = 0; i < v.length; i++) {
          v[i] *= inv;
        }
      }
    }
    return rows;
  }
}
