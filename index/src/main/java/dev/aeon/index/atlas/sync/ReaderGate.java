package dev.aeon.index.atlas.sync;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Epoch-style reclamation for any number of readers: readers {@link #enter} and {@link #exit} around
 * every access to shared pages; once pages or slots are unlinked so that no new reader can reach them,
 * a call to {@link #synchronize} (by the writer, or by a flush's commit) returns when every reader that
 * might still hold them has left. Only then may they be reused.
 *
 * <p>Two epochs alternate. A reader reads the global epoch, counts itself in that epoch's counter and
 * re-reads the epoch; if the epoch moved meanwhile it backs out and retries, so it never counts itself
 * in an epoch the writer is already draining. Counters are striped by thread id and padded to a cache
 * line each, so readers on different cores do not share a line. {@code synchronize} flips the epoch and
 * waits for the old epoch's counters to drain; readers are short (one search), so the wait is too.
 */
public final class ReaderGate {

  private static final int STRIPES = 32;
  private static final int PAD = 16; // longs per stripe: 128 bytes, two cache lines against adjacent prefetch
  private final AtomicLongArray counters = new AtomicLongArray(2 * STRIPES * PAD);
  private volatile long epoch;

  /** Enters a read; returns the token to pass to {@link #exit}. */
  public int enter() {
    int stripe = (int) (Thread.currentThread().threadId() & (STRIPES - 1));
    while (true) {
      long e = epoch;
      int index = index((int) (e & 1), stripe);
      counters.getAndIncrement(index);
      if (epoch == e) {
        return index;
      }
      counters.getAndDecrement(index);
    }
  }

  public void exit(int token) {
    counters.getAndDecrement(token);
  }

  /**
   * Waits until every reader that entered before this call has exited. Never inside a read. Calls are
   * serialised: a second flip while the first waits would leave the readers of the first epoch unwaited for.
   */
  public synchronized void synchronize() {
    long e = epoch;
    epoch = e + 1;
    int parity = (int) (e & 1);
    for (int spins = 0; activeIn(parity) != 0; spins++) {
      if (spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  private long activeIn(int parity) {
    long sum = 0;
    for (int s = 0; s < STRIPES; s++) {
      sum += counters.get(index(parity, s));
    }
    return sum;
  }

  private static int index(int parity, int stripe) {
    return (parity * STRIPES + stripe) * PAD;
  }
}
