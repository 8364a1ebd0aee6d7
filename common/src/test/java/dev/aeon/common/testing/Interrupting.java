package dev.aeon.common.testing;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs a writer that is interrupted all the time: an interrupt that lands in a file channel's I/O closes the
 * channel for every thread (ClosedByInterruptException), so the stores must write and map out of its reach.
 */
public final class Interrupting {

  /** The writer's work; it clears its interrupt where it would otherwise stop (e.g. {@code Thread.interrupted()}). */
  public interface Work {
    void run() throws Exception;
  }

  private Interrupting() {}

  /**
   * Runs {@code work} on a thread of its own and interrupts it as fast as parks of 2 µs allow until it ends;
   * fails with what it threw. Returns how many interrupts were sent.
   */
  public static int runInterrupted(Work work) throws InterruptedException {
    Throwable[] failure = new Throwable[1];
    Thread writer = Thread.ofPlatform().name("interrupted-writer").start(() -> {
      try {
        work.run();
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    int interrupts = 0;
    while (writer.isAlive()) {
      writer.interrupt();
      interrupts++;
      LockSupport.parkNanos(2_000);
    }
    writer.join();
    if (failure[0] != null) {
      throw new AssertionError("the interrupted writer failed", failure[0]);
    }
    return interrupts;
  }
}
