package dev.aeon.bench.blob;

import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.ebr.Guard;
import java.time.Duration;
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

/**
 * EBR {@code enter}+{@code exit} with reader slots padded (128 bytes apart) or packed (8 bytes apart), run by
 * several threads at once (the runner sets the thread count): packed slots put neighbouring readers' slots on
 * one cache line, so every enter invalidates the neighbour's line. Returns the guard so JMH consumes it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EbrPaddingBenchmark {

  @Param({"true", "false"})
  public boolean padded;

  private Epochs ebr;

  @Setup(Level.Trial)
  public void setUp() {
    ebr = new Epochs(Epochs.Config.defaults().withPadded(padded).withReclaimInterval(Duration.ZERO));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ebr.close();
  }

  @Benchmark
  public Guard enterExit() {
    Guard g = ebr.enter();
    g.close();
    return g;
  }
}
