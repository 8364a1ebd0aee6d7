package dev.aeon.bench.util;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.DoubleStream;

/** Summaries of latencies in milliseconds, for the benches' reports. */
public final class Latencies {

  private Latencies() {}

  /** count, p50, p99 and max, rounded to hundredths. */
  public static Map<String, Object> summary(double[] ms) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("count", ms.length);
    s.put("p50", BenchReport.round(median(ms), 2));
    s.put("p99", BenchReport.round(percentile(ms, 0.99), 2));
    s.put("max", BenchReport.round(max(ms), 2));
    return s;
  }

  public static double median(double[] values) {
    return percentile(values, 0.5);
  }

  /** The nearest-rank percentile ({@code p} in (0, 1]); 0 for no values. */
  public static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return 0;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1)];
  }

  public static double max(double[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  /**
   * The latencies of a closed loop (one writer that issues its next operation when the last returns) as a
   * client issuing one every {@code intervalMs} would have seen them. While an operation of {@code L} ms ran,
   * such a client would have issued {@code L / interval - 1} more, which waited behind it {@code L - interval},
   * {@code L - 2 interval}, ... ms; the closed loop issued none, so its percentiles count a stall once, however
   * long it was (coordinated omission). This adds those waits, as HdrHistogram's
   * {@code recordValueWithExpectedInterval} does. No interval (0 or NaN): the latencies as they are.
   */
  public static double[] atFixedRate(double[] ms, double intervalMs) {
    if (!(intervalMs > 0)) {
      return ms.clone();
    }
    DoubleStream.Builder all = DoubleStream.builder();
    for (double l : ms) {
      all.add(l);
      for (double missed = l - intervalMs; missed >= intervalMs; missed -= intervalMs) {
        all.add(missed);
      }
    }
    return all.build().toArray();
  }
}
