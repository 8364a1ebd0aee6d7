package dev.aeon.query.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A growable int array for one writer and many lock-free readers. It grows by whole chunks (the first one
 * grows by copies, see {@link FirstChunk}), so a reader holding an older chunk table still sees every element
 * published before it; element stores are release stores and loads are acquire loads, so an element a reader
 * sees was completely written.
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
    return chunk < c.length && (index & MASK) < c[chunk].length
        ? (int) ELEMENT.getAcquire(c[chunk], index & MASK) : missing;
  }

  /** Writer only. */
  void setRelease(int index, int value) {
    ensure(index);
    ELEMENT.setRelease(chunks[index >>> SHIFT], index & MASK, value);
  }

  private void ensure(int index) {
    int chunk = index >>> SHIFT;
    int[][] c = chunks;
    if (chunk < c.length && (index & MASK) < c[chunk].length) {
      return;
    }
    int[][] grown = Arrays.copyOf(c, FirstChunk.tableLengthFor(chunk, c.length));
    int firstLength = FirstChunk.lengthFor(index, CHUNK);
    if (c.length == 0 || c[0].length < firstLength) {
      grown[0] = newChunk(firstLength);
      if (c.length > 0) {
        System.arraycopy(c[0], 0, grown[0], 0, c[0].length);
      }
    }
    for (int i = Math.max(1, c.length); i < grown.length; i++) {
      grown[i] = newChunk(CHUNK);
    }
    chunks = grown; // a new table: a reader holding the old one keeps a first chunk with what it held
  }

  private int[] newChunk(int length) {
    int[] chunk = new int[length];
    if (initial != 0) {
      Arrays.fill(chunk, initial);
    }
    return chunk;
  }

  long heapBytes() {
    long bytes = 0;
    for (int[] chunk : chunks) {
      bytes += chunk.length * 4L + 16;
    }
    return bytes;
  }
}
