package dev.aeon.bench.util;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What every thread of this process did over a phase, from Linux's per-thread scheduler counters
 * ({@code /proc/self/task/TID/schedstat}: nanoseconds on a core, nanoseconds runnable but waiting for one,
 * time slices): who took the cores from the readers, and how long the readers queued for one. Covers the
 * JVM's own threads too (C2, G1), which {@code ThreadMXBean} does not list. Threads are grouped by their
 * name as the kernel keeps it (15 bytes) without its closing number ("reader-7" and "reader-12" are
 * "reader-"). Beside them, the whole machine's idle and steal time ({@code /proc/stat}): time the
 * hypervisor gave to other guests slows every phase alike and tells a noisy run. And the garbage
 * collector's pauses, which stop every reader at once (G1's beans count only its stop-the-world phases).
 *
 * <p>Elsewhere than on Linux, or where the counters are missing, {@link #take()} returns an empty snapshot
 * and the bench reports no groups.
 */
public final class ThreadTimes {

  /** One thread's counters. */
  private record Counters(String group, long runNanos, long waitNanos, long slices) {}

  /** Clock ticks per second of {@code /proc/stat}'s counters (USER_HZ, 100 on every Linux ABI in use). */
  private static final double TICKS_PER_S = 100;

  private final long takenNanos;
  private final Map<Long, Counters> byTid;
  /** {@code /proc/stat}'s idle and steal ticks summed over the cores, or null where unreadable. */
  private final long[] idleAndSteal;
  /** Collections and their milliseconds summed over the JVM's collectors. */
  private final long[] gcPauses;

  private ThreadTimes(long takenNanos, Map<Long, Counters> byTid, long[] idleAndSteal) {
    this.takenNanos = takenNanos;
    this.byTid = byTid;
    this.idleAndSteal = idleAndSteal;
    this.gcPauses = gcPauses();
  }

  private static long[] gcPauses() {
    long[] sum = new long[2];
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum[0] += Math.max(0, gc.getCollectionCount());
      sum[1] += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** The counters of every live thread of this process now. */
  public static ThreadTimes take() {
    Map<Long, Counters> byTid = new TreeMap<>();
    long now = System.nanoTime();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        Counters c = read(task);
        if (c != null) {
          byTid.put(Long.parseLong(task.getFileName().toString()), c);
        }
      }
    } catch (IOException | RuntimeException e) {
      return new ThreadTimes(now, Map.of(), null);
    }
    return new ThreadTimes(now, byTid, idleAndSteal());
  }

  /** From the first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...". */
  private static long[] idleAndSteal() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      return new long[] {Long.parseLong(f[4]), Long.parseLong(f[8])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Counters read(Path task) throws IOException {
    try {
      String name = Files.readString(task.resolve("comm")).strip();
      String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
      return new Counters(group(name), Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    } catch (NoSuchFileException gone) {
      return null; // the thread ended while the directory was listed
    }
  }

  /** "reader-12" and "reader-3" → "reader-"; "G1 Conc#0" → "G1 Conc#"; "C2 CompilerThre" stays. */
  static String group(String threadName) {
    return threadName.replaceFirst("[0-9]+$", "").strip();
  }

  /**
   * Nanoseconds on a core per group from {@code before} to this snapshot, counted as {@link #since} counts them; with
   * {@code processNanos} (the process's CPU time over the same interval) what the process used besides, the threads
   * that ended meanwhile, under {@code "(ended threads)"} when positive.
   */
  public Map<String, Long> cpuNanosSince(ThreadTimes before, long processNanos) {
    Map<String, Long> groups = new TreeMap<>();
    byTid.forEach((tid, now) -> {
      Counters then = before.byTid.get(tid);
      long used = now.runNanos - (then != null && then.group.equals(now.group) ? then.runNanos : 0);
      if (used > 0) {
        groups.merge(now.group, used, Long::sum);
      }
    });
    long ended = processNanos - groups.values().stream().mapToLong(Long::longValue).sum();
    if (!byTid.isEmpty() && ended > 0) {
      groups.put("(ended threads)", ended);
    }
    return groups;
  }

  /**
   * What happened from {@code before} to this snapshot. Per group: milliseconds on a core and milliseconds
   * waiting for one, each per second of the interval, and the number of threads. A thread absent from
   * {@code before} started during the interval and counts from zero; one absent now ended and is not counted.
   */
  public Usage since(ThreadTimes before) {
    double seconds = (takenNanos - before.takenNanos) / 1e9;
    Map<String, long[]> sums = new TreeMap<>();
    byTid.forEach((tid, now) -> {
      Counters then = before.byTid.get(tid);
      boolean same = then != null && then.group.equals(now.group);
      long[] s = sums.computeIfAbsent(now.group, g -> new long[4]);
      s[0] += now.runNanos - (same ? then.runNanos : 0);
      s[1] += now.waitNanos - (same ? then.waitNanos : 0);
      s[2] += now.slices - (same ? then.slices : 0);
      s[3]++;
    });
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    sums.entrySet().stream()
        .filter(e -> e.getValue()[0] > 0)
        .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(e -> {
          long[] s = e.getValue();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("cpu_ms_per_s", round1(s[0] / 1e6 / seconds));
          m.put("runqueue_wait_ms_per_s", round1(s[1] / 1e6 / seconds));
          m.put("mean_wait_per_slice_us", s[2] == 0 ? 0.0 : round1(s[1] / 1e3 / s[2]));
          m.put("threads", s[3]);
          groups.put(e.getKey(), m);
        });
    boolean machineKnown = idleAndSteal != null && before.idleAndSteal != null;
    return new Usage(groups,
        machineKnown ? round1((idleAndSteal[0] - before.idleAndSteal[0]) * 1000 / TICKS_PER_S / seconds) : -1,
        machineKnown ? round1((idleAndSteal[1] - before.idleAndSteal[1]) * 1000 / TICKS_PER_S / seconds) : -1,
        gcPauses[0] - before.gcPauses[0], gcPauses[1] - before.gcPauses[1]);
  }

  /**
   * What a phase's threads and the machine did, per second of the phase; the machine's idle and stolen
   * milliseconds are summed over its cores, -1 where unknown. The GC's pauses are totals over the phase.
   */
  public record Usage(Map<String, Map<String, Object>> groups, double idleMsPerS, double stealMsPerS, long gcPauses,
      long gcPauseMillis) {

    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("machine_idle_ms_per_s", idleMsPerS);
      m.put("machine_steal_ms_per_s", stealMsPerS);
      m.put("gc_pauses", gcPauses);
      m.put("gc_pause_ms", gcPauseMillis);
      m.put("threads", groups);
      return m;
    }

    /** The machine, then the groups that used at least {@code minCpuMsPerS}, one per line, for the console. */
    public String describe(double minCpuMsPerS) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
          "%47smachine: idle %.0f ms/s, stolen by the hypervisor %.0f ms/s; GC: %d pauses, %d ms in all%n", "",
          idleMsPerS, stealMsPerS, gcPauses, gcPauseMillis));
      groups.forEach((group, m) -> {
        if ((double) m.get("cpu_ms_per_s") >= minCpuMsPerS) {
          sb.append(String.format(Locale.ROOT, "%47s%-16s cpu %6.1f ms/s  waiting for a core %6.1f ms/s"
                  + " (%.0f us per slice)%n", "", group, m.get("cpu_ms_per_s"), m.get("runqueue_wait_ms_per_s"),
              m.get("mean_wait_per_slice_us")));
        }
      });
      return sb.toString();
    }
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
