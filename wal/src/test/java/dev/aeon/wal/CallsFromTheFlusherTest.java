package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener, and a callback of an append's future, run on the flusher thread: a call from there into the log
 * that writes or waits would wait for that very thread. Each such call is refused with IllegalStateException;
 * each deadlocked the log before (the future never completed, nor did close), once a second record was
 * appended while the first one's listener ran, or, for a plain append, once the ring was full.
 */
class CallsFromTheFlusherTest {

  /** Bounds every wait here: a deadlocked log fails the test instead of hanging the build. */
  private static final long BOUND_SECONDS = 30;
  private static final int RING = 8;

  @TempDir
  Path dir;

  /** A call into the log, as a listener or a future's callback would make it. */
  private interface Call {
    void on(Wal wal) throws Exception;
  }

  private static final List<Call> CALLS = List.of(
      wal -> wal.appendAndWait((byte) 1, new byte[1]),
      wal -> {
        for (int i = 0; i < RING; i++) { // one more than the ring's free slots
          wal.append((byte) 1, new byte[1]);
        }
      },
      Wal::sync,
      wal -> wal.checkpoint(2),
      wal -> wal.checkpoint(2, true),
      Wal::close);

  @Test
  void aListenerThatCallsIntoTheLogIsRefusedInsteadOfDeadlockingIt() throws Exception {
    for (Durability mode : Durability.values()) {
      for (int c = 0; c < CALLS.size(); c++) {
        check(dir.resolve(mode + "-listener-" + c), mode, false, CALLS.get(c), mode + ", listener call " + c);
      }
    }
  }

  @Test
  void aFutureCallbackOnTheFlusherThreadThatCallsIntoTheLogIsRefused() throws Exception {
    for (int c = 0; c < CALLS.size(); c++) {
      check(dir.resolve("callback-" + c), Durability.SYNC, true, CALLS.get(c), "callback call " + c);
    }
  }

  /**
   * Appends record 1, whose listener waits until record 2 is appended (so that record 2 is not written yet
   * when the call runs), then makes {@code call} from the listener or from a callback of record 1's future.
   */
  private static void check(Path dir, Durability mode, boolean fromCallback, Call call, String what)
      throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch secondAppended = new CountDownLatch(1);
    Wal[] log = new Wal[1];
    WalOptions options = WalTest.small().durability(mode).ringSize(RING).listener((lsn, type, payload) -> {
      if (lsn != 1) {
        return;
      }
      inListener.countDown();
      try {
        if (!secondAppended.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("record 2 was not appended in time");
        }
        if (!fromCallback) {
          call.on(log[0]);
        }
      } catch (IllegalStateException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("unexpected: " + e, e);
      }
    });
    Wal wal = Wal.open(dir, options);
    log[0] = wal;
    CompletableFuture<?> first = wal.append((byte) 1, new byte[1]);
    if (fromCallback) {
      first = first.thenAccept(lsn -> { // registered before the listener lets record 1 complete: on the flusher
        try {
          call.on(wal);
        } catch (IllegalStateException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException("unexpected: " + e, e);
        }
      });
    }
    assertTrue(inListener.await(BOUND_SECONDS, TimeUnit.SECONDS), what);
    CompletableFuture<Long> second = wal.append((byte) 1, new byte[1]);
    secondAppended.countDown();
    // On failure the log is left open: a deadlocked one would not close.
    assertRefused(first, what);
    assertEquals(2, bounded(second, what + ": the log is stuck after the refused call"));
    assertEquals(3, bounded(wal.append((byte) 1, new byte[1]), what + ": the log is stuck after the refused call"));
    assertNull(wal.failure(), what);
    assertEquals(0, wal.checkpointLsn(), what + ": the refused checkpoint wrote nothing");
    wal.close();
    try (Wal again = Wal.open(dir, WalTest.small())) {
      assertEquals(3, again.lastLsn(), what + ": a refused call appended nothing");
    }
  }

  /** The future fails, within the bound, with the refusal that names the flusher thread. */
  private static void assertRefused(CompletableFuture<?> future, String what) throws InterruptedException {
    try {
      future.get(BOUND_SECONDS, TimeUnit.SECONDS);
      fail(what + ": the call from the flusher thread was not refused");
    } catch (TimeoutException e) {
      fail(what + ": the log deadlocked (no completion within " + BOUND_SECONDS + " s)");
    } catch (ExecutionException e) {
      IllegalStateException refused = assertInstanceOf(IllegalStateException.class, e.getCause(), what);
      assertTrue(refused.getMessage().contains("flusher thread"), what + ": " + refused.getMessage());
    }
  }

  private static long bounded(CompletableFuture<Long> future, String what) throws Exception {
    try {
      return future.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail(what);
    }
  }
}
