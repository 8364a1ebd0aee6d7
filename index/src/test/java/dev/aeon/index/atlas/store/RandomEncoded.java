package dev.aeon.index.atlas.store;

import java.util.Random;

/** Encoded vectors of random bytes for the page file's tests: what a page stores, not what a quantizer makes. */
final class RandomEncoded {

  private RandomEncoded() {}

  static EncodedVector vector(Random r, PageLayout layout) {
    byte[] codes = new byte[layout.dim];
    r.nextBytes(codes);
    long[] sketch = new long[layout.sketches.words()];
    for (int w = 0; w < sketch.length; w++) {
      sketch[w] = r.nextLong();
    }
    return new EncodedVector(r.nextFloat(), codes, r.nextFloat(), sketch);
  }
}
