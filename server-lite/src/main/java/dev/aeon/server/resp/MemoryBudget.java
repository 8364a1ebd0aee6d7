package dev.aeon.server.resp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request data the whole server may hold at once, shared by every connection. A decoder reserves
 * before it allocates, so a thousand clients each announcing a 64 MiB bulk and then stalling cost what
 * they actually sent, and never more than this budget in total.
 */
public final class MemoryBudget {

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public MemoryBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("memory budget must be positive: " + limit);
    }
    this.limit = limit;
  }

  /** Reserves {@code bytes}; returns false (reserving nothing) when that would pass the limit. */
  public boolean tryReserve(long bytes) {
    long cur;
    do {
      cur = used.get();
      if (cur + bytes > limit) {
        return false;
      }
    } while (!used.compareAndSet(cur, cur + bytes));
    return true;
  }

  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
