package dev.aeon.bench.server;

import dev.aeon.bench.util.Latencies;
import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.DoubleStream;

/**
 * What a leaf split costs the thread that inserts: one Atlas index of the default shape in this process, random
 * Gaussian vectors inserted one at a time, each insert timed, and those after which the index has one more leaf
 * counted as splits (nothing is removed, so a leaf is only ever added by a split). The first
 * {@link #WARM_UP} inserts are not counted: the JIT compiles the insert path meanwhile.
 */
final class SplitCost {

  private static final int WARM_UP = 2_000;

  /**
   * The counted inserts, those that split, and their times in microseconds: wall-clock, and the inserting thread's
   * CPU time for those that split (on a machine shared with other work, the wall-clock time of a split counts the
   * time the thread waited for a core).
   */
  record Result(int inserts, int splits, double insertP50Us, double insertP99Us, double splitP50Us,
      double splitP99Us, double splitMaxUs, double splitCpuP50Us, double splitCpuP99Us) {

    double splitsPerInsert() {
      return splits / (double) inserts;
    }
  }

  private SplitCost() {}

  static Result measure(Path dir, int dimension, int inserts) throws IOException {
    Random rnd = new Random(7);
    float[] v = new float[dimension];
    DoubleStream.Builder plain = DoubleStream.builder();
    DoubleStream.Builder splits = DoubleStream.builder();
    DoubleStream.Builder splitsCpu = DoubleStream.builder();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(dimension))) {
      int leaves = index.stats().leaves();
      for (int i = 0; i < WARM_UP + inserts; i++) {
        for (int j = 0; j < dimension; j++) {
          v[j] = (float) rnd.nextGaussian();
        }
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        index.add(i, v);
        double us = (System.nanoTime() - start) / 1e3;
        double cpuUs = (threads.getCurrentThreadCpuTime() - cpu) / 1e3;
        int now = index.stats().leaves();
        if (i >= WARM_UP) {
          (now > leaves ? splits : plain).add(us);
          if (now > leaves) {
            splitsCpu.add(cpuUs);
          }
        }
        leaves = now;
      }
    }
    double[] p = plain.build().toArray();
    double[] s = splits.build().toArray();
    double[] c = splitsCpu.build().toArray();
    return new Result(inserts, s.length, Latencies.median(p), Latencies.percentile(p, 0.99), Latencies.median(s),
        Latencies.percentile(s, 0.99), Latencies.max(s), Latencies.median(c), Latencies.percentile(c, 0.99));
  }
}
