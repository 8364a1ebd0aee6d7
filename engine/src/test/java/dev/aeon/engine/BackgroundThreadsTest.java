package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.os.BackgroundPriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's background threads (here the checkpoint thread and the log's segment preallocator) run at
 * {@link BackgroundPriority#NICE}, while the threads that call the engine keep theirs, and leave the cores
 * alone when there is nothing to do; a checkpoint's pause, which holds writers back, runs at the priority of
 * the thread that opened the namespace.
 */
class BackgroundThreadsTest {

  @TempDir
  Path dir;

  @Test
  void checkpointsAndPreallocationRunAtTheBackgroundPriority() throws Exception {
    assumeTrue(BackgroundPriority.unavailableReason().isEmpty(), () -> BackgroundPriority.unavailableReason().get());
    int callerNice = niceOf(Path.of("/proc/thread-self"));
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      // Past half of a 1 MiB log segment, so that the next segment is preallocated.
      String text = "x".repeat(2_000);
      for (int i = 0; i < 400; i++) {
        m.remember(Remember.event("s", "user", text + i).vector(TestVectors.unit(i)));
      }
      // Each thread lowers itself as it starts, so give it a moment.
      for (String name : List.of("aeon-checkpoint", "aeon-wal-preall")) {
        List<Integer> nices = awaitThreads(name);
        assertFalse(nices.isEmpty(), "no thread named " + name + "*");
        for (int nice : nices) {
          assertEquals(BackgroundPriority.NICE, nice, name);
        }
      }
      assertEquals(callerNice, niceOf(Path.of("/proc/thread-self")), "the caller keeps its priority");
    }
  }

  /**
   * Once a checkpoint interval has passed with nothing logged, the checkpoint thread looks again about once
   * a second (it used to poll every millisecond: a thousand wake-ups a second that each took a core from a
   * reader). Counted by the kernel: the thread's voluntary context switches, in its {@code status}.
   */
  @Test
  void anIdleCheckpointThreadRarelyWakes() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/thread-self/status")), "needs Linux's per-thread status");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withCheckpoints(1 << 30, Duration.ofMillis(20)))) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "one event").vector(TestVectors.unit(1)));
      for (long deadline = System.nanoTime() + 10_000_000_000L; m.stats().checkpoints() == 0; Thread.sleep(5)) {
        assertTrue(System.nanoTime() < deadline, "no background checkpoint within 10 s");
      }
      Path thread = threadsNamed("aeon-checkpoint").getFirst();
      Thread.sleep(300); // the checkpoint's last steps (forces, each a wait) are not idleness
      long before = wakeUps(thread);
      Thread.sleep(1_000);
      long wakeUps = wakeUps(thread) - before;
      assertTrue(wakeUps <= 5, "the idle checkpoint thread woke " + wakeUps + " times in a second");
    }
  }

  /**
   * With nothing to do, the checkpoint threads and the reclaimer of retired memory wait without a timeout: a
   * process with many idle namespaces woke each one's reclaimer every 50 ms and checkpoint thread every second
   * (`./aeon bench open`: 133 ms of CPU per second with 200 open, against 3 with none).
   */
  @Test
  void anIdleNamespacesThreadsWaitWithoutTimeout() throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withCheckpoints(1 << 30, Duration.ofMillis(20)))) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "one event").vector(TestVectors.unit(1)));
      for (long deadline = System.nanoTime() + 10_000_000_000L; m.stats().checkpoints() == 0; Thread.sleep(5)) {
        assertTrue(System.nanoTime() < deadline, "no background checkpoint within 10 s");
      }
      List<String> notWaiting = List.of();
      for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(20)) {
        notWaiting = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("aeon-checkpoint-") || t.getName().equals("aeon-ebr-reclaimer"))
            .filter(t -> t.getState() != Thread.State.WAITING).map(t -> t.getName() + " " + t.getState()).toList();
        if (notWaiting.isEmpty()) {
          break;
        }
      }
      assertEquals(List.of(), notWaiting, "idle threads that wake on a timer");
    }
  }

  /**
   * The namespaces of one {@code Aeon} share its checkpoint, pause and reclamation threads (each namespace
   * held one of each), and each is still checkpointed in the background; closing the {@code Aeon} ends them.
   */
  @Test
  void namespacesShareTheBackgroundThreadsAndCloseEndsThem() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    List<Thread> started;
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withCheckpoints(1 << 30, Duration.ofMillis(20)))) {
      List<Memory> namespaces = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Memory m = aeon.namespace("agent-" + i);
        m.remember(Remember.event("s", "user", "event of agent " + i).vector(TestVectors.unit(i)));
        namespaces.add(m);
      }
      for (Memory m : namespaces) {
        for (long deadline = System.nanoTime() + 10_000_000_000L; m.stats().checkpoints() == 0; Thread.sleep(5)) {
          assertTrue(System.nanoTime() < deadline, "namespace " + m.name() + " not checkpointed within 10 s");
        }
      }
      started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).toList();
      Map<String, Long> shared = started.stream().map(Thread::getName)
          .filter(n -> n.startsWith("aeon-checkpoint-") || n.startsWith("aeon-pause-")
              || n.equals("aeon-ebr-reclaimer"))
          .collect(Collectors.groupingBy(n -> n.replaceAll("-[0-9]+$", ""), Collectors.counting()));
      assertEquals(Map.of("aeon-checkpoint", (long) BackgroundThreads.CHECKPOINT_THREADS,
          "aeon-pause", (long) BackgroundThreads.PAUSE_THREADS, "aeon-ebr-reclaimer", 1L), shared);
    }
    for (Thread t : started) {
      t.join(10_000); // a pool's thread may still be on its way out as its pool reports termination
    }
    assertEquals(List.of(), started.stream().filter(Thread::isAlive).map(Thread::getName).toList(),
        "threads left running after close");
  }

  @Test
  void aBackgroundCheckpointPausesOnAThreadWithTheOpenersPriority() throws Exception {
    assumeTrue(BackgroundPriority.unavailableReason().isEmpty(), () -> BackgroundPriority.unavailableReason().get());
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withCheckpoints(1 << 30, Duration.ofMillis(500)))) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "one event").vector(TestVectors.unit(1)));
      List<Path> pauseThreads = threadsNamed("aeon-pause");
      assertEquals(BackgroundThreads.PAUSE_THREADS, pauseThreads.size(), "pause threads");
      long before = 0;
      for (Path pauseThread : pauseThreads) {
        assertEquals(niceOf(Path.of("/proc/thread-self")), niceOf(pauseThread), "the pause thread's nice value");
        before += runNanos(pauseThread);
      }
      for (long deadline = System.nanoTime() + 10_000_000_000L; m.stats().checkpoints() == 0; Thread.sleep(5)) {
        assertTrue(System.nanoTime() < deadline, "no background checkpoint within 10 s");
      }
      long after = 0;
      for (Path pauseThread : pauseThreads) {
        after += runNanos(pauseThread);
      }
      assertTrue(after > before, "no pause thread ran the background checkpoint's pause");
      assertTrue(m.stats().longestCheckpointPause().totalMicros() > 0, "no pause recorded");
    }
  }

  /** Nanoseconds the thread has run on a core, the first figure of its {@code schedstat}. */
  private static long runNanos(Path task) throws IOException {
    return schedstat(task, 0);
  }

  /**
   * How often the thread gave up its core to wait (sleep, park, I/O): its voluntary context switches.
   * Not its time slices, which a busy machine multiplies by preempting it.
   */
  private static long wakeUps(Path task) throws IOException {
    for (String line : Files.readAllLines(task.resolve("status"))) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new IOException("no voluntary_ctxt_switches in " + task.resolve("status"));
  }

  private static long schedstat(Path task, int field) throws IOException {
    return Long.parseLong(Files.readString(task.resolve("schedstat")).strip().split(" ")[field]);
  }

  /** Nice values of this process's threads whose name starts with {@code prefix}, once all are lowered. */
  private static List<Integer> awaitThreads(String prefix) throws Exception {
    List<Integer> nices = List.of();
    for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(20)) {
      nices = threadNices(prefix);
      if (!nices.isEmpty() && nices.stream().allMatch(n -> n == BackgroundPriority.NICE)) {
        break;
      }
    }
    return nices;
  }

  private static List<Integer> threadNices(String prefix) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (Path task : threadsNamed(prefix)) {
      try {
        out.add(niceOf(task));
      } catch (NoSuchFileException e) {
        // the thread ended meanwhile
      }
    }
    return out;
  }

  /** This process's threads ({@code /proc/self/task/TID}) whose name starts with {@code prefix}. */
  private static List<Path> threadsNamed(String prefix) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
            out.add(task);
          }
        } catch (NoSuchFileException e) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }

  /** Field 19 of a task's {@code stat}: its nice value. */
  private static int niceOf(Path task) throws IOException {
    String stat = Files.readString(task.resolve("stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
  }
}
