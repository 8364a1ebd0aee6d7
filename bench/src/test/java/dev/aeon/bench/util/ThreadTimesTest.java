package dev.aeon.bench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadTimesTest {

  @Test
  void threadsOfOnePoolAreOneGroup() {
    assertEquals("GC Thread#", ThreadTimes.group("GC Thread#1"));
    assertEquals("aeon-command-", ThreadTimes.group("aeon-command-12"));
    assertEquals("java", ThreadTimes.group("java"));
    assertEquals("C2 CompilerThre", ThreadTimes.group("C2 CompilerThre"));
  }

  @Test
  void aThreadsCpuIsCountedUnderItsName() throws InterruptedException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long burn = 50_000_000L;
    Thread[] burner = new Thread[1];
    ThreadTimes before = ThreadTimes.take();
    burner[0] = Thread.ofPlatform().name("cpu-burner-7").start(() -> {
      long start = mx.getCurrentThreadCpuTime();
      long x = 0;
      while (mx.getCurrentThreadCpuTime() - start < burn) {
        x += System.nanoTime() & 1;
      }
      if (x == 42) {
        System.out.print(""); // keeps the loop's work alive
      }
      try {
        Thread.sleep(Long.MAX_VALUE); // alive at the second snapshot, so its time is its own, not an ended thread's
      } catch (InterruptedException done) {
        // the test is over
      }
    });
    while (mx.getThreadCpuTime(burner[0].threadId()) < burn) {
      Thread.sleep(5);
    }
    Map<String, Long> used = ThreadTimes.take().cpuNanosSince(before, 0);
    burner[0].interrupt();
    burner[0].join();
    assertTrue(used.getOrDefault("cpu-burner-", 0L) >= burn * 9 / 10, "the burner's CPU: " + used);
  }
}
