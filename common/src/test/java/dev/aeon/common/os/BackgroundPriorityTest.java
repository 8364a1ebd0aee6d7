package dev.aeon.common.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

  @Test
  void lowersOnlyTheCallingThread() throws Exception {
    assumeTrue(BackgroundPriority.unavailableReason().isEmpty(), () -> BackgroundPriority.unavailableReason().get());
    int before = niceOfThisThread();
    AtomicInteger lowered = new AtomicInteger(Integer.MIN_VALUE);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        assertTrue(BackgroundPriority.lowerCurrentThread());
        lowered.set(niceOfThisThread());
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(BackgroundPriority.NICE, lowered.get());
    assertEquals(before, niceOfThisThread(), "the caller's own thread keeps its priority");
  }

  @Test
  void leavesVirtualThreadsAlone() throws Exception {
    AtomicReference<Boolean> result = new AtomicReference<>();
    Thread.ofVirtual().start(() -> result.set(BackgroundPriority.lowerCurrentThread())).join();
    assertFalse(result.get());
  }

  /** Field 19 of {@code /proc/thread-self/stat}: the calling thread's nice value. */
  static int niceOfThisThread() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]); // fields after the name start at field 3
  }
}
