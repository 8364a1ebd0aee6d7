package dev.aeon.bench.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time of each of this process's threads, native ones too (ONNX runtime's, the JVM's compiler and collector
 * threads), read from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a core) and {@code comm} (the
 * thread's name, cut at 15 characters). Where the process CPU of a configuration goes, which neither
 * {@code ThreadMXBean} (Java threads only) nor the process total says. Threads are grouped by name with a trailing
 * number dropped ({@code GC Thread#0} and {@code GC Thread#1} are {@code GC Thread#}); a thread that ended between
 * two snapshots takes its time with it, which {@link #between} reports as what the process used besides.
 */
public final class ThreadCpu {

  private static final Path TASKS = Path.of("/proc/self/task");

  /** One thread when the snapshot was taken. */
  private record Task(String group, long nanos) {}

  private final Map<Long, Task> tasks;

  private ThreadCpu(Map<Long, Task> tasks) {
    this.tasks = tasks;
  }

  /** Every thread's CPU time now; empty where {@code /proc} does not show them. */
  public static ThreadCpu now() {
    Map<Long, Task> tasks = new HashMap<>();
    try (Stream<Path> dirs = Files.list(TASKS)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        try {
          String name = Files.readString(dir.resolve("comm")).strip();
          String schedstat = Files.readString(dir.resolve("schedstat"));
          long nanos = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
          tasks.put(Long.parseLong(dir.getFileName().toString()), new Task(group(name), nanos));
        } catch (NoSuchFileException ended) {
          // the thread ended while the folder was listed
        }
      }
    } catch (IOException | RuntimeException e) {
      return new ThreadCpu(Map.of()); // not Linux, or no schedstat: nothing to break down
    }
    return new ThreadCpu(tasks);
  }

  /**
   * The CPU time each group of threads used from {@code before} to this snapshot (a thread born meanwhile: all of its
   * time), in nanoseconds, by group name, with what the process used besides ({@code processNanos} less the sum: the
   * threads that ended meanwhile) under {@code "(ended threads)"} when positive.
   */
  public Map<String, Long> since(ThreadCpu before, long processNanos) {
    Map<String, Long> groups = new TreeMap<>();
    long attributed = 0;
    for (Map.Entry<Long, Task> e : tasks.entrySet()) {
      Task earlier = before.tasks.get(e.getKey());
      long used = e.getValue().nanos() - (earlier == null ? 0 : earlier.nanos());
      if (used > 0) {
        groups.merge(e.getValue().group(), used, Long::sum);
        attributed += used;
      }
    }
    if (!tasks.isEmpty() && processNanos > attributed) {
      groups.put("(ended threads)", processNanos - attributed);
    }
    return groups;
  }

  /** The name without a trailing number (and a {@code -} before it): the threads of one pool together. */
  static String group(String name) {
    int end = name.length();
    while (end > 0 && Character.isDigit(name.charAt(end - 1))) {
      end--;
    }
    if (end < name.length() && end > 0 && name.charAt(end - 1) == '-') {
      end--;
    }
    return end == 0 ? name : name.substring(0, end);
  }
}
