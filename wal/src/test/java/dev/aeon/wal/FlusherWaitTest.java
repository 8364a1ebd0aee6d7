package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the flusher waits: on an empty ring (a paced writer never makes it spin, and no record waits for a
 * wake-up), and before a SYNC force for the writers its last batch released.
 */
class FlusherWaitTest {

  @TempDir
  Path dir;

  /**
   * A writer that pauses after each acknowledgement comes back well after the spin window: the flusher blocks at
   * once after every batch rather than burn the window on a core others need. The pause is 5 ms, not the 1 ms it
   * was: a return is timed from when the flusher found the ring empty, and on a loaded machine a flusher descheduled
   * for most of a millisecond after releasing the writer could see it come back "at once" (a run at load 13 failed).
   */
  @Test
  void aPacedWriterNeverMakesTheFlusherSpin() throws Exception {
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      for (int i = 0; i < 40; i++) {
        wal.appendAndWait((byte) 1, WalTest.payload(i));
        Thread.sleep(5);
      }
      FlusherWaitStrategy wait = wal.flusherWait();
      assertEquals(0, wait.spun(), "idle waits that spun");
      assertTrue(wait.blockedAtOnce() >= 40, wait.blockedAtOnce() + " idle waits blocked at once");
      FlusherStats stats = wal.flusherStats(); // the same decisions, and the writer's returns that made them
      assertEquals(0, stats.waitsSpun());
      assertEquals(wait.blockedAtOnce(), stats.waitsBlocked());
      assertTrue(stats.writerReturns().getLast() >= 39, "a writer back after 1 ms or more: " + stats.summary());
      assertTrue(stats.wakeUpsSpinWouldSave() <= 1, "only the first append may come soon: " + stats.summary());
    }
  }

  /**
   * One closed-loop writer: each batch holds its one record, and the next batch expects one record again. The
   * writer's next append used to be counted twice when it came back before the flusher had counted what was
   * waiting (once in the batch it was released from, once as waiting), and the next batch then waited out its
   * gather for a second record that nobody would append while waiting for the first.
   */
  @Test
  void oneWaitingWriterNeverMakesABatchWaitForASecondRecord() throws Exception {
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      for (int i = 0; i < 2000; i++) {
        wal.appendAndWait((byte) 1, WalTest.payload(i));
      }
      assertEquals(0, wal.flusher().shortGathers(), "batches that waited out their gather");
      assertEquals(2000, wal.forces(), "one force a record");
    }
  }

  /**
   * Phases of closed-loop writers (which may make the flusher spin) and of paced ones (which make it block at
   * once), and switches between them: every record is acknowledged, in order, and in the log; a record published
   * while the flusher blocks or falls from spinning to blocking wakes it.
   */
  @Test
  void recordsAreAcknowledgedWhetherTheFlusherSpinsOrBlocks() throws Exception {
    int threads = 4;
    List<List<CompletableFuture<Long>>> futures = new ArrayList<>();
    try (Wal wal = Wal.open(dir, WalTest.small().ringSize(16))) {
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<CompletableFuture<Long>> mine = new ArrayList<>();
        futures.add(mine);
        int id = t;
        ts.add(Thread.ofPlatform().start(() -> {
          for (int phase = 0; phase < 6; phase++) {
            boolean paced = (phase + id) % 2 == 1;
            for (int i = 0; i < (paced ? 10 : 200); i++) {
              byte[] p = (id + ":" + phase + ":" + i).getBytes(StandardCharsets.UTF_8);
              CompletableFuture<Long> f = wal.append((byte) id, p);
              mine.add(f);
              f.join();
              if (paced) {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              }
            }
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      long total = 0;
      for (List<CompletableFuture<Long>> mine : futures) {
        long previous = 0;
        for (CompletableFuture<Long> f : mine) {
          long lsn = f.get();
          assertTrue(lsn > previous, "one thread's records keep their order");
          previous = lsn;
        }
        total += mine.size();
      }
      assertEquals(total, wal.lastLsn());
      assertEquals(total, wal.durableLsn(), "SYNC: every acknowledged record is forced");
      assertEquals(total, WalTest.replayAll(wal, 0).size());
    }
  }
}
