package dev.aeon.common.ebr;

import dev.aeon.common.FirstFailure;
import dev.aeon.common.Quietly;
import dev.aeon.common.RepeatedFailures;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Epoch-based reclamation (EBR): lets readers use shared resources without locks while writers replace
 * and free them.
 *
 * <pre>{@code
 * Epochs ebr = new Epochs();
 * // reader: never blocks, never fails
 * try (Guard g = ebr.enter()) {
 *   MemorySegment m = current;          // read the published pointer inside the guard
 *   ... read m ...
 * }
 * // writer: unpublish first, then retire
 * MemorySegment old = current; current = bigger;
 * ebr.retire(oldArena);                 // closed once every reader that could see it has left
 * }</pre>
 *
 * <p><b>Protocol.</b> A global epoch counter starts at 1. {@link #enter()} stores the current epoch into the
 * calling thread's padded slot (a volatile store: a full fence on every platform) and returns the thread's
 * reusable {@link Guard}; leaving stores "idle" with release semantics. {@link #retire} tags the resource with
 * the epoch {@code e} and advances the global epoch to {@code e + 1}. A resource tagged {@code e} is closed
 * once every slot is idle or holds an epoch greater than {@code e}: a reader that entered at {@code e + 1} or
 * later read the epoch after the writer unpublished the resource, so it cannot see it; a reader that was
 * between reading the epoch and publishing its slot when the reclaimer looked publishes after the reclaimer's
 * read, and its loads, ordered after that store, see the unpublished state. The caller must unpublish before
 * calling {@code retire}.
 *
 * <p><b>Reclamation</b> happens in batches: {@link #reclaim()} closes everything that has become safe, and
 * runs automatically when {@code retire} has accumulated {@link Config#reclaimBatch()} resources, or
 * periodically on a background thread while anything is pending ({@link Config#reclaimInterval()}; or a
 * {@link Reclaimer} that several domains share, which then sets the period). Batching matters for shared
 * {@code Arena}s: closing one makes the JVM handshake every thread, so closing a batch at once costs one
 * pause per batch instead of one pause per retirement. What a resource's {@code close} throws (but a
 * {@link VirtualMachineError} other than the {@link InternalError} of a mapped file cut short) is handed to
 * {@link Config#onCloseFailure()} and never to readers; the default handler logs them as
 * {@link RepeatedFailures} does, one record per domain whoever reclaims (a retirement, the background reclaimer,
 * the close): a failure of a kind once, with its stack trace, until a batch closes all it took. A handler of the
 * caller's that throws does not stop its batch: every resource of it is closed, then the handler's first failure
 * is thrown (the others suppressed) to whoever reclaimed ({@code retire}, {@code reclaim}, {@code awaitReclaimed});
 * {@code close} closes everything pending before it throws it, and the background reclaimer logs it as its own.
 *
 * <p><b>Waiting.</b> Readers never wait. Writers never wait either: {@code retire} and {@code reclaim} leave
 * a resource pending while a reader that could see it is still inside its guard, however long that takes.
 * Only {@link #awaitReclaimed(Duration)} and {@link #close()} wait, each bounded by a timeout; {@code close}
 * then closes what is left anyway (see there).
 */
public final class Epochs implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Epochs.class.getName());

  /**
   * Settings.
   *
   * @param padded one cache-line pair per reader slot (true, the default), or slots packed next to each other
   * @param reclaimBatch {@code retire} reclaims inline once this many resources are pending (at least 1)
   * @param reclaimInterval period of the background reclaimer, or {@code Duration.ZERO} for none
   * @param closeTimeout how long {@link #close()} waits for readers to leave before closing what is left
   * @param onCloseFailure receives what closing a retired resource throws, and nothing else: an exception or an
   *     Error, but for a {@link VirtualMachineError} other than an {@link InternalError} (see closeAll); the default
   *     logs the first of a kind until a batch closes without a failure (see above). What it throws is thrown once
   *     the rest of the batch is closed (see above)
   * @param stallWarning the background reclaimer logs a warning, naming the reader's thread, when a resource has
   *     waited this long for a reader to leave (what it holds is not freed meanwhile); {@code Duration.ZERO} for
   *     never
   */
  public record Config(boolean padded, int reclaimBatch, Duration reclaimInterval, Duration closeTimeout,
                       Consumer<Throwable> onCloseFailure, Duration stallWarning) {
    public Config {
      if (reclaimBatch < 1) {
        throw new IllegalArgumentException("reclaimBatch must be at least 1, got " + reclaimBatch);
      }
      Objects.requireNonNull(reclaimInterval, "reclaimInterval");
      Objects.requireNonNull(closeTimeout, "closeTimeout");
      Objects.requireNonNull(onCloseFailure, "onCloseFailure");
      Objects.requireNonNull(stallWarning, "stallWarning");
      if (reclaimInterval.isNegative() || closeTimeout.isNegative() || stallWarning.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative");
      }
    }

    /**
     * Padded slots, reclaim every 32 retirements and every 50 ms, wait at most 10 s on close, warn of a reader
     * that holds resources back for a minute.
     */
    public static Config defaults() {
      return new Config(true, 32, Duration.ofMillis(50), Duration.ofSeconds(10), LOGGED, Duration.ofMinutes(1));
    }

    /**
     * The default {@link #onCloseFailure}, which a domain replaces with its own record of failures: a close that
     * fails for every batch (an unmap or a file deletion refused) logged a warning each time. Called as it is, by
     * whoever took it out of a config, it logs every failure.
     */
    private static final Consumer<Throwable> LOGGED =
        t -> LOG.log(Level.WARNING, "closing a retired resource failed", t);

    public Config withPadded(boolean value) {
      return new Config(value, reclaimBatch, reclaimInterval, closeTimeout, onCloseFailure, stallWarning);
    }

    public Config withReclaimBatch(int value) {
      return new Config(padded, value, reclaimInterval, closeTimeout, onCloseFailure, stallWarning);
    }

    public Config withReclaimInterval(Duration value) {
      return new Config(padded, reclaimBatch, value, closeTimeout, onCloseFailure, stallWarning);
    }

    public Config withCloseTimeout(Duration value) {
      return new Config(padded, reclaimBatch, reclaimInterval, value, onCloseFailure, stallWarning);
    }

    public Config withOnCloseFailure(Consumer<Throwable> value) {
      return new Config(padded, reclaimBatch, reclaimInterval, closeTimeout, value, stallWarning);
    }

    public Config withStallWarning(Duration value) {
      return new Config(padded, reclaimBatch, reclaimInterval, closeTimeout, onCloseFailure, value);
    }
  }

  private record Retired(long epoch, AutoCloseable resource, long retiredAtNanos) {}

  /** Longs between two reader slots when padded: 128 bytes, a cache line and its prefetch buddy. */
  static final int PADDED_STRIDE = 16;

  private final Config config;
  private final SlotRegistry slots;
  private final ThreadLocal<Guard> local;
  private final ArrayDeque<Retired> pending = new ArrayDeque<>(); // guarded by itself, epochs ascending
  private int closing; // taken off pending by a reclaim and not closed yet; guarded by pending
  /** The epoch of the oldest pending resource when a stall was last warned of (0: none); guarded by pending. */
  private long warnedStallAt;
  /** Runs in {@link #reclaim()} between the scan of the slots and the choice of what to close (tests only). */
  volatile Runnable afterScanForTests;
  /** The background reclaimer, or null for none. */
  private final Reclaimer reclaimer;
  /**
   * What is logged of this domain's failed reclamations, whoever reclaims: the failed closes the default
   * {@link Config#onCloseFailure()} gets, and the failures the background reclaimer gets itself. Only a batch
   * that closed something, and all it took, is a success: a pass that found nothing to close (a reader held it
   * back) between two failures said that reclamation worked again, and the second failure was logged anew.
   */
  final RepeatedFailures failures = new RepeatedFailures("reclaiming retired resources",
      (line, failure) -> LOG.log(Level.WARNING, line, failure), line -> LOG.log(Level.INFO, line));
  /** The config's {@link Config#onCloseFailure()}, or for the default this domain's {@link #failures}. */
  private final Consumer<Throwable> onCloseFailure;
  /** Whether {@link #reclaimer} is this domain's own, closed with it, or shared with others. */
  private final boolean ownsReclaimer;
  private volatile long epoch = 1;
  private volatile boolean closed;

  public Epochs() {
    this(Config.defaults());
  }

  /** A domain with a reclaimer thread of its own, unless {@link Config#reclaimInterval()} is zero. */
  public Epochs(Config config) {
    this(config, config.reclaimInterval().isZero() ? null : new Reclaimer(config.reclaimInterval()), true);
  }

  /**
   * A domain whose background reclamation is done by {@code shared} (with its period, not the config's
   * interval); close the domain before the reclaimer.
   */
  public Epochs(Config config, Reclaimer shared) {
    this(config, Objects.requireNonNull(shared, "shared"), false);
  }

  private Epochs(Config config, Reclaimer reclaimer, boolean ownsReclaimer) {
    this.config = Objects.requireNonNull(config, "config");
    this.onCloseFailure = config.onCloseFailure() == Config.LOGGED
        ? t -> Quietly.log(() -> failures.failed(t, "a resource whose close failed is not closed again"))
        : config.onCloseFailure();
    this.slots = new SlotRegistry(config.padded() ? PADDED_STRIDE : 1);
    this.local = ThreadLocal.withInitial(slots::claim);
    this.reclaimer = reclaimer;
    this.ownsReclaimer = ownsReclaimer;
  }

  /**
   * Enters the current epoch. Never blocks, never fails, allocates nothing after a thread's first call;
   * nested calls are allowed. Read published pointers only after this returns, and use what they point to
   * only until the guard is closed.
   */
  public Guard enter() {
    Guard g = local.get();
    g.enter(epoch);
    return g;
  }

  /** True if the calling thread is inside a guard of this instance. */
  public boolean inGuard() {
    return local.get().active();
  }

  /**
   * Closes {@code resource} once no reader can still reach it. Call only after the resource is no longer
   * reachable from anything a new reader could read. Never blocks on readers. After {@link #close()} the
   * resource is closed at once. Resources are never closed before one retired earlier is taken to be
   * closed, but two threads that reclaim may close theirs at the same time: a resource whose closing must
   * follow another's has to wait for it itself (a lock both hold, for example).
   */
  public void retire(AutoCloseable resource) {
    Objects.requireNonNull(resource, "resource");
    int size;
    synchronized (pending) {
      if (!closed) {
        long e = epoch;
        epoch = e + 1;
        pending.add(new Retired(e, resource, System.nanoTime()));
        size = pending.size();
      } else {
        size = -1;
      }
    }
    if (size < 0) {
      closeAll(List.of(resource));
      return;
    }
    try {
      if (size >= config.reclaimBatch()) {
        reclaim();
      }
    } finally {
      if (size == 1 && reclaimer != null) {
        // It sleeps while nothing is pending; also after an inline reclaim (a batch of one), which leaves the
        // resource pending while a reader may still see it. Also when that reclaim throws: a resource another
        // thread retired meanwhile saw two pending, woke nothing, and would wait for the next retirement.
        reclaimer.schedule(this);
      }
    }
  }

  /** Closes, as one batch, every retired resource no reader can reach any more. Returns how many it closed. */
  public int reclaim() {
    // Read the epoch before scanning the slots: a resource retired after this read carries a tag at or
    // above it and must wait for the next scan, since a reader may have entered (unseen by this scan) and
    // picked it up before it was unpublished. Everything tagged below it was unpublished before the scan
    // began, so a reader the scan missed entered too late to reach it.
    long epochBeforeScan = epoch;
    long min = Math.min(epochBeforeScan, slots.minActiveEpoch());
    Runnable hook = afterScanForTests;
    if (hook != null) {
      hook.run();
    }
    List<AutoCloseable> ready = new ArrayList<>();
    synchronized (pending) {
      while (!pending.isEmpty() && pending.peekFirst().epoch() < min) {
        ready.add(pending.pollFirst().resource());
      }
      closing += ready.size();
    }
    try {
      closeAll(ready);
    } finally {
      synchronized (pending) {
        closing -= ready.size();
      }
    }
    return ready.size();
  }

  /**
   * Waits until everything retired before this call has been closed, reclaiming meanwhile. Returns false if
   * a reader still held an older epoch when {@code timeout} ran out (the resources then stay pending). An
   * interrupt does not cut the wait short; the thread is left interrupted.
   */
  public boolean awaitReclaimed(Duration timeout) {
    long target;
    synchronized (pending) {
      target = epoch;
    }
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    long backoff = 10_000;
    // An interrupt does not end the wait (a close must not give up on its readers), and a park returns at once
    // while the thread is interrupted: it is taken off for the wait, so that the backoff holds, and set again after.
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        reclaim();
        synchronized (pending) {
          boolean olderPending = !pending.isEmpty() && pending.peekFirst().epoch() < target;
          if (!olderPending && closing == 0) { // another thread's reclaim may still be closing older ones
            return true;
          }
        }
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        LockSupport.parkNanos(backoff);
        interrupted |= Thread.interrupted();
        backoff = Math.min(backoff * 2, TimeUnit.MILLISECONDS.toNanos(5));
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Number of retired resources not yet closed. */
  public int pending() {
    synchronized (pending) {
      return pending.size();
    }
  }

  /** The current global epoch (starts at 1, advanced by every retirement). */
  public long epoch() {
    return epoch;
  }

  /**
   * Stops the background reclaimer, waits up to {@link Config#closeTimeout()} for readers to leave, then
   * closes every resource still pending. A reader still inside a guard after that timeout is a bug of the
   * owner (it closed the structure while reading it); it may then see an {@code IllegalStateException} from
   * a closed {@code Arena}, which is memory-safe. Resources retired after close are closed at once.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (reclaimer != null && ownsReclaimer) {
      reclaimer.close(); // the rest is reclaimed here
    } else if (reclaimer != null) {
      reclaimer.forget(this);
    }
    Throwable thrown = null;
    boolean clean;
    long deadline = System.nanoTime() + saturatedNanos(config.closeTimeout());
    while (true) {
      try {
        clean = awaitReclaimed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        break;
      } catch (RuntimeException | Error e) {
        // onCloseFailure threw (or a close a VirtualMachineError) once its batch was closed: what is still pending
        // must be closed all the same. The wait goes on; it ends, since every batch that throws closed something.
        thrown = FirstFailure.of(thrown, e);
      }
    }
    List<Retired> rest;
    synchronized (pending) {
      closed = true;
      rest = new ArrayList<>(pending);
      pending.clear();
    }
    if (!clean) {
      // Quietly: thrown, a log handler's failure ended the close before it closed any of them, no longer pending
      Quietly.log(() -> LOG.log(Level.WARNING, "closing {0} retired resources while a reader is still inside a guard",
          rest.size()));
    }
    try {
      closeAll(rest.stream().map(Retired::resource).toList());
    } catch (RuntimeException | Error e) {
      thrown = FirstFailure.of(thrown, e);
    }
    if (thrown != null) {
      throw FirstFailure.unchecked(thrown);
    }
  }

  /**
   * A reclaim by the background reclaimer, which warns of a reader that held resources back for
   * {@link Config#stallWarning()}.
   */
  void reclaimInBackground() {
    // What this throws (a VirtualMachineError, or onCloseFailure's own failure, which is not handed back to it) the
    // reclaimer logs. The reclaim's failure first: a stall warning that cannot be logged (a log handler that throws)
    // replaced it when the warning was logged in a finally.
    Throwable failure = null;
    try {
      reclaim();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    try {
      warnIfStalled();
    } catch (RuntimeException | Error e) {
      failure = FirstFailure.of(failure, e);
    }
    if (failure != null) {
      throw FirstFailure.unchecked(failure);
    }
  }

  /**
   * Logs, once per oldest pending resource, that a reader has held it back for the configured time: nothing
   * else tells an operator why memory retired long ago (a replaced index page, an old blob mapping) is not
   * freed, and the thread's name says which read to look at.
   */
  private void warnIfStalled() {
    long stallNanos = saturatedNanos(config.stallWarning());
    int count;
    long waitedNanos;
    synchronized (pending) {
      Retired oldest = pending.peekFirst();
      if (stallNanos == 0 || oldest == null || oldest.epoch() == warnedStallAt) {
        return;
      }
      waitedNanos = System.nanoTime() - oldest.retiredAtNanos();
      if (waitedNanos < stallNanos) {
        return;
      }
      warnedStallAt = oldest.epoch();
      count = pending.size();
    }
    Thread reader = slots.oldestReader();
    LOG.log(Level.WARNING, "{0} retired resources are not freed: the oldest has waited {1} s for thread ''{2}'' to"
        + " leave a read it began before that", count, TimeUnit.NANOSECONDS.toSeconds(waitedNanos),
        reader == null ? "(gone)" : reader.getName());
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Closes every one of {@code resources}, handing what a close throws to {@link Config#onCloseFailure()}:
   * one that fails, even with an {@link Error}, must not leave the others of its batch unclosed, since they
   * are no longer pending (mappings never unmapped, files never deleted). Nor must a handler of the caller's
   * that throws. A {@link VirtualMachineError} is rethrown once the others are closed, else the handler's first
   * failure; the others are suppressed. A batch that closed every one is recorded as a success.
   *
   * <p>An {@link InternalError} is not such a failure of the JVM: it is how the JVM reports a fault in a mapped file
   * that another process cut short ({@code SIGBUS}), which a close that writes into its mapping meets (the blob
   * arena's erasure of freed blobs). It is a failed close like any other, handed to the handler; rethrown, it reached
   * whoever reclaimed: a writer's retirement of something else, a namespace's close waiting for its readers.
   */
  private void closeAll(List<AutoCloseable> resources) {
    Throwable fatal = null;
    Throwable handlerFailure = null;
    boolean failed = false;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (VirtualMachineError e) {
        failed = true;
        if (e instanceof InternalError) {
          handlerFailure = FirstFailure.of(handlerFailure, handOver(e));
        } else {
          fatal = FirstFailure.of(fatal, e);
        }
      } catch (Throwable t) {
        failed = true;
        handlerFailure = FirstFailure.of(handlerFailure, handOver(t));
      }
    }
    if (fatal != null || handlerFailure != null) {
      throw FirstFailure.unchecked(FirstFailure.of(fatal, handlerFailure));
    }
    if (!failed && !resources.isEmpty()) {
      Quietly.log(failures::succeeded);
    }
  }

  /** Hands a failed close to {@link Config#onCloseFailure()}; returns what the handler threw, or null. */
  private Throwable handOver(Throwable closeFailure) {
    try {
      onCloseFailure.accept(closeFailure);
      return null;
    } catch (Throwable h) {
      return h;
    }
  }

  /**
   * {@code d} in nanoseconds, between 0 and {@code Long.MAX_VALUE}: a duration beyond about 292 years ("as long
   * as it takes") made {@code Duration.toNanos} throw an {@code ArithmeticException}, out of a wait or a close.
   */
  static long saturatedNanos(Duration d) {
    return Math.max(0, TimeUnit.NANOSECONDS.convert(d)); // convert saturates, as the engine's intervals do
  }

  int slotCount() {
    return slots.size();
  }
}
