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
  /** Set for good by a slot whose event is older than the one before it; written before that slot is published. */
  private volatile boolean outOfTimeOrder;
  private long lastTs; // writer only

  /**
   * Writer only; {@code slot} must be larger than every slot already in the list, {@code ts} is its event's
   * timestamp.
   */
  void add(int slot, long ts) {
    int n = size;
    if (n > 0 && ts < lastTs) {
      outOfTimeOrder = true;
    }
    lastTs = ts;
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

  /**
   * Whether the slots, as many as {@link #size()} read before this call, were appended in timestamp order: each
   * event at or after the one before it (forgotten ones included), as a conversation's are.
   */
  public boolean inTimeOrder() {
    return !outOfTimeOrder;
  }

  /** The slot at {@code index < size()} (as read before). */
  public int get(int index) {
    return slots[index];
  }

  long heapBytes() {
    return 48 + 4L * slots.length;
  }
}
