package dev.aeon.bench.recall;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.slb.Background;
import dev.aeon.bench.util.BenchFiles;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
 * One recall (k=10, by vector) on a namespace of {@link #events} WordNet glosses embedded with all-MiniLM-L6-v2
 * ({@link Background#wordnet}), reopened from its files as a process finds it after a restart; the queries are the
 * {@value #QUERIES} glosses that follow them, taken in turn. {@code recall} bypasses the lookaside buffer, as the
 * contention benchmark's readers do; {@code recall_slb} goes through it (the default of a recall). Run with JMH's GC
 * profiler, the heap bytes per operation are what one recall allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecallBenchmarks {

  static final int K = 10;
  static final int QUERIES = 1000;

  @Param("20000")
  public int events;

  private Path dir;
  private Aeon aeon;
  private Memory memory;
  private float[][] queries;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException, DataUnavailableException {
    Background glosses = Background.wordnet(events + QUERIES);
    queries = Arrays.copyOfRange(glosses.vectors(), events, events + QUERIES);
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "recall-bench-");
    load(dir, glosses.texts().subList(0, events), Arrays.copyOf(glosses.vectors(), events));
    aeon = Aeon.open(dir, AeonOptions.defaults());
    memory = aeon.memory();
  }

  /** Remembers the glosses (durability OFF: the load is not measured), checkpoints and closes. */
  static void load(Path dir, List<String> texts, float[][] vectors) {
    try (Aeon loading = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.OFF))) {
      Memory m = loading.memory();
      for (int i = 0; i < vectors.length; i++) {
        m.remember(Remember.event("s" + (i % 100), "user", texts.get(i)).vector(vectors[i]));
      }
      m.checkpoint();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    aeon.close();
    BenchFiles.deleteTree(dir);
  }

  private float[] nextQuery() {
    float[] q = queries[next];
    next = next + 1 == queries.length ? 0 : next + 1;
    return q;
  }

  @Benchmark
  public List<Recalled> recall() {
    return memory.recall(Recall.vector(nextQuery(), K).slb(false));
  }

  @Benchmark
  public List<Recalled> recall_slb() {
    return memory.recall(Recall.vector(nextQuery(), K));
  }
}
