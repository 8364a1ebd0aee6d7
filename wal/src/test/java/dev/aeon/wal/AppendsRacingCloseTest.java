package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers append (waiting or not, syncing now and then) to small segments and a small ring while another
 * thread closes the log at a point a seed picks, in each durability mode. Every append that returned a future is
 * in the reopened log at its LSN, with its payload, once; LSNs are dense; one writer's records keep its order; an
 * append that loses the race to close is refused with IllegalStateException; nothing hangs (every wait is bounded).
 */
class AppendsRacingCloseTest {

  private static final long BOUND_SECONDS = 60;
  private static final int WRITERS = 6;
  private static final int ROUNDS = 5;

  @TempDir
  Path dir;

  /** What one writer got: the payloads of its appends in its order, with their futures (null: refused). */
  private record Appended(List<byte[]> payloads, List<CompletableFuture<Long>> futures, List<Throwable> problems) {}

  @Test
  void everyAppendThatReturnedIsInTheReopenedLogOnceInOrderAndTheRestAreRefused() throws Exception {
    long seed = Long.getLong("aeon.test.seed", 20261206L);
    Random seeds = new Random(seed);
    for (Durability mode : Durability.values()) {
      for (int round = 0; round < ROUNDS; round++) {
        long roundSeed = seeds.nextLong();
        round(dir.resolve(mode + "-" + round), mode, roundSeed, mode + " round " + round + " (seed " + roundSeed
            + ", from -Daeon.test.seed=" + seed + ")");
      }
    }
  }

  private static void round(Path dir, Durability mode, long seed, String what) throws Exception {
    Random random = new Random(seed);
    WalOptions options = WalTest.small().durability(mode).ringSize(8).asyncForceIntervalMillis(1);
    Wal wal = Wal.open(dir, options);
    AtomicLong returned = new AtomicLong();
    long closeAfter = random.nextInt(1500);
    List<Appended> writers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Appended mine = new Appended(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      writers.add(mine);
      int id = w;
      long writerSeed = random.nextLong();
      threads.add(Thread.ofPlatform().name("writer-" + w).start(() -> write(wal, id, new Random(writerSeed), mine,
          returned)));
    }
    Throwable[] closeFailure = new Throwable[1];
    Thread closer = Thread.ofPlatform().name("closer").start(() -> {
      try {
        while (returned.get() < closeAfter && threads.stream().anyMatch(Thread::isAlive)) {
          Thread.onSpinWait();
        }
        wal.close();
      } catch (Throwable t) {
        closeFailure[0] = t;
      }
    });
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      assertFalse(t.isAlive(), what + ": " + t.getName() + " hangs");
    }
    closer.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    assertFalse(closer.isAlive(), what + ": close hangs");
    assertNull(closeFailure[0], what + ": close failed: " + closeFailure[0]);
    assertNull(wal.failure(), what);
    assertEquals(wal.lastLsn(), wal.durableLsn(), what + ": close forced every record (in every mode)");

    Map<Long, byte[]> expected = new HashMap<>();
    for (int w = 0; w < WRITERS; w++) {
      Appended mine = writers.get(w);
      assertEquals(List.of(), mine.problems(), what + ": writer " + w);
      long previous = 0;
      for (int i = 0; i < mine.futures().size(); i++) {
        CompletableFuture<Long> f = mine.futures().get(i);
        // close waited for every record appended before it: each future is complete, none failed
        assertTrue(f.isDone(), what + ": writer " + w + "'s record " + i + " is not complete after close");
        long lsn = f.join();
        assertTrue(lsn > previous, what + ": writer " + w + "'s records keep its order");
        previous = lsn;
        assertNull(expected.put(lsn, mine.payloads().get(i)), what + ": LSN " + lsn + " given twice");
      }
    }
    try (Wal again = Wal.open(dir, options)) {
      assertEquals(expected.size(), again.lastLsn(), what + ": the log holds exactly the appends that returned");
      List<Object[]> records = WalTest.replayAll(again, 0);
      assertEquals(expected.size(), records.size(), what);
      for (int i = 0; i < records.size(); i++) {
        long lsn = (long) records.get(i)[0];
        assertEquals(i + 1L, lsn, what + ": LSNs are dense");
        assertArrayEquals(expected.get(lsn), (byte[]) records.get(i)[2], what + ": the payload at LSN " + lsn);
      }
    }
  }

  /** Appends until the log refuses; records what it got and anything unexpected. */
  private static void write(Wal wal, int id, Random random, Appended mine, AtomicLong returned) {
    for (int i = 0; ; i++) {
      byte[] payload = (id + ":" + i + ":" + "x".repeat(random.nextInt(300))).getBytes(StandardCharsets.UTF_8);
      int op = random.nextInt(20);
      try {
        if (op == 0) {
          wal.sync();
          continue;
        }
        CompletableFuture<Long> f = wal.append((byte) id, payload);
        mine.payloads().add(payload);
        mine.futures().add(f);
        returned.incrementAndGet();
        if (op < 10) {
          f.get(BOUND_SECONDS, TimeUnit.SECONDS); // waits as appendAndWait does, but bounded
        }
      } catch (IllegalStateException e) {
        if (!e.getMessage().endsWith("the WAL is closed")) {
          mine.problems().add(e);
        }
        // closed stays closed
        Throwable again = assertThrows(IllegalStateException.class, () -> wal.append((byte) id, payload));
        if (!again.getMessage().endsWith("the WAL is closed")) {
          mine.problems().add(again);
        }
        return;
      } catch (TimeoutException e) {
        mine.problems().add(new AssertionError("an acknowledgement took more than " + BOUND_SECONDS + " s", e));
        return;
      } catch (Throwable t) {
        mine.problems().add(t);
        return;
      }
    }
  }
}
