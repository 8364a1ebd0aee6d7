package dev.aeon.bench.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs one operation in a closed loop on several threads (each starts its next operation when the last
 * one returned), first to warm up, then measured: every measured operation's latency is kept, the heap bytes
 * it allocated on its thread, and the CPU time the threads spent while measured (their waits and spins included, the
 * loop's own few calls per operation too). The WAL's and the
 * remember benchmark's phases ({@code ./aeon bench wal}, {@code ./aeon bench remember}).
 */
public final class ClosedLoop {

  @FunctionalInterface
  public interface Op {
    void run(int thread) throws Exception;
  }

  /**
   * What a measured phase did: operations, their sorted latencies in nanoseconds, its length, how
   * much the counter given to {@link #run} advanced during it, the heap bytes its operations allocated on the
   * threads that ran them (what they made other threads allocate is not counted), and those threads' CPU time from
   * their first measured operation to their last (not other threads': the log's flusher, say).
   */
  public record Outcome(long ops, long[] sortedLatencies, long nanos, long counted, long allocatedBytes,
      long cpuNanos) {

    /** The rounds together: all their operations and latencies, their summed length and counts. */
    public static Outcome merge(List<Outcome> rounds) {
      long[] all = rounds.stream().flatMapToLong(o -> Arrays.stream(o.sortedLatencies())).sorted().toArray();
      return new Outcome(rounds.stream().mapToLong(Outcome::ops).sum(), all,
          rounds.stream().mapToLong(Outcome::nanos).sum(), rounds.stream().mapToLong(Outcome::counted).sum(),
          rounds.stream().mapToLong(Outcome::allocatedBytes).sum(), rounds.stream().mapToLong(Outcome::cpuNanos).sum());
    }

    public double opsPerSecond() {
      return ops * 1e9 / nanos;
    }

    public double percentileMicros(double p) {
      if (sortedLatencies.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(sortedLatencies.length - 1, Math.ceil(p * sortedLatencies.length) - 1);
      return sortedLatencies[Math.max(0, i)] / 1e3;
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  private static final int WARMING = 0;
  private static final int MEASURING = 1;
  private static final int STOPPED = 2;

  private volatile int phase = WARMING;
  private volatile Throwable failure;

  private ClosedLoop() {}

  public static Outcome run(int threads, long warmupMillis, long measureMillis, Op op, LongSupplier counter)
      throws InterruptedException {
    return new ClosedLoop().go(threads, warmupMillis, measureMillis, op, counter);
  }

  private Outcome go(int threads, long warmupMillis, long measureMillis, Op op, LongSupplier counter)
      throws InterruptedException {
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    long[] allocated = new long[threads];
    long[] cpu = new long[threads];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers.add(Thread.ofPlatform().name("bench-" + t).start(() -> loop(id, op, latencies, counts, allocated, cpu)));
    }
    Thread.sleep(warmupMillis);
    long counterStart = counter.getAsLong();
    long start = System.nanoTime();
    phase = MEASURING;
    Thread.sleep(measureMillis);
    phase = STOPPED;
    long nanos = System.nanoTime() - start;
    long counted = counter.getAsLong() - counterStart;
    for (Thread w : workers) {
      w.join();
    }
    if (failure != null) {
      throw new IllegalStateException("benchmark operation failed", failure);
    }
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new Outcome(total, all, nanos, counted, Arrays.stream(allocated).sum(), Arrays.stream(cpu).sum());
  }

  private void loop(int id, Op op, long[][] latencies, int[] counts, long[] allocated, long[] cpu) {
    long[] mine = new long[1 << 16];
    int n = 0;
    long opBytes = 0;
    long cpuFrom = -1; // the thread's CPU time at its first measured operation (read once, not per operation)
    try {
      for (int p; (p = phase) != STOPPED; ) {
        if (p == MEASURING && cpuFrom < 0) {
          cpuFrom = THREADS.getCurrentThreadCpuTime();
        }
        long bytes = p == MEASURING ? THREADS.getCurrentThreadAllocatedBytes() : 0;
        long t0 = System.nanoTime();
        op.run(id);
        long t1 = System.nanoTime();
        if (p == MEASURING && phase == MEASURING) {
          opBytes += THREADS.getCurrentThreadAllocatedBytes() - bytes; // the operation's, not the loop's
          if (n == mine.length) {
            mine = Arrays.copyOf(mine, n * 2);
          }
          mine[n++] = t1 - t0;
        }
      }
    } catch (Throwable t) {
      failure = t;
      phase = STOPPED;
    }
    latencies[id] = mine;
    counts[id] = n;
    allocated[id] = opBytes;
    cpu[id] = cpuFrom < 0 ? 0 : THREADS.getCurrentThreadCpuTime() - cpuFrom; // and the one operation after the stop
  }
}
