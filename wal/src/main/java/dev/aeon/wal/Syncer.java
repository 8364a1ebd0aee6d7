package dev.aeon.wal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Mode ASYNC's forcing thread: every interval, forces what the flusher has written since the last force.
 * A thread of its own so that a force (milliseconds on a busy disk) never stalls writing or acknowledging.
 */
final class Syncer implements Runnable {

  private final SegmentWriter writer;
  private final Flusher flusher;
  private final long intervalNanos;
  private final Thread thread;
  private volatile boolean stopping;

  Syncer(SegmentWriter writer, Flusher flusher, long intervalMillis, String name) {
    this.writer = writer;
    this.flusher = flusher;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
  }

  void start() {
    thread.start();
  }

  @Override
  public void run() {
    while (!stopping && flusher.failure() == null) {
      LockSupport.parkNanos(intervalNanos);
      if (!stopping && writer.hasUnforced()) {
        try {
          writer.forceWritten();
        } catch (Throwable t) {
          flusher.fail(t);
        }
      }
    }
  }

  /** Stops the thread and waits for it; the flusher forces the rest when it closes. */
  void stop() throws InterruptedException {
    stopping = true;
    LockSupport.unpark(thread);
    thread.join();
  }
}
