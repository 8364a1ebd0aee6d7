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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
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
 * Forgets of whole sessions of {@link Built#sessionEvents} events each (all with {@value ForgetBenchmarks#DIM}-dim
 * vectors) in a memory of {@link Built#events} live events spread over 100 other sessions.
 *
 * <p>{@link Built#vectors}: a session's vectors {@code spread} over the sphere (random, each in its own part of the
 * index, as the memory's other events), or {@code clustered} about a point of the session's own (a conversation on
 * one topic), where they fill leaves of the index of their own and a forget deletes many entries of each leaf.
 *
 * <p>Each invocation forgets {@value #EVENTS_PER_BATCH} events: as many sessions as make that, remembered just
 * before it (in the invocation's setup, interleaved one event of each in turn, as concurrent conversations are), so
 * the memory stays at its size and a batch is long enough for the thread's CPU clock. The setup's remembers are
 * the baseline: their CPU time per event on the same thread, in the same batch, is written beside the forgets'.
 * Durability is OFF, as in {@link ForgetBenchmarks}: the time is the writer thread's own, not a wait for a force.
 *
 * <p>Each measured batch writes one line, "CPU µs per session forget, CPU µs per remembered event", to a file in
 * the folder named by the system property {@value ForgetBenchmarks#CPU_DIR_PROPERTY} ({@link ForgetBench} reads
 * them).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SessionForgetBenchmarks {

  static final int EVENTS_PER_BATCH = 2000;
  /**
   * Batches made and forgotten on a scratch memory before the measured one is built, so the path is compiled: this
   * many of sessions of {@value #WARM_UP_SESSION_EVENTS} events, then this many of the measured size. The small
   * sessions are there for the large ones' sake: 20 batches of sessions of 1,000 are 40 session forgets, too few for
   * the JIT to finish compiling a method called once per forget whose loops run once per event (docs/benchmarks.md).
   */
  static final int WARM_UP_BATCHES = 20;
  static final int WARM_UP_SESSION_EVENTS = 10;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The memory, built once per fork, and the sessions the next invocation forgets. */
  @State(Scope.Thread)
  public static class Built {

    @Param("100000")
    public int events;

    @Param({"10", "100", "1000"})
    public int sessionEvents;

    @Param({"spread", "clustered"})
    public String vectors;

    Memory memory;
    private Aeon aeon;
    private Path dir;
    private float[][] pool;
    private int nextVector;
    private long made;
    private int sessionsMade;
    /** The sessions the next invocation forgets. */
    String[] batch = new String[0];
    private boolean measuring;
    /** The CPU µs of the last setup's remembers, per event. */
    private double rememberCpuPerEvent;
    /** Each measured batch's line: CPU µs per session forget, CPU µs per remembered event. */
    private final List<String> lines = new ArrayList<>();

    @Setup(Level.Trial)
    public void build() throws IOException {
      SplittableRandom seeds = new SplittableRandom(42);
      pool = new float[ForgetBenchmarks.VECTORS][];
      for (int i = 0; i < pool.length; i++) {
        pool[i] = ForgetBenchmarks.Built.unitVector(seeds);
      }
      warmUp();
      dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "forget-session-bench-");
      aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF));
      memory = aeon.memory();
      for (int i = 0; i < events; i++) {
        remember("s" + (i % 100));
      }
      memory.checkpoint(); // the measured operations do not start with the build's checkpoint still due
      System.out.printf("forget: %,d live events, sessions of %,d (%s) forgotten %,d at a time%n", events,
          sessionEvents, vectors, sessionsPerBatch());
    }

    /** Makes and forgets batches on a memory of its own, deleted after, so that the measured path is compiled. */
    private void warmUp() throws IOException {
      Path scratch = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "forget-session-warm-up-");
      try (Aeon a = Aeon.open(scratch, AeonOptions.defaults().withDurability(Durability.OFF))) {
        memory = a.memory();
        for (int i = 0; i < 1000; i++) {
          remember("s" + (i % 100));
        }
        int measured = sessionEvents;
        try {
          sessionEvents = WARM_UP_SESSION_EVENTS;
          for (int i = 0; i < WARM_UP_BATCHES; i++) {
            makeBatch();
            forgetBatch();
          }
        } finally {
          sessionEvents = measured;
        }
        for (int i = 0; i < WARM_UP_BATCHES; i++) {
          makeBatch();
          forgetBatch();
        }
      } finally {
        BenchFiles.deleteTree(scratch);
      }
    }

    int sessionsPerBatch() {
      return Math.max(1, EVENTS_PER_BATCH / sessionEvents);
    }

    private void remember(String session) {
      remember(session, nextVector());
    }

    private float[] nextVector() {
      float[] v = pool[nextVector];
      nextVector = nextVector + 1 == pool.length ? 0 : nextVector + 1;
      return v;
    }

    private void remember(String session, float[] v) {
      memory.remember(Remember.event(session, "user", "event " + made).vector(v));
      made++;
    }

    /** Remembers the next batch's sessions, one event of each in turn (their vectors made before: not timed). */
    private void makeBatch() {
      makeBatch(null);
    }

    /** As {@link #makeBatch()}; the remembers' CPU nanoseconds are added to {@code cpu[0]} if it is not null. */
    private void makeBatch(long[] cpu) {
      batch = new String[sessionsPerBatch()];
      float[][] centres = new float[batch.length][];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = "forgotten-" + sessionsMade++;
        centres[i] = nextVector();
      }
      float[][] vs = new float[sessionEvents * batch.length][];
      for (int i = 0; i < vs.length; i++) {
        vs[i] = vectors.equals("clustered") ? near(centres[i % batch.length], nextVector()) : nextVector();
      }
      long start = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < vs.length; i++) {
        remember(batch[i % batch.length], vs[i]);
      }
      if (cpu != null) {
        cpu[0] += THREADS.getCurrentThreadCpuTime() - start;
      }
    }

    /** A unit vector near {@code centre} (a cosine of about 0.96), in the direction {@code noise} adds. */
    private static float[] near(float[] centre, float[] noise) {
      float[] v = new float[centre.length];
      double norm = 0;
      for (int j = 0; j < v.length; j++) {
        v[j] = centre[j] + 0.3f * noise[j];
        norm += v[j] * v[j];
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int j = 0; j < v.length; j++) {
        v[j] *= scale;
      }
      return v;
    }

    int forgetBatch() {
      int n = 0;
      for (String session : batch) {
        n += memory.forgetSession(session);
      }
      if (n != batch.length * sessionEvents) {
        throw new IllegalStateException("forgot " + n + " events of " + batch.length * sessionEvents);
      }
      return n;
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams iteration) {
      measuring = iteration.getType() == IterationType.MEASUREMENT;
    }

    @Setup(Level.Invocation)
    public void prepare() {
      long[] cpu = new long[1];
      makeBatch(cpu);
      rememberCpuPerEvent = cpu[0] / 1e3 / (batch.length * sessionEvents);
    }

    /** Records a batch's CPU time (a measured one's). */
    void batchCpu(long nanos) {
      if (measuring) {
        lines.add(String.format(Locale.ROOT, "%.3f %.3f%n", nanos / 1e3 / batch.length, rememberCpuPerEvent));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws IOException {
      aeon.close();
      BenchFiles.deleteTree(dir);
      String cpuDir = System.getProperty(ForgetBenchmarks.CPU_DIR_PROPERTY);
      if (cpuDir != null) { // a fork of its own: one file per fork
        String prefix = "forgetSession-" + vectors + "-" + sessionEvents + "-";
        Path file = Files.createTempFile(Path.of(cpuDir), prefix, ".txt");
        Files.writeString(file, String.join("", lines));
      }
    }
  }

  /** Forgets the sessions the setup made: {@value #EVENTS_PER_BATCH} events in all. */
  @Benchmark
  public int forgetSession(Built b) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    int n = b.forgetBatch();
    b.batchCpu(THREADS.getCurrentThreadCpuTime() - cpu);
    return n;
  }
}
