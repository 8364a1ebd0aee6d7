package dev.aeon.wal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The one consumer of the append ring: frames every record of a batch, writes the batch with as few
 * system calls as the buffer allows, forces it in mode SYNC, then completes the batch's futures in LSN
 * order (group commit). In mode ASYNC another thread forces (see {@link Wal}), so that a force never
 * holds up writing or acknowledging.
 *
 * <p>Before it forces, a SYNC batch waits briefly ({@link #GATHER_NANOS}) for the writers the last batch
 * released, as many as it completed plus those that were already waiting: with a fast disk they come back
 * within microseconds of their acknowledgement, and without the wait every force would carry only the
 * first few of them. Records gathered this way are taken from the ring directly; the ring delivers them
 * again later and they are skipped. Their slots stay safe meanwhile, because the ring reuses a slot only
 * once this handler has passed it.
 *
 * <p>A write or force that fails puts the log in a failed state: that batch and every later append
 * complete exceptionally; reopening recovers the log to what reached the file.
 */
final class Flusher implements EventHandler<AppendEvent> {

  /**
   * The longest a SYNC batch waits for returning writers before it forces: half a fast SSD's force, so a
   * batch's latency grows by at most that much while the records per force (and so the throughput of many
   * writers) grow by more.
   */
  static final long GATHER_NANOS = 30_000;

  private final SegmentWriter writer;
  private final Durability durability;
  private final RecordConsumer listener;
  private final long baseLsn;
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private RingBuffer<AppendEvent> ring;
  /** Mode ASYNC's forcing thread, woken after each batch; null in the other modes. */
  private Syncer syncer;
  private long batchStart;
  /** Ring sequence of the last record written, including those gathered ahead of the ring's delivery. */
  private long writtenThrough = -1;
  /** How many records the next batch can expect: the last batch's writers come back, plus what was waiting. */
  private long expectedBatch;
  /** SYNC batches that waited out {@link #GATHER_NANOS} for records that did not come (tests). */
  private volatile long shortGathers;
  private volatile Throwable failure;
  /** The thread that runs this handler, which also runs the listener and the futures' callbacks. */
  private volatile Thread thread;
  /** Ring sequence of the last record whose future has been completed. */
  private volatile long completedThrough = -1;

  /** @param baseLsn the LSN of ring sequence 0 */
  Flusher(SegmentWriter writer, WalOptions options, long baseLsn) {
    this.writer = writer;
    this.durability = options.durability();
    this.listener = options.listener();
    this.baseLsn = baseLsn;
  }

  void ring(RingBuffer<AppendEvent> value) {
    this.ring = value;
  }

  void syncer(Syncer value) {
    this.syncer = value;
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void onEvent(AppendEvent event, long sequence, boolean endOfBatch) {
    if (sequence <= writtenThrough) {
      return; // gathered by an earlier batch, already written and completed
    }
    if (sequence == batchStart) {
      writer.lock(); // held until the batch is complete: other threads see the writer only between batches
    }
    write(event, sequence);
    if (endOfBatch) {
      endBatch(durability == Durability.SYNC ? gather(sequence) : sequence);
    }
  }

  private void write(AppendEvent event, long sequence) {
    if (failure == null) {
      try {
        writer.append(baseLsn + sequence, event.type, event.payload);
      } catch (Throwable t) {
        failure = t;
      }
    }
    writtenThrough = sequence;
  }

  /**
   * Writes records published after {@code lastSequence} until the batch is as large as expected or
   * {@link #GATHER_NANOS} have passed; yields meanwhile, since the writers need the cores.
   *
   * @return the sequence of the batch's last record
   */
  private long gather(long lastSequence) {
    long wanted = batchStart + expectedBatch - 1;
    long deadline = System.nanoTime() + GATHER_NANOS;
    long last = lastSequence;
    while (last < wanted) {
      if (ring.isAvailable(last + 1)) {
        last++;
        write(ring.get(last), last);
      } else if (System.nanoTime() < deadline) {
        Thread.yield();
      } else {
        shortGathers++;
        break;
      }
    }
    return last;
  }

  private void endBatch(long lastSequence) {
    try {
      if (failure == null) {
        if (durability == Durability.SYNC) {
          writer.force();
        } else {
          writer.flush();
          if (syncer != null) {
            syncer.written();
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      writer.unlock();
    }
    // What was waiting is counted before any of the batch's writers is released: a writer that comes back
    // before the count would be counted twice, once in the batch and once as waiting, and the next batch
    // would wait out its gather for a record that is not coming (one closed-loop writer did, now and then).
    long waiting = Math.max(0, ring.getCursor() - lastSequence);
    for (long s = batchStart; s <= lastSequence; s++) {
      complete(ring.get(s), baseLsn + s);
    }
    expectedBatch = lastSequence - batchStart + 1 + waiting;
    batchStart = lastSequence + 1;
    completedThrough = lastSequence;
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

  /** Puts the log in the failed state (a force by another thread failed). */
  void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  @Override
  public void onStart() {
    thread = Thread.currentThread();
    started.countDown();
  }

  /** Whether the caller is the flusher thread: in the listener, or in a callback of a future it completes. */
  boolean isFlusherThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Waits until the flusher thread runs. The Disruptor's own shutdown ignores the backlog of a processor
   * that has not started yet, so closing a just-opened WAL could otherwise lose its records.
   */
  void awaitStarted() {
    Uninterruptibly.await(started::await);
  }

  long completedThrough() {
    return completedThrough;
  }

  /** How many SYNC batches waited out their gather for records that did not come (tests). */
  long shortGathers() {
    return shortGathers;
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

  /** Waits until {@link #onShutdown} has forced and closed the segment, whatever the caller's interrupts. */
  void awaitStopped() {
    Uninterruptibly.await(stopped::await);
  }
}
