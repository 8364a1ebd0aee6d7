package dev.aeon.blob;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongConsumer;

/**
 * Maps blob ids (refs) to frame offsets in one generation: the indirection that keeps refs stable across
 * garbage collections. Pages of 1,024 offsets (8 KiB, what a namespace of a few texts holds); a page with no
 * live blob is absent, so memory follows the live set, not the number of ids ever handed out. Offset 0 means
 * "no such blob".
 *
 * <p>One writer (the arena's write lock holder) mutates; readers look up without locks. A reader only asks for
 * ids it learned after their {@code put} returned, which orders the page and entry writes before its reads.
 */
final class RefTable {

  private static final int PAGE_BITS = 10;
  private static final int PAGE_SIZE = 1 << PAGE_BITS;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

  private volatile long[][] pages = new long[16][];
  private long size;

  long get(long id) {
    if (id < 1) {
      return 0;
    }
    long[][] p = pages;
    long pageIndex = id >>> PAGE_BITS;
    if (pageIndex >= p.length) {
      return 0;
    }
    long[] page = p[(int) pageIndex];
    return page == null ? 0 : (long) SLOT.getAcquire(page, (int) (id & (PAGE_SIZE - 1)));
  }

  void put(long id, long offset) {
    long pageIndex = id >>> PAGE_BITS;
    if (pageIndex > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("blob id space exhausted at " + id);
    }
    long[][] p = pages;
    if (pageIndex >= p.length) {
      long[][] grown = new long[(int) Math.max(pageIndex + 1, p.length * 2L)][];
      System.arraycopy(p, 0, grown, 0, p.length);
      pages = p = grown;
    }
    long[] page = p[(int) pageIndex];
    if (page == null) {
      page = new long[PAGE_SIZE];
      p[(int) pageIndex] = page;
      pages = p; // republish so readers see the new page
    }
    int slot = (int) (id & (PAGE_SIZE - 1));
    if ((long) SLOT.get(page, slot) == 0) {
      size++;
    }
    SLOT.setRelease(page, slot, offset);
  }

  /** Forgets {@code id}; returns the offset it had, or 0. Empty pages stay until the next collection. */
  long remove(long id) {
    long offset = get(id);
    if (offset != 0) {
      long[] page = pages[(int) (id >>> PAGE_BITS)];
      SLOT.setRelease(page, (int) (id & (PAGE_SIZE - 1)), 0L);
      size--;
    }
    return offset;
  }

  /** Number of ids present. */
  long size() {
    return size;
  }

  /** Calls {@code action} with every present id, ascending. Writer side only. */
  void forEachId(LongConsumer action) {
    forEachIdAbove(Long.MIN_VALUE, action);
  }

  /**
   * Calls {@code action} with every present id above {@code id}, ascending; skips the pages below. Writer side only.
   */
  void forEachIdAbove(long id, LongConsumer action) {
    long[][] p = pages;
    for (long i = Math.max(0, id) >>> PAGE_BITS; i < p.length; i++) {
      long[] page = p[(int) i];
      if (page == null) {
        continue;
      }
      for (int j = 0; j < PAGE_SIZE; j++) {
        long present = (i << PAGE_BITS) | j;
        if (page[j] != 0 && present > id) {
          action.accept(present);
        }
      }
    }
  }
}
