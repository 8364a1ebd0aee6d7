package dev.aeon.bench.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void nearestRankPercentiles() {
    double[] ms = new double[100];
    Arrays.setAll(ms, i -> 100 - i); // 100 down to 1, unsorted for the method
    assertEquals(50, Latencies.median(ms));
    assertEquals(99, Latencies.percentile(ms, 0.99));
    assertEquals(100, Latencies.max(ms));
  }

  /**
   * A writer at 1 ms per write, held once for 100 ms among 999 ordinary writes: the closed loop records the
   * hold once, so its p99 is an ordinary write; a writer issuing one write a millisecond would have had 99
   * more writes wait behind the hold, 99 down to 1 ms, and its p99 shows the hold.
   */
  @Test
  void aStallCountsForTheWritesAFixedRateWouldHaveIssuedDuringIt() {
    double[] closedLoop = new double[1000];
    Arrays.fill(closedLoop, 1.0);
    closedLoop[500] = 100.0;
    assertEquals(1.0, Latencies.percentile(closedLoop, 0.99));

    double[] fixedRate = Latencies.atFixedRate(closedLoop, 1.0);
    assertEquals(1000 + 99, fixedRate.length); // and 99, 98, ..., 1 ms
    assertEquals(100.0, Latencies.max(fixedRate));
    assertEquals(90.0, Latencies.percentile(fixedRate, 0.99)); // rank 1,089 of 1,099: 1,000 of 1 ms, then 2..100
  }

  @Test
  void operationsWithinTheIntervalAddNothing() {
    double[] ms = {0.5, 1.0, 1.9};
    assertArrayEquals(ms, Latencies.atFixedRate(ms, 1.0));
    assertArrayEquals(ms, Latencies.atFixedRate(ms, 0));
    assertArrayEquals(ms, Latencies.atFixedRate(ms, Double.NaN));
  }
}
