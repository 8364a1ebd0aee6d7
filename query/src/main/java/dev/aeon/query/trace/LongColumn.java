package dev.aeon.query.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/** The long twin of {@link IntColumn}: one writer, lock-free readers, growth by whole chunks. */
final class LongColumn {

  private static final int SHIFT = 14;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

  private volatile long[][] chunks = new long[0][];

  long getAcquire(int index) {
    return (long) ELEMENT.getAcquire(chunks[index >>> SHIFT], index & MASK);
  }

  /** Writer only. */
  void setRelease(int index, long value) {
    int chunk = index >>> SHIFT;
    long[][] c = chunks;
    if (chunk >= c.length || (index & MASK) >= c[chunk].length) {
      long[][] grown = Arrays.copyOf(c, FirstChunk.tableLengthFor(chunk, c.length));
      int firstLength = FirstChunk.lengthFor(index, CHUNK);
      if (c.length == 0 || c[0].length < firstLength) {
        grown[0] = c.length == 0 ? new long[firstLength] : Arrays.copyOf(c[0], firstLength);
      }
      for (int i = Math.max(1, c.length); i < grown.length; i++) {
        grown[i] = new long[CHUNK];
      }
      chunks = c = grown;
    }
    ELEMENT.setRelease(c[chunk], index & MASK, value);
  }

  long heapBytes() {
    long bytes = 0;
    for (long[] chunk : chunks) {
      bytes += chunk.length * 8L + 16;
    }
    return bytes;
  }
}
