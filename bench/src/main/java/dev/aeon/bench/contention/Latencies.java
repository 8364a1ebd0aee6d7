package dev.aeon.bench.contention;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recorded durations (nanoseconds) of one kind of operation, with exact percentiles. One instance per
 * thread while recording (it is not thread-safe); {@link #merge} combines them afterwards.
 */
public final class Latencies {

  private long[] values = new long[1024];
  private int size;
  private boolean sorted;

  public void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
    sorted = false;
  }

  public void merge(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  public int count() {
    return size;
  }

  public double meanNanos() {
    long sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[i];
    }
    return size == 0 ? Double.NaN : (double) sum / size;
  }

  /** The value below which a fraction {@code p} of the recorded values lie (nearest rank); NaN if empty. */
  public double percentileNanos(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(p * size);
    return values[Math.clamp(rank - 1, 0, size - 1)];
  }

  public double percentileMicros(double p) {
    return percentileNanos(p) / 1e3;
  }

  public double meanMicros() {
    return meanNanos() / 1e3;
  }

  /** {@code {"count", "mean_us", "p50_us", "p99_us", "p999_us", "max_us"}}, rounded to 0.1 µs. */
  public Map<String, Object> summaryMicros() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", size);
    m.put("mean_us", round1(meanMicros()));
    m.put("p50_us", round1(percentileMicros(0.50)));
    m.put("p99_us", round1(percentileMicros(0.99)));
    m.put("p999_us", round1(percentileMicros(0.999)));
    m.put("max_us", round1(percentileMicros(1.0)));
    return m;
  }

  /** Rounded to 0.1, or null (JSON null) for NaN. */
  public static Double round1(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
  }
}
