package dev.aeon.common.ebr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The background reclaimer that several {@link Epochs} domains share. */
class ReclaimerTest {

  /**
   * One domain whose resource throws an Error as it closes does not end the reclamation of the others: the
   * thread they share used to die of it, and their retired resources then waited for a batch or their close.
   */
  @Test
  void anErrorClosingOneDomainsResourceLeavesTheSharedThreadServingTheOthers() throws Exception {
    try (Reclaimer shared = new Reclaimer(Duration.ofMillis(5))) {
      Epochs faulty = new Epochs(Epochs.Config.defaults(), shared);
      Epochs healthy = new Epochs(Epochs.Config.defaults(), shared);
      try {
        faulty.retire(() -> {
          throw new AssertionError("a bug in a resource's close");
        });
        for (long deadline = System.nanoTime() + 10_000_000_000L; faulty.pending() > 0; Thread.sleep(1)) {
          assertTrue(System.nanoTime() < deadline, "the faulty resource was not reclaimed in the background");
        }
        CountDownLatch closed = new CountDownLatch(1);
        healthy.retire(closed::countDown);
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the other domain is no longer reclaimed in the background");
      } finally {
        faulty.close();
        healthy.close();
      }
    }
  }
}
