package dev.aeon.engine;

import java.util.Random;

/** Deterministic random unit vectors for tests: the same seed always gives the same vector. */
final class TestVectors {

  static final int DIM = 32;

  private TestVectors() {}

  static float[] unit(long seed) {
    Random r = new Random(seed);
    float[] v = new float[DIM];
    double n = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  static float cosine(float[] a, float[] b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return (float) (d / Math.sqrt(na * nb));
  }
}
