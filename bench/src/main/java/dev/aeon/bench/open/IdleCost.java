package dev.aeon.bench.open;

import com.sun.management.OperatingSystemMXBean;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.MemoryStats;
import dev.aeon.engine.Remember;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * What open namespaces cost while nobody uses them: the process's CPU time per second over a quiet spell with
 * {@code count} small namespaces open, against the same spell with none open, measured first in the same
 * process (the JVM's own threads: compiler, GC), in one durability mode (ASYNC has a thread of its own that
 * forces the log). A server keeps a namespace open for {@code --namespace-idle} after its last command.
 */
final class IdleCost {

  /** The result: CPU milliseconds per second of the process with none and with {@code count} open, threads. */
  record Result(int count, double noneMsPerS, double openMsPerS, int threadsNone, int threadsOpen) {}

  private IdleCost() {}

  static Result measure(Path dir, int count, long quietMillis, Durability durability) throws InterruptedException {
    System.gc();
    Thread.sleep(1_000);
    int threadsNone = ManagementFactory.getThreadMXBean().getThreadCount();
    double none = cpuMsPerSecond(quietMillis);
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(durability))) {
      for (int i = 0; i < count; i++) {
        aeon.namespace("idle-" + i).remember(Remember.event("s", "user", "hello").vector(new float[] {1, 0, 0}));
      }
      awaitCheckpoints(aeon, count); // each namespace's first write is checkpointed in the background
      Thread.sleep(1_000); // and what those checkpoints retired is reclaimed
      int threadsOpen = ManagementFactory.getThreadMXBean().getThreadCount();
      return new Result(count, none, cpuMsPerSecond(quietMillis), threadsNone, threadsOpen);
    }
  }

  private static void awaitCheckpoints(Aeon aeon, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      MemoryStats s = aeon.namespace("idle-" + i).stats();
      while (s.checkpointLsn() < s.lastLsn()) {
        Thread.sleep(10);
        s = aeon.namespace("idle-" + i).stats();
      }
    }
  }

  private static double cpuMsPerSecond(long millis) throws InterruptedException {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long start = System.nanoTime();
    Thread.sleep(millis);
    return (os.getProcessCpuTime() - cpu) / 1e6 / ((System.nanoTime() - start) / 1e9);
  }
}
