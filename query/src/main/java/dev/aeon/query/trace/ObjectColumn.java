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
    return chunk < c.length && (index & MASK) < c[chunk].length() ? c[chunk].getAcquire(index & MASK) : null;
  }

  /** Writer only. */
  void set(int index, T value) {
    int chunk = index >>> SHIFT;
    AtomicReferenceArray<T>[] c = chunks;
    if (chunk >= c.length || (index & MASK) >= c[chunk].length()) {
      AtomicReferenceArray<T>[] grown = newTable(FirstChunk.tableLengthFor(chunk, c.length));
      System.arraycopy(c, 0, grown, 0, c.length);
      int firstLength = FirstChunk.lengthFor(index, CHUNK);
      if (c.length == 0 || c[0].length() < firstLength) {
        grown[0] = new AtomicReferenceArray<>(firstLength);
        for (int i = 0; c.length > 0 && i < c[0].length(); i++) {
          grown[0].setPlain(i, c[0].getPlain(i)); // published with the table
        }
      }
      for (int i = Math.max(1, c.length); i < grown.length; i++) {
        grown[i] = new AtomicReferenceArray<>(CHUNK);
      }
      chunks = c = grown;
    }
    c[chunk].setRelease(index & MASK, value);
  }

  long heapBytes() {
    long bytes = 0;
    for (AtomicReferenceArray<T> chunk : chunks) {
      bytes += chunk.length() * 4L + 32;
    }
    return bytes;
  }
}
