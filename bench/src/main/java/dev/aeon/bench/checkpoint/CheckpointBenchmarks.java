package dev.aeon.bench.checkpoint;

import dev.aeon.bench.util.BenchFiles;
import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.StagedFlush;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * The index's snapshot under a checkpoint's lock ({@link AtlasIndex#stageFlush}) on an index of {@link
 * Built#entries} vectors of 384 dimensions, inserted one at a time as the engine inserts them, after {@link
 * Churn#pairs} inserts and deletes since the last checkpoint (what the contention benchmark's writer does between
 * two of its checkpoints: 200 pairs a second, a checkpoint every 5 s); each stage is committed before the next
 * one's changes, as the checkpoint commits it after the pause. The baseline, {@code pair}, is one such insert and
 * delete in the same index: the ratio says how many of the writer's steps a checkpoint's pause costs.
 *
 * <p>Each operation's time is sampled ({@code Mode.SampleTime}), so that the median can be read beside the mean: a
 * young collection or a lost time slice inside one of the few stages an iteration times (each follows the 1,000
 * changes) moved the mean by whole milliseconds.
 *
 * <p>The vectors are random around {@value #CLUSTERS} random centers (seeded), so that the tree's leaves cluster as
 * they do on embeddings, without a model or a download.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CheckpointBenchmarks {

  static final int DIM = 384;
  static final int CLUSTERS = 2_000;

  /** The index, built once per fork; ids are inserted in order and deleted oldest first, so its size stays put. */
  @State(Scope.Thread)
  public static class Built {

    @Param("100000")
    public int entries;

    AtlasIndex index;
    private Path dir;
    private float[][] centers;
    private final SplittableRandom random = new SplittableRandom(42);
    private final float[] vector = new float[DIM];
    private long nextId;
    private long oldest;
    StagedFlush staged;

    @Setup(Level.Trial)
    public void build() throws IOException {
      SplittableRandom seeds = new SplittableRandom(7);
      centers = new float[CLUSTERS][DIM];
      for (float[] c : centers) {
        for (int j = 0; j < DIM; j++) {
          c[j] = (float) seeds.nextGaussian();
        }
      }
      dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "checkpoint-bench-");
      index = AtlasIndex.create(dir.resolve("atlas"), AtlasConfig.of(DIM));
      for (int i = 0; i < entries; i++) {
        insert();
      }
      index.flush();
      System.out.println("checkpoint: the index built: " + index.stats()); // its leaves, inner nodes and pages
    }

    /** Inserts the next id, a vector near a random center. */
    void insert() {
      float[] c = centers[random.nextInt(CLUSTERS)];
      for (int j = 0; j < DIM; j++) {
        vector[j] = c[j] + 0.3f * (float) random.nextGaussian();
      }
      index.add(nextId++, vector);
    }

    /** One insert and one delete of the oldest id, as the contention benchmark's writer remembers and forgets. */
    void pair() {
      insert();
      index.remove(oldest++);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      index.close();
      BenchFiles.deleteTree(dir);
    }
  }

  /** The commit of the last stage, then the changes until the next one, before each stage. */
  @State(Scope.Thread)
  public static class Churn {

    @Param("1000")
    public int pairs;

    @Setup(Level.Invocation)
    public void changes(Built b) throws IOException {
      if (b.staged != null) {
        b.staged.commit();
        b.staged = null;
      }
      for (int i = 0; i < pairs; i++) {
        b.pair();
      }
    }
  }

  /** The index's snapshot, as a checkpoint takes it under the writers' lock. */
  @Benchmark
  public StagedFlush stage(Built b, Churn c) {
    b.staged = b.index.stageFlush();
    return b.staged;
  }

  /** The baseline: one insert and one delete. */
  @Benchmark
  public void pair(Built b) {
    b.pair();
  }
}
