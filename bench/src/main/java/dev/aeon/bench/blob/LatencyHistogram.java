package dev.aeon.bench.blob;

/**
 * Allocation-free latency histogram for one thread: 1 ns buckets up to 64 µs, then power-of-two buckets
 * (a percentile that lands there is reported as its bucket's upper bound). Merge per-thread histograms.
 */
final class LatencyHistogram {

  private static final int LINEAR = 1 << 16;
  private final long[] linear = new long[LINEAR];
  private final long[] log = new long[64];
  private long count;

  void record(long nanos) {
    if (nanos < LINEAR) {
      linear[(int) Math.max(0, nanos)]++;
    } else {
      log[63 - Long.numberOfLeadingZeros(nanos)]++;
    }
    count++;
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < LINEAR; i++) {
      linear[i] += other.linear[i];
    }
    for (int i = 0; i < log.length; i++) {
      log[i] += other.log[i];
    }
    count += other.count;
  }

  long count() {
    return count;
  }

  /** The latency at quantile {@code q} (0..1) in nanoseconds. */
  long percentile(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * count);
    long seen = 0;
    for (int i = 0; i < LINEAR; i++) {
      seen += linear[i];
      if (seen >= rank) {
        return i;
      }
    }
    for (int i = 0; i < log.length; i++) {
      seen += log[i];
      if (seen >= rank) {
        return (1L << (i + 1)) - 1;
      }
    }
    return Long.MAX_VALUE;
  }
}
