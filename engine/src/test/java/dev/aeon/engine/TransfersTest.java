package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.FailingLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exports and imports in flight, as an {@code Aeon}'s close stops them and waits for them. */
class TransfersTest {

  /**
   * A close that has waited its time for a transfer that does not end (a step that never returns), and cannot warn of
   * it (a log handler that throws, or memory run out as the line is made), returns all the same: the log handler's
   * failure was thrown out of the wait, and so out of {@code Aeon.close} before it closed any namespace or released
   * the directory; each later close waited its 2 minutes again and threw again.
   */
  @Test
  void aCloseWhoseWarningOfATransferCannotBeLoggedReturnsAllTheSame() throws Exception {
    Transfers transfers = new Transfers();
    transfers.timeout = Duration.ZERO; // the 2 minutes are up at once
    CountDownLatch begun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread transfer = Thread.ofPlatform().start(() -> {
      transfers.begin();
      try {
        begun.countDown();
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        transfers.end();
      }
    });
    try (FailingLog broken = FailingLog.of(Transfers.class)) {
      begun.await();
      transfers.closeAndAwait();
      assertEquals(1, broken.threads().size(), "no warning was tried");
    } finally {
      release.countDown();
      transfer.join();
    }
    assertTrue(transfers.closing());
    assertEquals("this Aeon is closed", assertThrows(IllegalStateException.class, transfers::begin).getMessage());
  }
}
