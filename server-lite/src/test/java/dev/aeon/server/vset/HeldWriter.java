package dev.aeon.server.vset;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * For tests of what a vector-set writer does with a set dropped under it: holds the next writer that fetched a set,
 * just before it takes the set's lock, until {@link #release}, so that a test can fail the set's namespace and change
 * the reopened one meanwhile. Lives in the package of {@link VectorSets} for its test-only hook ({@code
 * VectorSets.beforeLocking}); one at a time, and {@link #close} removes it.
 */
public final class HeldWriter implements AutoCloseable {

  private final AtomicBoolean taken = new AtomicBoolean();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  private HeldWriter() {}

  /** From now on the first writer to lock a set waits until {@link #release}; the writers after it do not. */
  public static HeldWriter holdNext() {
    HeldWriter h = new HeldWriter();
    if (VectorSets.beforeLocking != null) {
      throw new IllegalStateException("a writer is held already");
    }
    VectorSets.beforeLocking = h::beforeLocking;
    return h;
  }

  private void beforeLocking() {
    if (!taken.compareAndSet(false, true)) {
      return;
    }
    held.countDown();
    boolean interrupted = false;
    while (true) {
      try {
        released.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until a writer is held here; false if none is within {@code seconds}. */
  public boolean awaitHeld(long seconds) throws InterruptedException {
    return held.await(seconds, TimeUnit.SECONDS);
  }

  /** Lets the held writer go on. */
  public void release() {
    released.countDown();
  }

  /** Releases the writer still held and removes the hook. */
  @Override
  public void close() {
    released.countDown();
    VectorSets.beforeLocking = null;
  }
}
