package dev.aeon.bench.contention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void nearestRankPercentilesOfOneToThousand() {
    Latencies a = new Latencies();
    Latencies b = new Latencies();
    for (int i = 1000; i >= 1; i--) {
      (i % 2 == 0 ? a : b).add(i * 1000L);
    }
    a.merge(b);
    assertEquals(1000, a.count());
    assertEquals(500_000, a.percentileNanos(0.50));
    assertEquals(990_000, a.percentileNanos(0.99));
    assertEquals(999_000, a.percentileNanos(0.999));
    assertEquals(1_000_000, a.percentileNanos(1.0));
    assertEquals(500.5, a.meanMicros(), 1e-9);
    a.add(1); // unsorted again after an add
    assertEquals(1, a.percentileNanos(0.0));
  }

  @Test
  void emptyGivesNullInReports() {
    Latencies l = new Latencies();
    assertEquals(Double.NaN, l.percentileNanos(0.5));
    assertNull(l.summaryMicros().get("p99_us"));
  }
}
