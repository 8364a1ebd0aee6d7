package dev.aeon.engine;

import dev.aeon.common.Quietly;
import dev.aeon.common.RepeatedFailures;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.common.os.BackgroundPriority;
import dev.aeon.wal.Wal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one namespace's checkpoints: on request, and in the background once the log has grown by
 * {@link AeonOptions#checkpointLogBytes()} or {@link AeonOptions#checkpointInterval()} has passed with
 * something logged. One checkpoint at a time; it records how long writers were paused.
 *
 * <p>On threads shared by the namespaces of an {@link Aeon} ({@link BackgroundThreads}). A background
 * checkpoint runs on a checkpoint thread at {@link BackgroundPriority#NICE}, so that forcing pages ahead
 * leaves the cores to readers, and hands the pause, the part that holds writers back, to a pause thread,
 * which keeps the priority of the thread that opened the {@code Aeon} ({@link #duringPause}). At nice 10 the
 * pause itself was stretched by a machine busy with readers: the scheduler runs such a thread only when
 * the readers leave it a core, each time it wakes from a write or a force, while writers wait on its lock.
 * A thread cannot raise its own priority back without privilege. A checkpoint a caller asks for (and the
 * last one, at close) runs wholly on another thread while the caller waits ({@link #onThreadOf}), so that no
 * interrupt of the caller reaches the stores' files.
 *
 * <p>Nothing runs while nothing is logged: the first bytes logged after a checkpoint schedule a look for when
 * the interval will have passed, and the bytes that reach the size limit one for now ({@link #logged}); a
 * checkpoint that leaves bytes logged meanwhile schedules the next look itself. At most one look is
 * scheduled at a time ({@link #nextCheck}).
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

  private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());

  private final Action action;
  private final Wal wal;
  private final AeonOptions options;
  private final String namespace;
  private final BackgroundThreads threads;
  private final long intervalNanos;
  private final AtomicLong loggedBytes = new AtomicLong();
  /** Held while a checkpoint runs, and by {@link #runLast} and {@link #stop}; released by {@link #releaseRun}. */
  private final ReentrantLock runLock = new ReentrantLock();
  /**
   * Set by a look that found {@link #runLock} held: its holder schedules a look when it lets go
   * ({@link #releaseRun}), instead of the look waiting for it on a checkpoint thread.
   */
  private volatile boolean lookMissed;
  /** Set under {@link #runLock} by {@link #runLast}: a checkpoint after it would write into closed stores. */
  private boolean ended;
  private volatile CheckpointPause longestPause = CheckpointPause.NONE;
  private volatile long pausedMicros; // written by one checkpoint at a time
  private volatile long pauseCount;
  private volatile long count;
  private volatile long lastRunNanos = System.nanoTime();
  /** The checkpoint thread running this namespace's background checkpoint now, or null. */
  private volatile Thread background;
  /** The one look at the log and the clock scheduled on a checkpoint thread, or null; guarded by this. */
  private ScheduledFuture<?> nextCheck;
  private volatile boolean stopping;
  /**
   * What is logged of the background checkpoints' failures; under {@link #runLock}. Any checkpoint that succeeds
   * ends it, a caller's too: the work succeeded, and the same failure after it is news again. A caller's that
   * fails is not in it: it is thrown to the caller.
   */
  private final RepeatedFailures failures;

  Checkpoints(Action action, Wal wal, AeonOptions options, BackgroundThreads threads) {
    this.action = action;
    this.wal = wal;
    this.options = options;
    this.threads = threads;
    // saturates (an interval of centuries is never), where toNanos() overflows
    this.intervalNanos = TimeUnit.NANOSECONDS.convert(options.checkpointInterval());
    this.namespace = wal.directory().getParent().getFileName().toString();
    this.failures = new RepeatedFailures("checkpointing namespace '" + namespace + "'",
        (line, failure) -> LOG.log(System.Logger.Level.WARNING, line, failure),
        line -> LOG.log(System.Logger.Level.INFO, line));
  }

  /**
   * Runs a checkpoint's pause: on a pause thread when called from a background checkpoint, which then
   * waits for it; on the calling thread otherwise, which then runs a caller's checkpoint out of the caller's
   * reach already ({@link #run}).
   */
  <T> T duringPause(Pause<T> pause) throws IOException {
    if (Thread.currentThread() != background) {
      return pause.run();
    }
    return onThreadOf(threads.pauses, pause);
  }

  /**
   * Runs {@code work} on a thread of {@code pool} and waits for it whatever happens: a pause holds the
   * writers' lock, and a caller's thread must not do a checkpoint's I/O itself, since an interrupt during a
   * file channel's I/O closes the channel (ClosedByInterruptException) and leaves its store unable to write
   * until the namespace is reopened. The caller's interrupt is kept for it.
   */
  private static <T> T onThreadOf(ExecutorService pool, Pause<T> work) throws IOException {
    return Uninterruptibly.call(pool, work::run);
  }

  /**
   * Counts logged bytes: the first since the last checkpoint schedule a look for when the interval will have
   * passed since it, and the bytes that reach {@link AeonOptions#checkpointLogBytes()} one for now.
   */
  void logged(int bytes) {
    long total = loggedBytes.addAndGet(bytes);
    long limit = options.checkpointLogBytes();
    if (total >= limit && total - bytes < limit) {
      scheduleCheck(0);
    } else if (total == bytes) {
      scheduleCheck(untilIntervalPassed());
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
    runLock.lock();
    try {
      if (ended) {
        throw new IllegalStateException("namespace '" + namespace + "' is closed");
      }
      run(erase);
    } finally {
      releaseRun();
    }
  }

  /**
   * Runs {@code work} while no checkpoint runs (none starts until it returns), refused once the namespace
   * is closed: for work that needs the stores' files to change only by writes it can hold back.
   */
  <T> T excludingCheckpoints(Pause<T> work) throws IOException {
    runLock.lock();
    try {
      if (ended) {
        throw new IllegalStateException("namespace '" + namespace + "' is closed");
      }
      return work.run();
    } finally {
      releaseRun();
    }
  }

  /**
   * At close, after {@link #stop}: runs the last checkpoint (unless {@code checkpoint} is false), then
   * refuses every later one, such as a caller's that was waiting for this one to finish.
   */
  void runLast(boolean checkpoint) {
    runLock.lock();
    try {
      if (checkpoint && !ended) {
        run(false);
      }
    } finally {
      ended = true;
      releaseRun();
    }
  }

  /**
   * Releases {@link #runLock}, then schedules a look if one found it held meanwhile. A Dekker handshake with
   * {@link #check}: it sets {@link #lookMissed} and then tries the lock again, this releases the lock and then
   * reads the flag, so either that look takes the lock or this one schedules another.
   */
  private void releaseRun() {
    runLock.unlock();
    if (lookMissed) {
      lookMissed = false;
      scheduleCheck(0);
    }
  }

  /**
   * Under {@link #runLock}: a background checkpoint runs on its checkpoint thread, any other on a thread
   * for callers' checkpoints. Then records the success ({@link #failures}), and schedules the next look if
   * bytes were logged meanwhile (the next write would not: only the first bytes after a checkpoint do).
   */
  private void run(boolean erase) {
    long before = loggedBytes.get();
    try {
      if (Thread.currentThread() == background) {
        action.run(erase);
      } else {
        onThreadOf(threads.callers, () -> {
          action.run(erase);
          return null;
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint failed", e);
    }
    long left = loggedBytes.addAndGet(-before);
    lastRunNanos = System.nanoTime();
    count++;
    if (left > 0) {
      scheduleCheck(left >= options.checkpointLogBytes() ? 0 : intervalNanos);
    }
    Quietly.log(failures::succeeded); // the checkpoint succeeded: a caller's must not throw for its log line
  }

  /** Nanoseconds until the interval has passed since the last checkpoint, 0 if it has. */
  private long untilIntervalPassed() {
    return Math.max(0, intervalNanos - (System.nanoTime() - lastRunNanos));
  }

  /** Schedules a look {@code delayNanos} from now, unless one is scheduled by then already. */
  private synchronized void scheduleCheck(long delayNanos) {
    if (stopping) {
      return;
    }
    if (nextCheck != null) {
      if (nextCheck.getDelay(TimeUnit.NANOSECONDS) <= delayNanos) {
        return;
      }
      nextCheck.cancel(false);
    }
    try {
      nextCheck = threads.checkpoints.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      nextCheck = null; // the Aeon is closing: its close checkpoints this namespace
    }
  }

  /**
   * A look at the log and the clock, on a checkpoint thread: a checkpoint if one is due, else a look
   * scheduled for when the interval will have passed. A failed checkpoint is retried after an interval.
   */
  private void check() {
    synchronized (this) {
      nextCheck = null; // first: bytes logged from now on schedule a look of their own
    }
    if (stopping) {
      return;
    }
    if (!runLock.tryLock()) {
      // A checkpoint of this namespace is under way (a caller's, or a background one on the other checkpoint
      // thread): waiting for it here would hold a thread every other namespace needs. Its end looks again.
      lookMissed = true;
      if (!runLock.tryLock()) {
        return;
      }
    }
    try {
      long logged = loggedBytes.get();
      if (stopping || ended || logged == 0) {
        return; // the next write schedules a look
      }
      if (logged < options.checkpointLogBytes() && untilIntervalPassed() > 0) {
        scheduleCheck(untilIntervalPassed()); // a caller's checkpoint ran since this look was scheduled
        return;
      }
      background = Thread.currentThread();
      try {
        run(false);
      } catch (RuntimeException | Error e) {
        // An Error too: thrown out of this task, the executor would keep it in a future nobody reads, and no
        // later write would schedule a look (only the first bytes after a checkpoint do).
        // Once per kind of failure: a failed namespace refuses every checkpoint until it is reopened, and a full
        // device fails one every interval.
        // The retry is scheduled first: a logging that fails (a log handler that throws, memory run out again)
        // would otherwise leave the namespace never checkpointed in the background again.
        lastRunNanos = System.nanoTime();
        scheduleCheck(intervalNanos); // retry after an interval, not in a tight loop
        failures.failed(e, "in the background; it is tried again after the checkpoint interval");
      } finally {
        background = null;
      }
    } finally {
      releaseRun();
    }
  }

  /**
   * Stops the background checkpoints: cancels the next look and waits for one under way (never an
   * interrupt: an interrupt during FileChannel I/O closes the channel). None starts afterwards.
   */
  void stop() {
    stopping = true;
    synchronized (this) {
      if (nextCheck != null) {
        nextCheck.cancel(false);
        nextCheck = null;
      }
    }
    // A background checkpoint holds this lock while it runs, and one that takes it later sees stopping.
    runLock.lock();
    releaseRun();
  }
}
