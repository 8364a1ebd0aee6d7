package dev.aeon.common.ebr;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Hands every reader thread its own cell in a {@code long[]} and finds the oldest epoch any live reader is in.
 *
 * <p>Cells live in chunks of {@link #CHUNK_SLOTS} slots, {@code stride} longs apart: with a stride of 16
 * (128 bytes) no two readers share a cache line (nor an adjacent-line prefetch pair), so a reader's store on
 * enter does not invalidate another reader's line. Slots of threads that died are recycled.
 *
 * <p>A live thread keeps its slot for good, even if it asks again: {@link Epochs} keeps each thread's guard in a
 * thread local, and some threads erase their thread locals (the common {@code ForkJoinPool}'s workers do after
 * every task), so a thread's next enter comes here again and must get the guard it had.
 */
final class SlotRegistry {

  static final int CHUNK_SLOTS = 64;

  private record Slot(long[] cells, int index, WeakReference<Thread> owner) {}

  private final int stride;
  private final List<Slot> slots = new ArrayList<>();
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  /** The guard of each thread that claimed one and has not been seen dead; weak keys, as in {@link Slot}. */
  private final Map<Thread, Guard> guards = new WeakHashMap<>();
  private long[] chunk;
  private int usedInChunk = CHUNK_SLOTS;
  /** {@link #claim} looks for slots of dead owners once there are this many slots (see there). */
  private int sweepAt;
  /** Slots looked at by sweeps so far (tests only). */
  private long looks;

  SlotRegistry(int stride) {
    if (stride < 1) {
      throw new IllegalArgumentException("stride must be at least 1, got " + stride);
    }
    this.stride = stride;
  }

  /** Gives the calling thread a slot: a recycled one if a former owner died, else a new cell. */
  synchronized Guard claim() {
    Thread current = Thread.currentThread();
    Guard had = guards.get(current);
    if (had != null) { // its thread local was erased: a new slot would never be recycled, the thread being alive
      return had;
    }
    // Look for dead owners only when the slots have doubled since the last look: a look at every claim made
    // the first enters of N live threads (a server's connections) cost N * N / 2 looks under this lock.
    if (free.isEmpty() && slots.size() >= sweepAt) {
      releaseDeadOwners();
      sweepAt = 2 * slots.size();
    }
    Slot recycled = free.poll();
    long[] cells;
    int index;
    if (recycled != null) {
      cells = recycled.cells();
      index = recycled.index();
    } else {
      if (usedInChunk == CHUNK_SLOTS) {
        chunk = new long[CHUNK_SLOTS * stride + stride]; // one stride of head padding too
        usedInChunk = 0;
      }
      cells = chunk;
      index = stride + usedInChunk++ * stride;
    }
    Guard.CELLS.setVolatile(cells, index, Guard.IDLE);
    slots.add(new Slot(cells, index, new WeakReference<>(current)));
    Guard g = new Guard(cells, index);
    guards.put(current, g);
    return g;
  }

  /**
   * The smallest epoch a live reader published, or {@code Long.MAX_VALUE} if no reader is inside a guard.
   * A thread that died inside a guard cannot read any more and does not count.
   */
  synchronized long minActiveEpoch() {
    long min = Long.MAX_VALUE;
    for (Slot s : slots) {
      long e = (long) Guard.CELLS.getVolatile(s.cells(), s.index());
      if (e != Guard.IDLE && isAlive(s)) {
        min = Math.min(min, e);
      }
    }
    return min;
  }

  /** The live thread inside a guard since the smallest epoch, or null if none is. */
  synchronized Thread oldestReader() {
    long min = Long.MAX_VALUE;
    Thread oldest = null;
    for (Slot s : slots) {
      long e = (long) Guard.CELLS.getVolatile(s.cells(), s.index());
      Thread owner = s.owner().get();
      if (e != Guard.IDLE && e < min && owner != null && owner.isAlive()) {
        min = e;
        oldest = owner;
      }
    }
    return oldest;
  }

  synchronized int size() {
    return slots.size();
  }

  synchronized long looksAtOwners() {
    return looks;
  }

  private void releaseDeadOwners() {
    looks += slots.size();
    for (int i = slots.size() - 1; i >= 0; i--) {
      Slot s = slots.get(i);
      if (!isAlive(s)) {
        Thread dead = s.owner().get();
        if (dead != null) {
          guards.remove(dead); // its guard now names a slot another thread may get
        }
        slots.set(i, slots.getLast());
        slots.removeLast();
        free.add(s);
      }
    }
  }

  private static boolean isAlive(Slot s) {
    Thread t = s.owner().get();
    return t != null && t.isAlive();
  }
}
