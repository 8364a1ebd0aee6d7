package dev.aeon.index.atlas.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A growable bitset over sidecar slots with one writer and lock-free readers (release stores, acquire
 * loads). Atlas keeps its tombstones here: a deleted vector's slot is set before {@code remove}
 * returns, and every search checks candidates against it. Growth copies the words and publishes the
 * copy through a volatile field.
 */
public final class SlotBits {

  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
  private volatile long[] words = new long[16];
  /** Written by the writer only; volatile so that readers may ask {@link #isEmpty} without the bits. */
  private volatile int cardinality;

  public boolean get(int slot) {
    long[] w = words;
    int i = slot >>> 6;
    return i < w.length && (((long) WORDS.getAcquire(w, i)) & (1L << slot)) != 0;
  }

  /** Sets a bit. Writer only. */
  public void set(int slot) {
    long[] w = words;
    int i = slot >>> 6;
    if (i >= w.length) {
      w = Arrays.copyOf(w, Math.max(i + 1, w.length * 2));
      words = w;
    }
    long old = w[i];
    if ((old & (1L << slot)) == 0) {
      cardinality++;
      WORDS.setRelease(w, i, old | (1L << slot));
    }
  }

  /** Clears a bit. Writer only. */
  public void clear(int slot) {
    long[] w = words;
    int i = slot >>> 6;
    if (i < w.length && (w[i] & (1L << slot)) != 0) {
      cardinality--;
      WORDS.setRelease(w, i, w[i] & ~(1L << slot));
    }
  }

  public int cardinality() {
    return cardinality;
  }

  /** True if no bit is set (as of the last set or clear this thread can see). */
  public boolean isEmpty() {
    return cardinality == 0;
  }

  /**
   * A copy of the words that hold the bits, as the writer left them (the writer's call, or one that no writer runs
   * beside): a flush's snapshot takes it under the writer's lock, a copy of a bit per slot, and builds the
   * manifest's bitmap from it after the lock ({@code BitSetUtil.bitmapOf}).
   */
  public long[] words() {
    return words.clone();
  }
}
