package dev.aeon.query.trace;

import java.util.concurrent.atomic.AtomicReferenceArray;

/** The reference twin of {@link IntColumn}, for sparse per-slot objects (attribute maps, index lists). */
final class ObjectColumn<T> {

  private static final int SHIFT = 12;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  private volatile AtomicReferenceArray<T>[] chunks = newTable(0);

  @SuppressWarnings("unchecked")
  private static <T> AtomicReferenceArray<T>[] newTable(int n) {
    return (AtomicReferenceArray<T>[]) new AtomicReferenceArray<?>[n];
  }

  T get(int index) {
    AtomicReferenceArray<T>[] c = chunks;
    int chunk = index >>> SHIFT;
    return chunk < c.length ? c[chunk].getAcquire(index & MASK) : null;
  }

  /** Writer only. */
  void set(int index, T value) {
    int chunk = index >>> SHIFT;
    AtomicReferenceArray<T>[] c = chunks;
    if (chunk >= c.length) {
      AtomicReferenceArray<T>[] grown = newTable(Math.max(chunk + 1, c.length * 2));
      System.arraycopy(c, 0, grown, 0, c.length);
      for (int i = c.length; i < grown.length; i++) {
        grown[i] = new AtomicReferenceArray<>(CHUNK);
      }
      chunks = grown;
      c = grown;
    }
    c[chunk].setRelease(index & MASK, value);
  }

  long heapBytes() {
    return (long) chunks.length * (CHUNK * 4L + 32);
  }
}
