package dev.aeon.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The flusher's idle waits counted by how soon its writers came back ({@link FlusherStats#RETURN_BOUNDS_MICROS}).
 * The flusher thread alone counts (a plain read and a release store, no atomic add); others read the counts at any
 * time, each one as it was at some moment.
 */
final class ReturnClasses {

  private static final long[] BOUNDS_NANOS =
      FlusherStats.RETURN_BOUNDS_MICROS.stream().mapToLong(m -> m * 1_000).toArray();

  private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_NANOS.length + 1);

  /** Counts a return {@code nanos} after the wait began (flusher thread only). */
  void count(long nanos) {
    int i = 0;
    while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
      i++;
    }
    counts.setRelease(i, counts.getPlain(i) + 1);
  }

  List<Long> counts() {
    List<Long> out = new ArrayList<>(counts.length());
    for (int i = 0; i < counts.length(); i++) {
      out.add(counts.getAcquire(i));
    }
    return out;
  }
}
