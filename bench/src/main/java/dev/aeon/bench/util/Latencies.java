package dev.aeon.bench.util;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
}
