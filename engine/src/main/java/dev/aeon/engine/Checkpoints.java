package dev.aeon.engine;

import dev.aeon.common.os.BackgroundPriority;
import dev.aeon.wal.Wal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs checkpoints: on request, and in the background once the log has grown by
 * {@link AeonOptions#checkpointLogBytes()} or {@link AeonOptions#checkpointInterval()} has passed with
 * something logged. One checkpoint at a time; it records how long writers were paused.
 *
 * <p>Two threads: the background thread runs at {@link BackgroundPriority#NICE}, so that forcing pages
 * ahead leaves the cores to readers, and hands the pause, the part that holds writers back, to a thread
 * that keeps the priority of the thread that opened the namespace ({@link #duringPause}). At nice 10 the
 * pause itself was stretched by a machine busy with readers: the scheduler runs such a thread only when
 * the readers leave it a core, each time it wakes from a write or a force, while writers wait on its lock.
 * A thread cannot raise its own priority back without privilege. A checkpoint a caller asks for (and the
 * last one, at close) runs wholly on the pause thread while the caller waits ({@link #onPauseThread}), so
 * that no interrupt of the caller reaches the stores' files.
 */
final class Checkpoints {

  /** The checkpoint itself; {@code erase} also drops every older log segment (after a compaction). */
  @FunctionalInterface
  interface Action {
    void run(boolean erase) throws IOException;
  }

  /** The part of a checkpoint that holds writers back. */
  @FunctionalInterface
  interface Pause<T> {
    T run() throws IOException;
  }

  /** The longest the background thread sleeps between looks at the log and the clock. */
  private static final long MAX_WAIT_MILLIS = 1_000;
  private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());

  private final Action action;
  private final Wal wal;
  private final AeonOptions options;
  private final String namespace;
  private final AtomicLong loggedBytes = new AtomicLong();
  private final Object runLock = new Object();
  /** Set under {@link #runLock} by {@link #runLast}: a checkpoint after it would write into closed stores. */
  private boolean ended;
  private volatile CheckpointPause longestPause = CheckpointPause.NONE;
  private volatile long pausedMicros; // written by one checkpoint at a time
  private volatile long pauseCount;
  private volatile long count;
  private volatile long lastRunNanos = System.nanoTime();
  private Thread thread;
  /** One thread, started with {@link #thread} by the opener, so that it keeps the opener's priority. */
  private ThreadPoolExecutor pauses;
  private volatile boolean stopping;
  /** The last background checkpoint's failure, or null after one that succeeded. Background thread only. */
  private String lastFailure;

  Checkpoints(Action action, Wal wal, AeonOptions options) {
    this.action = action;
    this.wal = wal;
    this.options = options;
    this.namespace = wal.directory().getParent().getFileName().toString();
  }

  void start() {
    pauses = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        r -> Thread.ofPlatform().daemon().name("aeon-pause-" + namespace).unstarted(r));
    pauses.prestartCoreThread(); // here, not on the first submit: a thread inherits its creator's nice value
    thread = Thread.ofPlatform().daemon().name("aeon-checkpoint-" + namespace).start(this::loop);
  }

  /**
   * Runs a checkpoint's pause: on the pause thread when called from the background thread, which then
   * waits for it; on the calling thread otherwise, which is then the pause thread already ({@link #run}).
   */
  <T> T duringPause(Pause<T> pause) throws IOException {
    if (Thread.currentThread() != thread) {
      return pause.run();
    }
    return onPauseThread(pause);
  }

  /**
   * Runs {@code work} on the pause thread and waits for it whatever happens: a pause holds the writers'
   * lock, and a caller's thread must not do a checkpoint's I/O itself, since an interrupt during a file
   * channel's I/O closes the channel (ClosedByInterruptException) and leaves its store unable to write
   * until the namespace is reopened. The caller's interrupt is kept for it.
   */
  private <T> T onPauseThread(Pause<T> work) throws IOException {
    Future<T> result = pauses.submit(work::run);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException("checkpoint pause failed", cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Counts logged bytes and wakes the background thread when a checkpoint is due, or when these are the first
   * bytes since the last checkpoint (it sleeps while there is nothing to checkpoint).
   */
  void logged(int bytes) {
    long total = loggedBytes.addAndGet(bytes);
    if (total >= options.checkpointLogBytes() || total == bytes) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Records one checkpoint's pause; called by the checkpoint itself, so one at a time. */
  void paused(CheckpointPause pause) {
    if (pause.totalMicros() > longestPause.totalMicros()) {
      longestPause = pause;
    }
    pausedMicros += pause.totalMicros();
    pauseCount++;
  }

  /** The mean of the pauses recorded so far (0 before the first). */
  long meanPauseMicros() {
    long n = pauseCount;
    return n == 0 ? 0 : pausedMicros / n;
  }

  CheckpointPause longestPause() {
    return longestPause;
  }

  long count() {
    return count;
  }

  void runNow() {
    runNow(false);
  }

  void runNow(boolean erase) {
    synchronized (runLock) {
      if (ended) {
        throw new IllegalStateException("namespace '" + namespace + "' is closed");
      }
      run(erase);
    }
  }

  /**
   * At close, after {@link #stop}: runs the last checkpoint (unless {@code checkpoint} is false), then
   * refuses every later one, such as a caller's that was waiting for this one to finish.
   */
  void runLast(boolean checkpoint) {
    synchronized (runLock) {
      try {
        if (checkpoint && !ended) {
          run(false);
        }
      } finally {
        ended = true;
        if (pauses != null) {
          pauses.shutdown(); // under the lock: no checkpoint is using the pause thread
        }
      }
    }
  }

  /** Under {@link #runLock}: the background thread runs the checkpoint itself, any other on the pause thread. */
  private void run(boolean erase) {
    long before = loggedBytes.get();
    try {
      if (Thread.currentThread() == thread) {
        action.run(erase);
      } else {
        onPauseThread(() -> {
          action.run(erase);
          return null;
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint failed", e);
    }
    loggedBytes.addAndGet(-before);
    lastRunNanos = System.nanoTime();
    count++;
  }

  private void loop() {
    long intervalNanos = options.checkpointInterval().toNanos();
    BackgroundPriority.lowerCurrentThread();
    while (!stopping) {
      try {
        synchronized (this) {
          if (loggedBytes.get() == 0 && !stopping) {
            wait(); // nothing to checkpoint: until the first write since the last checkpoint (logged wakes it)
          } else if (loggedBytes.get() < options.checkpointLogBytes()) {
            wait(waitMillis(intervalNanos));
          }
        }
        if (stopping) {
          return;
        }
        boolean bySize = loggedBytes.get() >= options.checkpointLogBytes();
        boolean byTime = loggedBytes.get() > 0 && System.nanoTime() - lastRunNanos >= intervalNanos;
        if (bySize || byTime) {
          runNow();
          lastFailure = null;
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // Once per kind of failure: a failed namespace refuses every checkpoint until it is reopened, and would
        // otherwise log the same error every interval.
        boolean again = e.toString().equals(lastFailure);
        lastFailure = e.toString();
        LOG.log(again ? System.Logger.Level.DEBUG : System.Logger.Level.ERROR,
            "background checkpoint failed; will retry", e);
        lastRunNanos = System.nanoTime(); // retry after an interval, not in a tight loop
      }
    }
  }

  /**
   * Until the interval is over, or at most a second, so that the thread does not wake every millisecond (each
   * wake-up takes a core from a reader for a moment). With nothing logged it waits without a timeout (a process
   * with many idle namespaces would else wake a thread per namespace every second): the first write after a
   * quiet spell wakes it, and is checkpointed at once if the interval has passed since the last checkpoint.
   */
  private long waitMillis(long intervalNanos) {
    long remainingNanos = intervalNanos - (System.nanoTime() - lastRunNanos);
    return remainingNanos <= 0 ? MAX_WAIT_MILLIS : Math.clamp(remainingNanos / 1_000_000, 1, MAX_WAIT_MILLIS);
  }

  void stop() {
    stopping = true;
    synchronized (this) {
      notifyAll(); // never interrupt: an interrupt during FileChannel I/O closes the channel
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
