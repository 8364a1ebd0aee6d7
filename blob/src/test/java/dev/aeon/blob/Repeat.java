package dev.aeon.blob;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Background threads for the concurrency tests: one action, again and again. */
final class Repeat {

  private Repeat() {}

  /** A thread that runs {@code action} and counts it until {@code stop}; its first failure ends it. */
  static Thread untilStopped(Runnable action, AtomicLong count, AtomicBoolean stop, Queue<Throwable> failures) {
    return Thread.ofPlatform().start(() -> {
      try {
        while (!stop.get()) {
          action.run();
          count.incrementAndGet();
        }
      } catch (Throwable t) {
        failures.add(t);
      }
    });
  }
}
