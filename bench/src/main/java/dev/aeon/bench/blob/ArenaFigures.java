package dev.aeon.bench.blob;

import dev.aeon.bench.util.BenchFiles;
import dev.aeon.blob.BlobArena;
import dev.aeon.blob.BlobArenaOptions;
import dev.aeon.blob.GcResult;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Append throughput, read latency and GC figures of the blob arena, each with its baseline in the same run. */
final class ArenaFigures {

  static final int BLOB_BYTES = 600;
  private static final BlobArenaOptions NO_AUTO_GC =
      BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY);

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private final Path work;

  ArenaFigures(Path work) {
    this.work = work;
  }

  /**
   * Appends {@code count} blobs of {@code size} bytes, then forces; baseline: the same bytes copied into a
   * mapped file of the same size with no framing, checksum or table, then forced.
   */
  Map<String, Object> append(int count, int size) throws IOException {
    byte[][] blobs = randomBlobs(count, size, 7);
    appendOnce(blobs); // warm-up: JIT, page cache
    long arenaNanos = appendOnce(blobs);
    memcpyBaseline(blobs, fresh("append-baseline").resolve("warm.bin"));
    long baselineNanos = memcpyBaseline(blobs, fresh("append-baseline").resolve("raw.bin"));
    double mb = (double) count * size / (1 << 20);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("blob_bytes", size);
    out.put("blobs", count);
    out.put("mb_per_s", round(mb / (arenaNanos / 1e9)));
    out.put("baseline_mmap_memcpy_mb_per_s", round(mb / (baselineNanos / 1e9)));
    return out;
  }

  private long appendOnce(byte[][] blobs) throws IOException {
    int count = blobs.length;
    Path dir = fresh("append");
    long arenaNanos;
    try (BlobArena arena = BlobArena.open(dir, NO_AUTO_GC, null)) {
      long t0 = System.nanoTime();
      long first = 0;
      for (byte[] b : blobs) {
        long ref = arena.append(b);
        first = first == 0 ? ref : first;
      }
      arena.force();
      arenaNanos = System.nanoTime() - t0;
      if (!Arrays.equals(blobs[count - 1], arena.readBytes(first + count - 1))) {
        throw new IllegalStateException("append benchmark read back other bytes");
      }
    }
    return arenaNanos;
  }

  private static long memcpyBaseline(byte[][] blobs, Path file) throws IOException {
    long total = 0;
    for (byte[] b : blobs) {
      total += b.length;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE); Arena a = Arena.ofShared()) {
      long t0 = System.nanoTime();
      MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, a);
      long at = 0;
      for (byte[] b : blobs) {
        MemorySegment.copy(MemorySegment.ofArray(b), 0, m, at, b.length);
        at += b.length;
      }
      m.force();
      return System.nanoTime() - t0;
    }
  }

  /**
   * Latency of {@code readBytes} of random 600-byte blobs (copy + CRC32C check) on one thread; baselines: the
   * same read without the checksum, and a bare copy of 600 bytes out of a native segment. Each arena has
   * {@code blobs} blobs in a folder of its own, and each of the three is warmed up with {@code samples}
   * untimed reads before its {@code samples} timed ones.
   */
  Map<String, Object> read(int blobs, int samples) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("blob_bytes", BLOB_BYTES);
    for (boolean verify : new boolean[] {true, false}) {
      Path dir = fresh(verify ? "read" : "read-unverified"); // not the first arena's: it would hold twice the blobs
      try (BlobArena arena = BlobArena.open(dir, NO_AUTO_GC.withVerifyReads(verify), null)) {
        long[] refs = fill(arena, blobs);
        LatencyHistogram h = readLatency(arena, refs, samples);
        String key = verify ? "" : "unverified_";
        out.put(key + "p50_ns", h.percentile(0.5));
        out.put(key + "p99_ns", h.percentile(0.99));
      }
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment m = a.allocate((long) blobs * BLOB_BYTES);
      SplittableRandom r = new SplittableRandom(3);
      long sink = 0;
      for (int i = 0; i < samples; i++) { // warm-up, as the arena's reads get in readLatency
        long at = (long) r.nextInt(blobs) * BLOB_BYTES;
        sink += m.asSlice(at, BLOB_BYTES).toArray(ValueLayout.JAVA_BYTE)[i % BLOB_BYTES];
      }
      LatencyHistogram h = new LatencyHistogram();
      for (int i = 0; i < samples; i++) {
        long at = (long) r.nextInt(blobs) * BLOB_BYTES;
        long t0 = System.nanoTime();
        byte[] copy = m.asSlice(at, BLOB_BYTES).toArray(ValueLayout.JAVA_BYTE);
        h.record(System.nanoTime() - t0);
        sink += copy[i % BLOB_BYTES];
      }
      out.put("baseline_memcpy_p50_ns", h.percentile(0.5));
      out.put("baseline_memcpy_p99_ns", h.percentile(0.99) + (sink == Long.MIN_VALUE ? 1 : 0));
    }
    return out;
  }

  private static LatencyHistogram readLatency(BlobArena arena, long[] refs, int samples) {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < samples; i++) { // warm-up
      arena.readBytes(refs[r.nextInt(refs.length)]);
    }
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < samples; i++) {
      long ref = refs[r.nextInt(refs.length)];
      long t0 = System.nanoTime();
      byte[] b = arena.readBytes(ref);
      h.record(System.nanoTime() - t0);
      if (b.length != BLOB_BYTES) {
        throw new IllegalStateException("read " + b.length + " bytes");
      }
    }
    return h;
  }

  /**
   * GC of {@code blobs} blobs of ~600 bytes with half of them freed, on disk, while one reader thread reads
   * random live blobs without pause. The reader's p99 while the collection runs is compared with its p99
   * over an idle window of the same length just before. Repeated {@code runs} times after one warm-up run
   * that is not counted; median wall reported.
   */
  Map<String, Object> gc(int blobs, int runs) throws Exception {
    List<Long> walls = new ArrayList<>();
    List<Long> cpus = new ArrayList<>();
    List<Long> during = new ArrayList<>();
    List<Long> idle = new ArrayList<>();
    long readsDuring = 0;
    for (int run = -1; run < runs; run++) {
      Path dir = fresh("gc-" + run);
      try (BlobArena arena = BlobArena.open(dir, NO_AUTO_GC, null)) {
        long[] refs = fill(arena, blobs);
        long[] live = freeHalf(arena, refs, run);
        arena.force();
        GcRun r = gcWithReader(arena, live);
        if (r.result.keptBlobs() != live.length || arena.verify().liveBlobs() != live.length) {
          throw new IllegalStateException("GC kept " + r.result.keptBlobs() + " of " + live.length);
        }
        System.out.printf("  gc run %d%s: %.1f ms wall, %.1f ms cpu, reader p99 idle %.2f us, during gc %.2f us%n",
            run, run < 0 ? " (warm-up)" : "", r.result.wallNanos() / 1e6, r.cpuNanos / 1e6, r.idleP99 / 1e3,
            r.duringP99 / 1e3);
        if (run >= 0) {
          walls.add(r.result.wallNanos());
          cpus.add(r.cpuNanos);
          during.add(r.duringP99);
          idle.add(r.idleP99);
          readsDuring += r.readsDuring;
        }
      }
      BenchFiles.deleteTree(dir);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("blobs", blobs);
    out.put("dead_ratio", 0.5);
    out.put("wall_ms", round(median(walls) / 1e6));
    out.put("reader_p99_us_during_gc", round(median(during) / 1e3));
    out.put("reader_p99_us_idle", round(median(idle) / 1e3));
    out.put("runs", runs);
    out.put("wall_ms_runs", walls.stream().map(w -> round(w / 1e6)).toList());
    out.put("cpu_ms", round(median(cpus) / 1e6));
    out.put("reader_reads_during_gc", readsDuring / runs);
    out.put("storage", "files under target/bench on the project's disk; the collection fsyncs the new generation");
    return out;
  }

  private record GcRun(GcResult result, long cpuNanos, long idleP99, long duringP99, long readsDuring) {}

  private static GcRun gcWithReader(BlobArena arena, long[] live) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong phase = new AtomicLong(); // 0 warm-up, 1 idle window, 2 during gc, 3 after
    LatencyHistogram idle = new LatencyHistogram();
    LatencyHistogram during = new LatencyHistogram();
    Thread reader = Thread.ofPlatform().name("gc-reader").start(() -> {
      SplittableRandom r = new SplittableRandom(5);
      while (!stop.get()) {
        long ref = live[r.nextInt(live.length)];
        long p = phase.get();
        long t0 = System.nanoTime();
        byte[] b = arena.readBytes(ref);
        long t = System.nanoTime() - t0;
        if (b.length != BLOB_BYTES) {
          throw new IllegalStateException("reader got " + b.length + " bytes");
        }
        if (p == 1 && phase.get() == 1) {
          idle.record(t);
        } else if (p == 2 && phase.get() == 2) {
          during.record(t);
        }
      }
    });
    Thread.sleep(300); // warm-up of the reader
    phase.set(1);
    long estimate = Math.max(50, Math.min(1000, live.length / 250)); // about as long as the gc takes
    Thread.sleep(estimate);
    phase.set(2);
    long cpu = THREADS.getCurrentThreadCpuTime();
    GcResult result = arena.gc();
    cpu = THREADS.getCurrentThreadCpuTime() - cpu;
    phase.set(3);
    stop.set(true);
    reader.join();
    return new GcRun(result, cpu, idle.percentile(0.99), during.percentile(0.99), during.count());
  }

  private static long[] fill(BlobArena arena, int count) {
    byte[][] blobs = randomBlobs(Math.min(count, 4096), BLOB_BYTES, 13);
    long[] refs = new long[count];
    for (int i = 0; i < count; i++) {
      refs[i] = arena.append(blobs[i % blobs.length]);
    }
    return refs;
  }

  private static long[] freeHalf(BlobArena arena, long[] refs, long seed) {
    long[] shuffled = refs.clone();
    Random r = new Random(seed);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    for (int i = 0; i < shuffled.length / 2; i++) {
      arena.free(shuffled[i]);
    }
    long[] live = Arrays.copyOfRange(shuffled, shuffled.length / 2, shuffled.length);
    Arrays.sort(live);
    return live;
  }

  private static byte[][] randomBlobs(int count, int size, long seed) {
    Random r = new Random(seed);
    byte[][] out = new byte[count][size];
    for (byte[] b : out) {
      r.nextBytes(b);
    }
    return out;
  }

  private Path fresh(String name) throws IOException {
    Path dir = work.resolve(name);
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    return dir;
  }


  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
