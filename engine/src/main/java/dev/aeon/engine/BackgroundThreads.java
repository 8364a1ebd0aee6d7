package dev.aeon.engine;

import dev.aeon.common.ebr.Reclaimer;
import dev.aeon.common.os.BackgroundPriority;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that the namespaces of one {@link Aeon} share for their background work, so that an open
 * namespace holds one thread of its own (its log's flusher, and briefly the log's segment preallocator)
 * however many are open; a namespace per agent used to hold five.
 *
 * <ul>
 *   <li>{@link #checkpoints}: {@value #CHECKPOINT_THREADS} threads at {@link BackgroundPriority#NICE} that run
 *       the namespaces' background checkpoints ({@link Checkpoints}), each when its log has grown enough or its
 *       interval has passed; while none is due they wait without a timeout. Two, so that one namespace's
 *       checkpoint waiting on a slow disk does not hold back every other's.
 *   <li>{@link #pauses}: {@value #PAUSE_THREADS} threads started here, by the thread that opens the
 *       {@code Aeon}, whose priority they keep: a background checkpoint's pause, which holds a namespace's
 *       writers back, runs on one of them. A thread inherits its creator's nice value, so they are not
 *       created later by a background thread.
 *   <li>{@link #callers}: threads on which a checkpoint that a caller asks for (a compaction, the last one at
 *       close) runs whole while the caller waits, out of reach of the caller's interrupts; created as
 *       callers need them (so at a caller's priority) and ended after {@value #CALLER_KEEP_ALIVE_SECONDS} s
 *       unused. Not the pause threads: a compaction can take seconds, and the pauses of every other
 *       namespace would wait behind it.
 *   <li>{@link #reclaimer}: the epoch-based reclamation of every namespace's retired memory.
 * </ul>
 */
final class BackgroundThreads implements AutoCloseable {

  static final int CHECKPOINT_THREADS = 2;
  static final int PAUSE_THREADS = 2;
  static final int CALLER_KEEP_ALIVE_SECONDS = 30;
  /** How long a retired resource waits at least before the reclaimer looks at it. */
  private static final Duration RECLAIM_PERIOD = Duration.ofMillis(50);

  final ScheduledThreadPoolExecutor checkpoints;
  final ThreadPoolExecutor pauses;
  final ThreadPoolExecutor callers;
  final Reclaimer reclaimer;

  BackgroundThreads() {
    ThreadFactory named = Thread.ofPlatform().daemon().name("aeon-checkpoint-", 0).factory();
    checkpoints = new ScheduledThreadPoolExecutor(CHECKPOINT_THREADS, work -> named.newThread(() -> {
      BackgroundPriority.lowerCurrentThread();
      work.run();
    }));
    checkpoints.setRemoveOnCancelPolicy(true); // a rescheduled check leaves nothing behind in the queue
    checkpoints.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    pauses = new ThreadPoolExecutor(PAUSE_THREADS, PAUSE_THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        Thread.ofPlatform().daemon().name("aeon-pause-", 0).factory());
    pauses.prestartAllCoreThreads(); // here, not on the first submit: see above
    callers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, CALLER_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Thread.ofPlatform().daemon().name("aeon-caller-checkpoint-", 0).factory());
    reclaimer = new Reclaimer(RECLAIM_PERIOD);
  }

  /** After every namespace is closed: ends the threads, and waits for them. */
  @Override
  public void close() {
    checkpoints.shutdown(); // never an interrupt: one during a file channel's I/O closes the channel
    pauses.shutdown();
    callers.shutdown();
    reclaimer.close();
    boolean interrupted = false;
    for (ThreadPoolExecutor pool : new ThreadPoolExecutor[] {checkpoints, pauses, callers}) {
      while (!pool.isTerminated()) {
        try {
          pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
