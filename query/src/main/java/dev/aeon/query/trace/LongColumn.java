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
    if (chunk >= c.length) {
      c = Arrays.copyOf(c, Math.max(chunk + 1, c.length * 2));
      for (int i = chunks.length; i < c.length; i++) {
        c[i] = new long[CHUNK];
      }
      chunks = c;
    }
    ELEMENT.setRelease(c[chunk], index & MASK, value);
  }

  long heapBytes() {
    return (long) chunks.length * (CHUNK * 8L + 16);
  }
}
