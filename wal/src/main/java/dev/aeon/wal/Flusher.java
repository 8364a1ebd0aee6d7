package dev.aeon.wal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one consumer of the append ring: frames every record of a batch, writes the batch with as few
 * system calls as the buffer allows, forces it when the durability mode asks, then completes the
 * batch's futures in LSN order (group commit).
 *
 * <p>A write or force that fails puts the log in a failed state: that batch and every later append
 * complete exceptionally; reopening recovers the log to what reached the file.
 */
final class Flusher implements EventHandler<AppendEvent> {

  private final SegmentWriter writer;
  private final Durability durability;
  private final long asyncForceIntervalNanos;
  private final RecordConsumer listener;
  private final long baseLsn;
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private RingBuffer<AppendEvent> ring;
  private long batchStart;
  private long lastForceNanos = System.nanoTime();
  private volatile Throwable failure;
  /** Ring sequence of the last record whose future has been completed. */
  private volatile long completedThrough = -1;

  /** @param baseLsn the LSN of ring sequence 0 */
  Flusher(SegmentWriter writer, WalOptions options, long baseLsn) {
    this.writer = writer;
    this.durability = options.durability();
    this.asyncForceIntervalNanos = TimeUnit.MILLISECONDS.toNanos(options.asyncForceIntervalMillis());
    this.listener = options.listener();
    this.baseLsn = baseLsn;
  }

  void ring(RingBuffer<AppendEvent> value) {
    this.ring = value;
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void onEvent(AppendEvent event, long sequence, boolean endOfBatch) {
    if (sequence == batchStart) {
      writer.lock(); // held until the batch is complete: other threads see the writer only between batches
    }
    if (failure == null) {
      try {
        writer.append(baseLsn + sequence, event.type, event.payload);
      } catch (Throwable t) {
        failure = t;
      }
    }
    if (endOfBatch) {
      endBatch(sequence);
    }
  }

  private void endBatch(long lastSequence) {
    try {
      if (failure == null) {
        writer.flush();
        if (durability == Durability.SYNC
            || (durability == Durability.ASYNC && System.nanoTime() - lastForceNanos >= asyncForceIntervalNanos)) {
          force();
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      writer.unlock();
    }
    for (long s = batchStart; s <= lastSequence; s++) {
      complete(ring.get(s), baseLsn + s);
    }
    batchStart = lastSequence + 1;
    completedThrough = lastSequence;
  }

  private void force() throws IOException {
    writer.force();
    lastForceNanos = System.nanoTime();
  }

  private void complete(AppendEvent event, long lsn) {
    CompletableFuture<Long> future = event.future;
    byte type = event.type;
    byte[] payload = event.payload;
    event.clear();
    Throwable f = failure;
    if (f != null) {
      future.completeExceptionally(new IOException("WAL write failed; reopen the WAL to recover", f));
      return;
    }
    if (listener != null) {
      try {
        listener.accept(lsn, type, ByteBuffer.wrap(payload).asReadOnlyBuffer());
      } catch (Throwable t) {
        future.completeExceptionally(t);
        return;
      }
    }
    future.complete(lsn);
  }

  /** ASYNC: the ring has been idle for a force interval; force what is still unforced. */
  @Override
  public void onTimeout(long sequence) {
    if (durability == Durability.ASYNC && failure == null && writer.hasUnforced()) {
      try {
        force();
      } catch (Throwable t) {
        failure = t;
      }
    }
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  /**
   * Waits until the flusher thread runs. The Disruptor's own shutdown ignores the backlog of a processor
   * that has not started yet, so closing a just-opened WAL could otherwise lose its records.
   */
  void awaitStarted() throws InterruptedException {
    started.await();
  }

  long completedThrough() {
    return completedThrough;
  }

  /** Runs on the flusher thread when it is halted at close: force and close the segment. */
  @Override
  public void onShutdown() {
    try {
      if (failure == null) {
        writer.close();
      } else {
        writer.closeQuietly();
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      stopped.countDown();
    }
  }

  void awaitStopped() throws InterruptedException {
    stopped.await();
  }
}
