package dev.aeon.engine;

import dev.aeon.wal.Wal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes that share the wait for durability: the mutations a {@link Memory} makes inside {@link #call} return as soon
 * as they are logged and applied (readers, the caller's next call among them, see them at once), without waiting for
 * the log to make them durable; {@link #await} then waits once until every one of them is as durable as the
 * namespace's {@link Durability} mode promises. Under {@link Durability#SYNC} the writes made one after the other this
 * way share forced writes of the log (its group commit), where each write waiting on its own takes one force.
 *
 * <p>This is for a caller that acknowledges writes to someone else and can hold the acknowledgements back until
 * {@link #await} returns, as a server holds the replies of a pipeline: a write made inside {@code call} is not yet
 * durable when its method returns, and a crash may lose it (its log record is all or nothing, as any write's). Each
 * namespace has its own log: a crash keeps a prefix of the writes to each namespace, not of all of them, and may
 * keep a write to one namespace while losing an earlier one to another.
 * What a method checks and refuses it still refuses at once, before anything is logged, and a write the log refused
 * at once still throws at once. A write whose durability fails later (the log failed to write or force) makes
 * {@code await} throw {@link NotDurable}, naming the namespaces that have then failed, as they would under a write that
 * waited.
 *
 * <p>The writes of one thread inside {@code call}, on any number of namespaces, are collected; writes on other
 * threads are not (they wait as always). One instance is for one caller at a time: a server's connection runs its
 * commands one after the other, each possibly on another thread, and awaits between them. A {@code call} or
 * {@code await} while another thread is inside {@code call} of the same instance throws {@link IllegalStateException}
 * (the writes of two callers would be waited for, and failed, together).
 */
public final class DeferredDurability {

  private static final ScopedValue<DeferredDurability> CURRENT = ScopedValue.newInstance();

  /**
   * The log failed to make collected writes durable: the namespaces it names have failed (the engine reopens each on
   * its next use, recovering what its log made durable, as a new {@link Memory} instance), so state derived from their
   * writes must be read again from them; a caller can tell from the instance itself too ({@link Memory#closedCleanly}
   * stays false for a failed one), which is how a server's vector sets do it.
   */
  public static final class NotDurable extends UncheckedIOException {
    private final Set<String> namespaces;

    NotDurable(IOException cause, Set<String> namespaces) {
      super("the write-ahead log failed to make a mutation durable (namespace" + (namespaces.size() == 1 ? " " : "s ")
          + String.join(", ", namespaces) + ")", cause);
      this.namespaces = Set.copyOf(namespaces);
    }

    /** The namespaces whose log failed to make a collected write durable. */
    public Set<String> namespaces() {
      return namespaces;
    }
  }

  /**
   * For each log written to, the future of the last record a collected write appended there: a log acknowledges in
   * order (a record durable means every earlier one is), so the last one stands for all of them.
   */
  private record LastRecord(Wal log, String namespace, CompletableFuture<Long> durable) {}

  private final List<LastRecord> lastRecords = new ArrayList<>(1);
  /** The thread inside {@link #call}, or null: a second caller at once is a defect, refused loudly. */
  private final AtomicReference<Thread> caller = new AtomicReference<>();

  /**
   * Runs {@code writes} on this thread; the mutations it makes (through any {@link Memory}) do not wait to be durable
   * before they return, and {@link #await} waits for them. Returns what {@code writes} returns and throws what it
   * throws; a write it made before it threw is collected all the same.
   */
  public <T, X extends Throwable> T call(ScopedValue.CallableOp<? extends T, X> writes) throws X {
    Thread me = Thread.currentThread();
    Thread other = caller.compareAndExchange(null, me);
    if (other != null && other != me) {
      throw concurrentUse("call", other);
    }
    try {
      return ScopedValue.where(CURRENT, this).call(writes);
    } finally {
      if (other == null) {
        caller.set(null);
      }
    }
  }

  /** {@code inCall} as read once: the field may be cleared by the time the message is built. */
  private static IllegalStateException concurrentUse(String method, Thread inCall) {
    return new IllegalStateException("DeferredDurability." + method + " while thread '" + inCall.getName()
        + "' is inside call of the same instance: an instance is for one caller at a time");
  }

  /**
   * Whether this thread runs inside {@link #call} of some instance: a mutation it makes now returns once logged and
   * applied, and that instance's {@code await} waits for it. A caller that holds a lock across writes uses it to know
   * whether to take the wait out of the lock itself (with an instance of its own) or leave it to the enclosing one.
   */
  public static boolean deferring() {
    return CURRENT.isBound();
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
   * @throws NotDurable the log failed to make one of them durable (they are forgotten all the same: the namespace
   *     has failed, and reopening it recovers what its log made durable)
   * @throws UncheckedIOException the wait was interrupted (caused by an {@link InterruptedIOException})
   */
  public void await() {
    Thread inCall = caller.get();
    if (inCall != null && inCall != Thread.currentThread()) {
      throw concurrentUse("await", inCall);
    }
    List<LastRecord> waits;
    synchronized (this) {
      waits = List.copyOf(lastRecords);
    }
    IOException failure = null;
    Set<String> failed = new LinkedHashSet<>();
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
          failure = c instanceof IOException io ? io : new IOException(c);
        }
        failed.add(r.namespace());
      }
    }
    synchronized (this) {
      lastRecords.removeIf(r -> waits.stream().anyMatch(w -> w == r)); // one replaced meanwhile stays
    }
    if (failure != null) {
      throw new NotDurable(failure, failed);
    }
  }

  /**
   * Collects {@code durable}, the future of the record a write of namespace {@code namespace} just appended to its
   * {@code log}, if this thread runs inside {@link #call}, and returns true; returns false otherwise, and for a future
   * already completed (the write needs no wait, or the log refused it, which the caller reports at once).
   */
  static boolean collect(Wal log, String namespace, CompletableFuture<Long> durable) {
    if (!CURRENT.isBound() || durable.isDone()) {
      return false;
    }
    CURRENT.get().add(new LastRecord(log, namespace, durable));
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
