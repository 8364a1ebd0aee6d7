package dev.aeon.bench.contention;

import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.ebr.Guard;
import dev.aeon.engine.Memory;
import dev.aeon.bench.util.TimerSlack;
import dev.aeon.engine.Recall;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A reader that issues recalls on a fixed schedule (open loop): the i-th recall is due at
 * {@code start + offset + i * interval} whether or not the previous one has finished, and its latency
 * is measured from that due time, so a stall delays and counts against every recall scheduled during
 * it (no coordinated omission). It parks until a recall is due with a timer slack of 1 ns (unless told
 * otherwise), so that the kernel does not add up to 50 µs of its own to each wake-up. After each recall it also times
 * entering and leaving an EBR guard of the shared {@link Epochs}, reading the writer's published resource inside it.
 */
final class OpenLoopReader implements Runnable {

  /** A small resource a writer publishes and retires; readers check they never see it closed. */
  static final class Published implements AutoCloseable {
    final long[] payload = new long[8];
    volatile boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Where the writer publishes its current resource. */
  static final class Board {
    volatile Published current = new Published();
  }

  /** Seconds of the phase that each entry of {@link #latencyByWindow} covers. */
  static final int WINDOW_SECONDS = 5;
  private static final long WINDOW_NANOS = WINDOW_SECONDS * 1_000_000_000L;

  final Latencies latency = new Latencies();
  /** The same latencies split by when each recall was due, so that a noisy stretch shows as one window. */
  final Latencies[] latencyByWindow;
  final Latencies service = new Latencies();
  /** From each recall's due time to its start: the reader's own late wake-up, or its previous recall running over. */
  final Latencies startDelay = new Latencies();
  final Latencies guard = new Latencies();
  long errors;
  long useAfterRetire;
  long results;

  private final Memory memory;
  private final float[][] queries;
  private final int k;
  private final long startNanos;
  /** Where the phase's first window begins: the same for every reader, whatever its own first due time. */
  private final long phaseStartNanos;
  private final long intervalNanos;
  private final long endNanos;
  private final Epochs epochs;
  private final Board board;
  private final AtomicLong queryCursor;
  private final boolean exactWakeUps;

  /**
   * @param epochs the shared reclamation domain, or null to skip the guard measurement
   * @param queryCursor shared, so readers cycle through the queries together rather than each repeating them
   * @param exactWakeUps whether to park with a timer slack of 1 ns rather than the kernel's default
   * @param phaseStartNanos the phase's start, from which every reader counts its windows (so that the phase's
   *     readers have as many, and their windows cover the same seconds, however far apart they start)
   * @param startNanos this reader's first due time, at or after the phase's start
   */
  OpenLoopReader(Memory memory, float[][] queries, int k, long phaseStartNanos, long startNanos, long intervalNanos,
      long endNanos, Epochs epochs, Board board, AtomicLong queryCursor, boolean exactWakeUps) {
    this.memory = memory;
    this.queries = queries;
    this.k = k;
    this.startNanos = startNanos;
    this.phaseStartNanos = phaseStartNanos;
    this.intervalNanos = intervalNanos;
    this.endNanos = endNanos;
    this.epochs = epochs;
    this.board = board;
    this.queryCursor = queryCursor;
    this.exactWakeUps = exactWakeUps;
    int windows = (int) Math.max(1, (endNanos - phaseStartNanos + WINDOW_NANOS - 1) / WINDOW_NANOS);
    this.latencyByWindow = new Latencies[windows];
    for (int w = 0; w < windows; w++) {
      latencyByWindow[w] = new Latencies();
    }
  }

  @Override
  public void run() {
    if (exactWakeUps) {
      TimerSlack.minimizeForCurrentThread(); // its own late wake-ups are not the engine's latency
    }
    for (long due = startNanos; due < endNanos; due += intervalNanos) {
      for (long wait; (wait = due - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(wait); // again if it returned early
      }
      float[] q = queries[(int) (queryCursor.getAndIncrement() % queries.length)];
      long began = System.nanoTime();
      try {
        results += memory.recall(Recall.vector(q, k).slb(false)).size();
      } catch (RuntimeException e) {
        errors++;
      }
      long done = System.nanoTime();
      startDelay.add(began - due);
      latency.add(done - due);
      latencyByWindow[(int) Math.min(latencyByWindow.length - 1, (due - phaseStartNanos) / WINDOW_NANOS)]
          .add(done - due);
      service.add(done - began);
      if (epochs != null) {
        timeGuard();
      }
    }
  }

  private void timeGuard() {
    long t0 = System.nanoTime();
    try (Guard g = epochs.enter()) {
      Published p = board.current;
      if (p.closed) {
        useAfterRetire++;
      }
      results += p.payload.length;
    }
    guard.add(System.nanoTime() - t0);
  }
}
