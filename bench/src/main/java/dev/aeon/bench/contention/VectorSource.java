package dev.aeon.bench.contention;

import java.util.SplittableRandom;

/**
 * Vectors for the contention benchmark: uniformly random unit vectors (a seeded Gaussian, normalised).
 * They have no cluster structure, so the index's leaves are as mixed as they can be; latency per recall
 * depends on how many vectors the search scores, which the index bounds by nprobe whatever the data.
 */
final class VectorSource {

  private final int dim;
  private final SplittableRandom random;

  VectorSource(int dim, long seed) {
    this.dim = dim;
    this.random = new SplittableRandom(seed);
  }

  String description() {
    return "random unit vectors (seeded Gaussian, normalised): no cluster structure (--vectors wordnet: real"
        + " sentence embeddings)";
  }

  float[] next() {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      double g = random.nextGaussian();
      v[i] = (float) g;
      n += g * g;
    }
    float inv = (float) (1 / Math.sqrt(n));
    for (int i = 0; i < dim; i++) {
      v[i] *= inv;
    }
    return v;
  }

  float[][] next(int count) {
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      out[i] = next();
    }
    return out;
  }
}
