package dev.aeon.bench.trace;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the measuring thread got from the machine: on a machine shared with other work a latency
 * percentile can be a scheduler's time slice rather than the operation's work, so each timed phase also
 * counts how often the thread was preempted (Linux: {@code nonvoluntary_ctxt_switches}) and, in a second
 * pass, how much CPU time each operation itself used.
 */
final class CpuShare {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Path STATUS = Path.of("/proc/thread-self/status");

  private CpuShare() {}

  /** Involuntary context switches of the calling thread so far, or -1 where the OS does not say. */
  static long preemptions() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("nonvoluntary_ctxt_switches:")) {
          return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: unknown
    }
    return -1;
  }

  /** CPU time of the calling thread in nanoseconds, or -1 if the JVM cannot measure it. */
  static long cpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
  }
}
