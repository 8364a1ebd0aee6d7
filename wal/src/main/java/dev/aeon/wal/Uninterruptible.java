package dev.aeon.wal;

/**
 * Waits that the log's open and close see through whatever the caller's interrupts: a close that gave up at an
 * interrupt released the directory while the flusher still wrote (in mode ASYNC it never stopped, and what it had
 * written was never forced), and an open that gave up did not wait for the flusher to start. The interrupt
 * stays set for the caller.
 */
final class Uninterruptible {

  /** A wait that an interrupt cuts short, as {@code CountDownLatch::await} or {@code Thread::join}. */
  interface Wait {
    void await() throws InterruptedException;
  }

  private Uninterruptible() {}

  static void await(Wait wait) {
    boolean interrupted = false;
    while (true) {
      try {
        wait.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
