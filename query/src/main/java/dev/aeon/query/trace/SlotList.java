package dev.aeon.query.trace;

import java.util.Arrays;

/**
 * The slots of one session or one role, in increasing order (slots are handed out in append order).
 * One writer appends; readers read {@link #size()} first and then any element below it without a lock:
 * the array is replaced, never shrunk, and a replacement holds every element already published.
 */
public final class SlotList {

  private volatile int[] slots = new int[4];
  private volatile int size;

  /** Writer only; {@code slot} must be larger than every slot already in the list. */
  void add(int slot) {
    int n = size;
    int[] a = slots;
    if (n == a.length) {
      a = Arrays.copyOf(a, n + (n >> 1) + 4);
      slots = a;
    }
    a[n] = slot;
    size = n + 1;
  }

  /** How many slots are published; read it before reading elements. */
  public int size() {
    return size;
  }

  /** The slot at {@code index < size()} (as read before). */
  public int get(int index) {
    return slots[index];
  }

  long heapBytes() {
    return 32 + 4L * slots.length;
  }
}
