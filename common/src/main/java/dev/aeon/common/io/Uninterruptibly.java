package dev.aeon.common.io;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * Runs a file channel operation that a caller's thread needs now and then (mapping a grown file, creating
 * a file) on a short-lived thread of its own, while the caller waits: an interrupt of the caller then
 * reaches neither the operation nor the channel, which would otherwise close for every thread
 * ({@code ClosedByInterruptException}). The caller's interrupt stays set for it to see after. And waits
 * that must not be cut short by an interrupt ({@link #await}), such as a close's wait for its threads.
 *
 * <p>For rare operations only: each call starts a thread (or hands the operation to a pool's threads, as
 * the engine's checkpoints do). Frequent writes go through a {@link PositionalWriter}. The
 * operation must not need a lock that the caller holds, and runs in no epoch of the caller's.
 */
public final class Uninterruptibly {

  /** An operation that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface IoCall<T> {
    T call() throws IOException;
  }

  /** An operation without a result that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface IoRun {
    void run() throws IOException;
  }

  /** A wait that an interrupt cuts short, as {@code CountDownLatch::await} or {@code Thread::join}. */
  @FunctionalInterface
  public interface Wait {
    void await() throws InterruptedException;
  }

  private static final Executor NEW_THREAD =
      work -> Thread.ofPlatform().daemon().name("aeon-uninterruptible-io").start(work);
  /** Bound while an operation runs on a thread that this class handed it to, which no caller can interrupt. */
  private static final ScopedValue<Boolean> OUT_OF_REACH = ScopedValue.newInstance();

  private Uninterruptibly() {}

  /** Runs {@code io} on a thread of its own, or throws what it threw. */
  public static void run(IoRun io) throws IOException {
    call(() -> {
      io.run();
      return null;
    });
  }

  /**
   * Runs {@code io} on a thread of its own and returns its result, or throws what it threw. Called from an
   * operation that already runs out of reach (a namespace's open mapping its files), it runs {@code io}
   * right there: a thread handed an operation waited about a millisecond for a core while the process was
   * busy, ten times per open.
   */
  public static <T> T call(IoCall<T> io) throws IOException {
    return OUT_OF_REACH.isBound() ? io.call() : call(NEW_THREAD, io);
  }

  /**
   * Runs {@code io} on a thread of {@code executor} (never the caller's) and returns its result, or throws
   * what it threw; the caller waits whatever happens.
   */
  public static <T> T call(Executor executor, IoCall<T> io) throws IOException {
    FutureTask<T> task = new FutureTask<>(() -> ScopedValue.where(OUT_OF_REACH, true).call(io::call));
    executor.execute(task);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // kept for the caller; the operation runs on
        } catch (ExecutionException e) {
          throw rethrown(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits to the end whatever the caller's interrupts, and leaves the interrupt set: for waits whose end the
   * caller cannot go on without (a close that gave up would release what its threads still use).
   */
  public static void await(Wait wait) {
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

  private static IOException rethrown(Throwable cause) {
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException(cause); // IoCall throws nothing else
  }
}
