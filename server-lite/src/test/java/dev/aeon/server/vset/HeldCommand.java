package dev.aeon.server.vset;

import dev.aeon.common.io.Uninterruptibly;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * For tests of what a vector-set command does with a set whose namespace fails under it: holds the next command at
 * one of the test-only hooks of {@link VectorSets} until {@link #release}, so that a test can fail the set's namespace
 * and change the reopened one meanwhile. {@link #holdNext}: a command that fetched a set (a writer just before it
 * takes the set's lock, VEMB or VGETATTR before it reads the element's event; {@code VectorSets.afterFetching}).
 * {@link #holdNextLoad}: a command loading a set, once it has read the set's events ({@code VectorSets.afterLoading}).
 * Lives in the package of {@link VectorSets} for those hooks; one at a time, and {@link #close} removes it.
 */
public final class HeldCommand implements AutoCloseable {

  private final AtomicBoolean taken = new AtomicBoolean();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  private HeldCommand() {}

  /** From now on the first command to use a set it fetched waits until {@link #release}; those after it do not. */
  public static HeldCommand holdNext() {
    refuseASecond();
    HeldCommand h = new HeldCommand();
    VectorSets.afterFetching = h::hold;
    return h;
  }

  /**
   * From now on the first command to load a set waits, once it has read the set's events from the namespace that holds
   * them, until {@link #release}; those after it do not.
   */
  public static HeldCommand holdNextLoad() {
    refuseASecond();
    HeldCommand h = new HeldCommand();
    VectorSets.afterLoading = h::hold;
    return h;
  }

  private static void refuseASecond() {
    if (VectorSets.afterFetching != null || VectorSets.afterLoading != null) {
      throw new IllegalStateException("a command is held already");
    }
  }

  private void hold() {
    if (!taken.compareAndSet(false, true)) {
      return;
    }
    held.countDown();
    Uninterruptibly.await(released::await);
  }

  /** Waits until a command is held here; false if none is within {@code seconds}. */
  public boolean awaitHeld(long seconds) throws InterruptedException {
    return held.await(seconds, TimeUnit.SECONDS);
  }

  /** Lets the held command go on. */
  public void release() {
    released.countDown();
  }

  /** Releases the command still held and removes the hook. */
  @Override
  public void close() {
    released.countDown();
    VectorSets.afterFetching = null;
    VectorSets.afterLoading = null;
  }
}
