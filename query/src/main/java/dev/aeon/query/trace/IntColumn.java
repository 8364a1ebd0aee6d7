package dev.aeon.query.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A growable int array for one writer and many lock-free readers. It grows by whole chunks, so a reader
 * holding an older chunk table still sees every element published before it; element stores are
 * release stores and loads are acquire loads, so an element a reader sees was completely written.
 */
final class IntColumn {

  private static final int SHIFT = 14;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(int[].class);

  private final int initial;
  private volatile int[][] chunks = new int[0][];

  /** A column whose unwritten elements read as {@code initial}. */
  IntColumn(int initial) {
    this.initial = initial;
  }

  int getAcquire(int index) {
    return (int) ELEMENT.getAcquire(chunks[index >>> SHIFT], index & MASK);
  }

  /** The element, or {@code missing} if the column never grew that far. */
  int getAcquireOr(int index, int missing) {
    int[][] c = chunks;
    int chunk = index >>> SHIFT;
    return chunk < c.length ? (int) ELEMENT.getAcquire(c[chunk], index & MASK) : missing;
  }

  /** Writer only. */
  void setRelease(int index, int value) {
    ensure(index);
    ELEMENT.setRelease(chunks[index >>> SHIFT], index & MASK, value);
  }

  private void ensure(int index) {
    int chunk = index >>> SHIFT;
    int[][] c = chunks;
    if (chunk < c.length) {
      return;
    }
    int[][] grown = Arrays.copyOf(c, Math.max(chunk + 1, c.length * 2));
    for (int i = c.length; i < grown.length; i++) {
      grown[i] = new int[CHUNK];
      if (initial != 0) {
        Arrays.fill(grown[i], initial);
      }
    }
    chunks = grown;
  }

  long heapBytes() {
    return (long) chunks.length * (CHUNK * 4L + 16);
  }
}
