package dev.aeon.bench.locomo;

import java.util.Arrays;

/** Recorded durations of one operation, reported as percentiles in microseconds. */
final class Latencies {

  private long[] nanos = new long[1024];
  private int size;

  void add(long durationNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = durationNanos;
  }

  int count() {
    return size;
  }

  /** The p-th percentile (0 < p <= 100) in microseconds, nearest-rank; 0 if nothing was recorded. */
  double percentileMicros(double p) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size, rank) - 1)] / 1000.0;
  }
}
