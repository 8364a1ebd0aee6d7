package dev.aeon.bench.open;

import com.sun.management.OperatingSystemMXBean;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.MemoryStats;
import dev.aeon.engine.Remember;
import dev.aeon.common.io.DataExtents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What open namespaces cost while nobody uses them: the process's CPU time per second over a quiet spell with
 * {@code count} small namespaces open, against the same spell with none open, measured first in the same
 * process (the JVM's own threads: compiler, GC), in one durability mode (ASYNC has a thread of its own that
 * forces the log); and their threads, their memory (the heap in use after a collection, direct buffers) and
 * the data their files hold on disk (holes not counted). A server keeps a namespace open for
 * {@code --namespace-idle} after its last command, and a server with a namespace per agent may hold thousands.
 */
final class IdleCost {

  /**
   * The result: CPU milliseconds per second of the process, threads, heap bytes in use after a collection and
   * direct-buffer bytes, with none and with {@code count} open; the bytes of data in the namespaces' files.
   */
  record Result(int count, double noneMsPerS, double openMsPerS, int threadsNone, int threadsOpen, long heapNone,
      long heapOpen, long directNone, long directOpen, long diskBytes) {}

  private IdleCost() {}

  static Result measure(Path dir, int count, long quietMillis, Durability durability) throws InterruptedException {
    System.gc();
    Thread.sleep(1_000);
    int threadsNone = ManagementFactory.getThreadMXBean().getThreadCount();
    long heapNone = heapAfterCollection();
    long directNone = directBytes();
    double none = cpuMsPerSecond(quietMillis);
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(durability))) {
      for (int i = 0; i < count; i++) {
        aeon.namespace("idle-" + i).remember(Remember.event("s", "user", "hello").vector(new float[] {1, 0, 0}));
      }
      awaitCheckpoints(aeon, count); // each namespace's first write is checkpointed in the background
      Thread.sleep(1_000); // and what those checkpoints retired is reclaimed
      int threadsOpen = ManagementFactory.getThreadMXBean().getThreadCount();
      double open = cpuMsPerSecond(quietMillis);
      return new Result(count, none, open, threadsNone, threadsOpen, heapNone, heapAfterCollection(), directNone,
          directBytes(), dataBytes(dir.resolve("ns")));
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

  private static long heapAfterCollection() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
  }

  /** The bytes of data in the files under {@code dir}: what they take on disk, their holes not counted. */
  private static long dataBytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      long total = 0;
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        total += DataExtents.dataBytes(f);
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
