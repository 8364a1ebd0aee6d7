package dev.aeon.wal;

import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * For tests of the log's callers (the engine's and the server's, through this module's test jar): holds back every
 * force of every log in the process from {@link #hold} until {@link #release} or {@link #fail}, as a disk whose fsync
 * does not return would, so that a test sees what waits for durability and what does not; {@link #failOnly} fails the
 * forces of some logs only, as a disk failing under one namespace's folder would. Lives in the log's package for its
 * test-only hook ({@code SegmentWriter.beforeForce}); one at a time, and {@link #close} removes it.
 */
public final class HeldForces implements AutoCloseable {

  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean failing;
  /** The logs whose forces fail once {@link #failing}, by their folder. */
  private volatile Predicate<Path> failingLogs = log -> true;

  private HeldForces() {}

  /** From now on each force of a log waits until {@link #release} or {@link #fail}. */
  public static HeldForces hold() {
    HeldForces h = new HeldForces();
    if (SegmentWriter.beforeForce != null) {
      throw new IllegalStateException("forces are held already");
    }
    SegmentWriter.beforeForce = h::beforeForce;
    return h;
  }

  private void beforeForce(Path log) throws IOException {
    waiting.incrementAndGet();
    try {
      Uninterruptibly.await(released::await); // a held fsync does not return early either
    } finally {
      waiting.decrementAndGet();
    }
    if (failing && failingLogs.test(log)) {
      throw new IOException("injected: the force failed");
    }
  }

  /** Waits until some log's force is held here; false if none is within {@code seconds}. */
  public boolean awaitAForceHeld(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (waiting.get() == 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  /** Lets the held forces and every later one force. */
  public void release() {
    released.countDown();
  }

  /** Fails the held forces and every later one until {@link #close}, as a failed fsync does: their logs fail. */
  public void fail() {
    failing = true;
    released.countDown();
  }

  /**
   * Fails the held and later forces of the logs whose folder {@code logs} accepts (a namespace's log is in its
   * folder's {@code wal} folder), until {@link #close}, and lets the others' through.
   */
  public void failOnly(Predicate<Path> logs) {
    failingLogs = logs;
    fail();
  }

  /** Releases what is still held (unless failing) and removes the hook. */
  @Override
  public void close() {
    released.countDown();
    SegmentWriter.beforeForce = null;
  }
}
