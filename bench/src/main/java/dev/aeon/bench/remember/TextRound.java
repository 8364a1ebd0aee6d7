package dev.aeon.bench.remember;

import dev.aeon.bench.util.ThreadTimes;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One configuration's pass over a round's texts in {@code ./aeon bench remember --embed}: the texts from a given one,
 * {@code batch} per call, one call after the other on the calling thread. Counted in texts, not time, so that every
 * configuration of a round embeds the very same texts (a call of 64 takes a second on a loaded machine, which a
 * phase of fixed length would not see finish). Keeps each call's latency, the calling thread's CPU time and the whole
 * process's (the embedder runs a call's texts on the fork-join pool, and ONNX runtime has threads of its own), and the
 * process's broken down by thread ({@link ThreadTimes}).
 */
record TextRound(int texts, long nanos, long[] sortedCallNanos, long threadCpuNanos, long processCpuNanos,
    Map<String, Long> processCpuNanosByThread) {

  /** A call of the configuration: the {@code count} texts from the {@code first}th. */
  @FunctionalInterface
  interface Call {
    void run(long first, int count) throws Exception;
  }

  private static final com.sun.management.ThreadMXBean THREAD =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Runs {@code texts} texts from the {@code first}th, {@code batch} a call ({@code texts} a multiple of it). */
  static TextRound run(Call call, long first, int texts, int batch) throws Exception {
    if (texts % batch != 0) {
      throw new IllegalArgumentException(texts + " texts are not a whole number of calls of " + batch);
    }
    long[] calls = new long[texts / batch];
    ThreadTimes threads0 = ThreadTimes.take();
    long process0 = PROCESS.getProcessCpuTime();
    long thread0 = THREAD.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int c = 0; c < calls.length; c++) {
      long t0 = System.nanoTime();
      call.run(first + (long) c * batch, batch);
      calls[c] = System.nanoTime() - t0;
    }
    long nanos = System.nanoTime() - start;
    long thread = THREAD.getCurrentThreadCpuTime() - thread0;
    long process = PROCESS.getProcessCpuTime() - process0;
    Map<String, Long> byThread = ThreadTimes.take().cpuNanosSince(threads0, process);
    Arrays.sort(calls);
    return new TextRound(texts, nanos, calls, thread, process, byThread);
  }

  /** The rounds together: their texts, time, CPU and every call's latency. */
  static TextRound merge(List<TextRound> rounds) {
    return new TextRound(rounds.stream().mapToInt(TextRound::texts).sum(),
        rounds.stream().mapToLong(TextRound::nanos).sum(),
        rounds.stream().flatMapToLong(r -> Arrays.stream(r.sortedCallNanos())).sorted().toArray(),
        rounds.stream().mapToLong(TextRound::threadCpuNanos).sum(),
        rounds.stream().mapToLong(TextRound::processCpuNanos).sum(),
        rounds.stream().flatMap(r -> r.processCpuNanosByThread().entrySet().stream())
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, TreeMap::new)));
  }

  double textsPerSecond() {
    return texts * 1e9 / nanos;
  }

  double percentileMicros(double p) {
    int i = (int) Math.min(sortedCallNanos.length - 1, Math.ceil(p * sortedCallNanos.length) - 1);
    return sortedCallNanos[Math.max(0, i)] / 1e3;
  }
}
