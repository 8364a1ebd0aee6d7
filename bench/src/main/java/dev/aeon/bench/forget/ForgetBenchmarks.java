package dev.aeon.bench.forget;

import dev.aeon.bench.util.BenchFiles;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.LongArrayList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One forget of a random live event ({@code forget}) against one remember of a new event with a vector
 * ({@code remember}), each in a memory of {@link #events} live events of {@value #DIM} dims that has already
 * remembered and forgotten {@link #forgotten} more, one pair at a time as the contention benchmark's writer does
 * (a random live victim each time, so that the forgotten slots lie spread over the trace, not in runs).
 *
 * <p>Durability is OFF: each operation's record is written to the operating system but the benchmark does not
 * wait for the log's force, so the time is what the writer's thread spends (under SYNC it then waits for a force
 * it shares with other writers, a wait and not CPU: {@code ./aeon bench remember}'s SYNC section).
 *
 * <p>Why single shots of {@value #BATCH} operations rather than timed iterations: every forget adds one to the
 * forgotten count the benchmark holds fixed, and timed iterations of a few seconds made 100,000 more forgets in a
 * run (a memory "with 0 forgotten" then measured one with 100,000). Here a fork makes at most (warm-up + measured
 * iterations) x {@value #BATCH} of them, and before its first one the JIT has compiled the path on a scratch memory
 * ({@link Built#warmUp}). Each benchmark runs in forks of its own, so the forget's memory is not the one the
 * remembers grew.
 *
 * <p>Beside JMH's wall time, each measured batch's CPU time on the benchmark's thread (the writer's) is written, one
 * line per batch in microseconds per operation, to a file in the folder named by the system property
 * {@value #CPU_DIR_PROPERTY} ({@link ForgetBench} reads them): on a machine shared with other work the wall time
 * also counts the time slices the thread waited for a core, the CPU time does not.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ForgetBenchmarks {

  static final int DIM = 384;
  static final int BATCH = 200;
  /** Pairs remembered and forgotten on a scratch memory before the measured one is built. */
  static final int WARM_UP_PAIRS = 20_000;
  /** Distinct vectors the events take in turn (made once: drawing 384 Gaussians is not the engine's time). */
  static final int VECTORS = 4096;
  static final String CPU_DIR_PROPERTY = "aeon.bench.forget.cpu";
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The memory and its live ids, built once per fork. */
  @State(Scope.Thread)
  public static class Built {

    @Param("20000")
    public int events;

    @Param({"0", "10000", "100000"})
    public int forgotten;

    Memory memory;
    private Aeon aeon;
    private Path dir;
    private float[][] vectors;
    private int nextVector;
    private long made;
    /** The live ids, in no order: a victim is swapped with the last and removed. */
    private final LongArrayList live = new LongArrayList();
    private final SplittableRandom random = new SplittableRandom(7);
    private boolean measuring;
    /** Each measured batch's CPU time on this thread, microseconds per operation. */
    private final List<Double> cpuPerOp = new ArrayList<>();

    @Setup(Level.Trial)
    public void build() throws IOException {
      SplittableRandom seeds = new SplittableRandom(42);
      vectors = new float[VECTORS][];
      for (int i = 0; i < VECTORS; i++) {
        vectors[i] = unitVector(seeds);
      }
      warmUp();
      dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "forget-bench-");
      aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF));
      memory = aeon.memory();
      for (int i = 0; i < events; i++) {
        remember();
      }
      for (int i = 0; i < forgotten; i++) {
        remember();
        forget();
      }
      memory.checkpoint(); // the measured operations do not start with the build's checkpoint still due
      System.out.printf("forget: %,d live events, %,d forgotten%n", live.size(), forgotten);
    }

    /** Remembers and forgets on a memory of its own, deleted after, so that the measured path is compiled. */
    private void warmUp() throws IOException {
      Path scratch = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "forget-warm-up-");
      try (Aeon a = Aeon.open(scratch, AeonOptions.defaults().withDurability(Durability.OFF))) {
        memory = a.memory();
        for (int i = 0; i < 1000; i++) {
          remember();
        }
        for (int i = 0; i < WARM_UP_PAIRS; i++) {
          remember();
          forget();
        }
      } finally {
        live.clear();
        BenchFiles.deleteTree(scratch);
      }
    }

    static float[] unitVector(SplittableRandom r) {
      float[] v = new float[DIM];
      double norm = 0;
      for (int j = 0; j < DIM; j++) {
        v[j] = (float) r.nextGaussian();
        norm += v[j] * v[j];
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < DIM; j++) {
        v[j] *= scale;
      }
      return v;
    }

    long remember() {
      float[] v = vectors[nextVector];
      nextVector = nextVector + 1 == VECTORS ? 0 : nextVector + 1;
      long id = memory.remember(Remember.event("s" + (made % 100), "user", "event " + made).vector(v));
      made++;
      live.addLong(id);
      return id;
    }

    boolean forget() {
      int victim = random.nextInt(live.size());
      long id = live.getLong(victim);
      live.fastUnorderedRemove(victim);
      return memory.forget(id);
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams iteration) {
      measuring = iteration.getType() == IterationType.MEASUREMENT;
    }

    /** Records a batch's CPU time (a measured one's). */
    void batchCpu(long nanos) {
      if (measuring) {
        cpuPerOp.add(nanos / 1e3 / BATCH);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws IOException {
      aeon.close();
      BenchFiles.deleteTree(dir);
      String cpuDir = System.getProperty(CPU_DIR_PROPERTY);
      if (cpuDir != null) { // a fork of its own: one file per fork
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Path file = Files.createTempFile(Path.of(cpuDir), name + "-" + forgotten + "-", ".txt");
        StringBuilder lines = new StringBuilder();
        for (double us : cpuPerOp) {
          lines.append(String.format(Locale.ROOT, "%.3f%n", us));
        }
        Files.writeString(file, lines);
      }
    }
  }

  /** {@value #BATCH} forgets of random live events. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int forget(Built b) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    int n = 0;
    for (int i = 0; i < BATCH; i++) {
      n += b.forget() ? 1 : 0;
    }
    b.batchCpu(THREADS.getCurrentThreadCpuTime() - cpu);
    return n;
  }

  /** The baseline: {@value #BATCH} remembers of new events with vectors. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long remember(Built b) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    long last = 0;
    for (int i = 0; i < BATCH; i++) {
      last = b.remember();
    }
    b.batchCpu(THREADS.getCurrentThreadCpuTime() - cpu);
    return last;
  }
}
