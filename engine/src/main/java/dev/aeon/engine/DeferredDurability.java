package dev.aeon.engine;

import dev.aeon.wal.Wal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Writes that share the wait for durability: the mutations a {@link Memory} makes inside {@link #call} return as soon
 * as they are logged and applied (readers, the caller's next call among them, see them at once), without waiting for
 * the log to make them durable; {@link #await} then waits once until every one of them is as durable as the
 * namespace's {@link Durability} mode promises. Under {@link Durability#SYNC} the writes made one after the other this
 * way share forced writes of the log (its group commit), where each write waiting on its own takes one force.
 *
 * <p>This is for a caller that acknowledges writes to someone else and can hold the acknowledgements back until
 * {@link #await} returns, as a server holds the replies of a pipeline: a write made inside {@code call} is not yet
 * durable when its method returns, and a crash may lose it (its log record is all or nothing, as any write's).
 * What a method checks and refuses it still refuses at once, before anything is logged, and a write the log refused
 * at once still throws at once. A write whose durability fails later (the log failed to write or force) makes
 * {@code await} throw; the namespace has then failed, as it would under a write that waited.
 *
 * <p>The writes of one thread inside {@code call}, on any number of namespaces, are collected; writes on other
 * threads are not (they wait as always). One instance is for one caller at a time: a server's connection runs its
 * commands one after the other, each possibly on another thread, and awaits between them.
 */
public final class DeferredDurability {

  private static final ScopedValue<DeferredDurability> CURRENT = ScopedValue.newInstance();

  /**
   * For each log written to, the future of the last record a collected write appended there: a log acknowledges in
   * order (a record durable means every earlier one is), so the last one stands for all of them.
   */
  private record LastRecord(Wal log, CompletableFuture<Long> durable) {}

  private final List<LastRecord> lastRecords = new ArrayList<>(1);

  /**
   * Runs {@code writes} on this thread; the mutations it makes (through any {@link Memory}) do not wait to be durable
   * before they return, and {@link #await} waits for them. Returns what {@code writes} returns and throws what it
   * throws; a write it made before it threw is collected all the same.
   */
  public <T, X extends Throwable> T call(ScopedValue.CallableOp<? extends T, X> writes) throws X {
    return ScopedValue.where(CURRENT, this).call(writes);
  }

  /** Whether writes were collected that {@link #await} has not waited for yet. */
  public synchronized boolean pending() {
    return !lastRecords.isEmpty();
  }

  /**
   * Waits until every write collected so far is as durable as its namespace's mode promises, then forgets them.
   * An interrupt ends the wait as a write's own wait ends (see {@link Memory}): the writes stay collected, and the
   * interrupt stays set.
   *
   * @throws UncheckedIOException the log failed to make one of them durable (they are forgotten all the same: the
   *     namespace has failed, and reopening it recovers what its log made durable), or the wait was interrupted
   *     (caused by an {@link InterruptedIOException})
   */
  public void await() {
    List<LastRecord> waits;
    synchronized (this) {
      waits = List.copyOf(lastRecords);
    }
    UncheckedIOException failure = null;
    for (LastRecord r : waits) {
      try {
        r.durable().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new InterruptedIOException(
            "interrupted while waiting for the log; the writes are applied but may not be durable"));
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (failure == null) {
          failure = new UncheckedIOException("the write-ahead log failed to make a mutation durable",
              c instanceof IOException io ? io : new IOException(c));
        }
      }
    }
    synchronized (this) {
      lastRecords.removeIf(r -> waits.stream().anyMatch(w -> w == r)); // one replaced meanwhile stays
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Collects {@code durable}, the future of the record a write just appended to {@code log}, if this thread runs
   * inside {@link #call}, and returns true; returns false otherwise, and for a future already completed (the write
   * needs no wait, or the log refused it, which the caller reports at once).
   */
  static boolean collect(Wal log, CompletableFuture<Long> durable) {
    if (!CURRENT.isBound() || durable.isDone()) {
      return false;
    }
    CURRENT.get().add(new LastRecord(log, durable));
    return true;
  }

  private synchronized void add(LastRecord last) {
    for (int i = 0; i < lastRecords.size(); i++) {
      if (lastRecords.get(i).log() == last.log()) {
        lastRecords.set(i, last); // appended after the one it replaces, so durable no sooner
        return;
      }
    }
    lastRecords.add(last);
  }
}
