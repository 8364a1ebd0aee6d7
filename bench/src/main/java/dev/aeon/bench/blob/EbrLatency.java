package dev.aeon.bench.blob;

import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.ebr.Guard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EBR {@code enter}+{@code exit} latency with 15 reader threads and 1 writer that retires resources without
 * pause. Each sample is one {@code enter}/{@code close} pair timed with two {@code System.nanoTime()} reads,
 * so it includes one clock read; the clock's own back-to-back cost is measured in the same run as the baseline.
 */
final class EbrLatency {

  static final int READERS = 15;

  private EbrLatency() {}

  /** Back-to-back {@code nanoTime} pairs on one thread: the floor of every sample below. */
  static Map<String, Object> clockBaseline(int samples) {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < samples; i++) {
      long t0 = System.nanoTime();
      h.record(System.nanoTime() - t0);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50_ns", h.percentile(0.50));
    out.put("p99_ns", h.percentile(0.99));
    return out;
  }

  static Map<String, Object> measure(boolean padded, int samplesPerReader) throws Exception {
    Epochs ebr = new Epochs(Epochs.Config.defaults().withPadded(padded).withReclaimInterval(Duration.ZERO));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong retired = new AtomicLong();
    AtomicLong closed = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(READERS + 2); // the readers, the writer, and this thread's clock
    Thread writer = Thread.ofPlatform().name("ebr-writer").start(() -> {
      await(start);
      while (!stop.get()) {
        ebr.retire(closed::incrementAndGet);
        retired.incrementAndGet();
        Thread.yield();
      }
    });
    List<LatencyHistogram> histograms = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      LatencyHistogram h = new LatencyHistogram();
      histograms.add(h);
      readers.add(Thread.ofPlatform().name("ebr-reader-" + r).start(() -> {
        warmUp(ebr);
        await(start);
        for (int i = 0; i < samplesPerReader; i++) {
          long t0 = System.nanoTime();
          try (Guard g = ebr.enter()) {
            if (g == null) {
              throw new AssertionError();
            }
          }
          h.record(System.nanoTime() - t0);
        }
      }));
    }
    await(start); // once every reader has warmed up: wall_ms is the measured samples' time, not the warm-ups'
    long wall = System.nanoTime();
    for (Thread t : readers) {
      t.join();
    }
    wall = System.nanoTime() - wall;
    stop.set(true);
    writer.join();
    if (!ebr.awaitReclaimed(Duration.ofSeconds(10)) || closed.get() != retired.get()) {
      throw new IllegalStateException("EBR left " + (retired.get() - closed.get()) + " resources unreclaimed");
    }
    ebr.close();
    LatencyHistogram all = new LatencyHistogram();
    histograms.forEach(all::add);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("readers", READERS);
    out.put("writers", 1);
    out.put("padded", padded);
    out.put("samples", all.count());
    out.put("p50_ns", all.percentile(0.50));
    out.put("p99_ns", all.percentile(0.99));
    out.put("p999_ns", all.percentile(0.999));
    out.put("retired_and_reclaimed", retired.get());
    out.put("wall_ms", wall / 1_000_000);
    return out;
  }

  private static void warmUp(Epochs ebr) {
    for (int i = 0; i < 200_000; i++) {
      ebr.enter().close();
    }
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
