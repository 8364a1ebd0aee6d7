package dev.aeon.engine;

import dev.aeon.common.FirstFailure;
import dev.aeon.common.Quietly;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The namespaces an {@link Aeon} holds open, by name: each opened (and recovered) from {@code ns/<name>} on first use,
 * reopened after it failed, held by leases, closed when idle, closed or dropped on request, and all closed with the
 * Aeon. A name's open, close, drop or replacement runs under that name's lock ({@link NameLocks}), so that two of them
 * never work on one namespace's files at once; an open that failed is thrown again for a second ({@link FailedOpens}).
 * Names are checked by the caller ({@link Aeon#checkName}), except where a usage record checks them.
 */
final class OpenNamespaces {

  /** Its warnings are logged as they were when Aeon kept the namespaces itself: under Aeon's name. */
  private static final System.Logger LOG = System.getLogger(Aeon.class.getName());

  private final MemoryDirectory directory;
  private final AeonOptions options;
  private final BackgroundThreads threads;
  private final ConcurrentHashMap<String, DurableMemory> namespaces = new ConcurrentHashMap<>();
  /** Held while a namespace is opened, closed, dropped or replaced: the map's own locks are shared by names. */
  private final NameLocks nameLocks = new NameLocks();
  /**
   * Opening a namespace (read side, so that namespaces open in parallel) excludes {@link #closeAll} (write side): a
   * namespace whose opening close did not wait for would be left open, holding its log's lock.
   */
  private final ReentrantReadWriteLock opening = new ReentrantReadWriteLock();
  /** The last failed open of each namespace, thrown again to the calls of the next second. */
  private final FailedOpens failedOpens;
  /** Leases and last use of the namespaces in use: a record goes when its namespace is closed as idle. */
  private final UsageRecords usage = new UsageRecords();
  /** Answers the reads of namespaces that do not exist ({@link Aeon#reader}); opened on first need, under lock. */
  private DurableMemory emptyNamespace;
  private volatile boolean closed;

  /** Opens (and recovers) a namespace from its files: {@link DurableMemory#open}, or a test's. */
  private final BiFunction<String, Path, DurableMemory> opener;

  /** The namespaces of {@code directory}; their background work runs on {@code threads}, which they do not own. */
  OpenNamespaces(MemoryDirectory directory, AeonOptions options, BackgroundThreads threads) {
    this(directory, options, threads, (name, files) -> DurableMemory.open(name, files, options, threads));
  }

  /** With {@code opener} for the namespaces it opens (a test makes an open fail there). */
  OpenNamespaces(MemoryDirectory directory, AeonOptions options, BackgroundThreads threads,
      BiFunction<String, Path, DurableMemory> opener) {
    this(directory, options, threads, opener, new FailedOpens());
  }

  /** With {@code failedOpens} too (a test's, on a clock of its own). */
  OpenNamespaces(MemoryDirectory directory, AeonOptions options, BackgroundThreads threads,
      BiFunction<String, Path, DurableMemory> opener, FailedOpens failedOpens) {
    this.directory = directory;
    this.options = options;
    this.threads = threads;
    this.opener = opener;
    this.failedOpens = failedOpens;
  }

  /**
   * The namespace, opened if it is not open, as a use ({@link #closeIdle}); unless {@code create}, null if there is
   * no such namespace, which is checked under the name's lock as it is opened: checked before, a drop in between,
   * and the open made the namespace again, empty.
   */
  DurableMemory namespace(String name, boolean create) {
    usage.of(name).touch();
    try {
      DurableMemory m = open(name, create);
      if (m == null) {
        usage.dropIfUnused(name);
      }
      return m;
    } catch (RuntimeException | Error e) { // an Error too, as the open's (RecoveryErrorTest): see lease
      usage.dropIfUnused(name);
      throw e;
    }
  }

  /** {@link Aeon#lease}; unless {@code create}, null if there is no such namespace (as {@link #namespace}). */
  NamespaceLease lease(String name, boolean create) {
    NamespaceUsage u = usage.acquire(name);
    try {
      DurableMemory m = open(name, create);
      if (m == null) {
        u.release();
        usage.dropIfUnused(name);
        return null;
      }
      return new NamespaceLease(m, u);
    } catch (RuntimeException | Error e) {
      // An Error too (an InternalError: the blob arena cut short under its mapping while the log is replayed, which
      // the open throws as it is). Not released, the lease held the namespace for good once it opened: it counted as
      // leased, and closeIdle never closed it (OpenNamespacesTest).
      u.release();
      usage.dropIfUnused(name);
      throw e;
    }
  }

  /**
   * {@link Aeon#leaseIfOpen}: a lease of the namespace if it is open now and has not failed, else null, having opened
   * nothing. The lease is taken first, so that an idle close either ended before (the namespace is then found closed)
   * or cannot start until the lease is closed.
   */
  NamespaceLease leaseIfOpen(String name) {
    NamespaceUsage u = usage.acquire(name);
    DurableMemory m = namespaces.get(name);
    if (m != null && !m.failed() && !closed) {
      return new NamespaceLease(m, u);
    }
    u.release();
    if (m == null) {
      usage.dropIfUnused(name); // no record is kept for a namespace that is not open
    }
    return null;
  }

  /** The namespace, opened if it is not open; unless {@code create}, null if there is no such namespace. */
  private DurableMemory open(String name, boolean create) {
    checkOpen();
    DurableMemory open = namespaces.get(name);
    if (open != null && !open.failed()) {
      return open; // if close() is closing it, its own calls say so
    }
    try (NameLocks.Held held = lock(name)) {
      DurableMemory current = namespaces.get(name);
      if (current != null && !current.failed()) {
        return current;
      }
      if (current == null && !create && !directory.holds(name)) {
        return null; // under the lock: a drop is done or waits, an import into it is in place or waits
      }
      failedOpens.throwIfRecent(name);
      if (current != null) {
        closeFailed(current);
      }
      directory.refuseUnfinishedCopy(name); // opening it would write into half a copy
      try {
        DurableMemory opened = opener.apply(name, directory.filesOf(name));
        failedOpens.forget(name);
        namespaces.put(name, opened);
        return opened;
      } catch (RuntimeException e) {
        failedOpens.failed(name, e);
        throw e;
      } catch (Error e) { // kept too, but for running out of heap or stack (FailedOpens, OpenNamespacesTest)
        failedOpens.failed(name, e);
        throw e;
      }
    }
  }

  /**
   * Takes the lock of {@code name}, and the read side of {@link #opening} (a close of this Aeon waits until it is
   * released), unless this Aeon is closed; what it returns releases both.
   *
   * @throws IllegalStateException if this Aeon is closed
   */
  private NameLocks.Held lock(String name) {
    opening.readLock().lock();
    try {
      checkOpen();
      NameLocks.Held held = nameLocks.lock(name);
      return () -> {
        try {
          held.close();
        } finally {
          opening.readLock().unlock();
        }
      };
    } catch (RuntimeException | Error e) {
      opening.readLock().unlock();
      throw e;
    }
  }

  /** The namespace if it is open now, without opening it or counting as a use; null if it is not. */
  DurableMemory ifOpen(String name) {
    return namespaces.get(name);
  }

  /** Whether namespace {@code name} exists: open here, or on disk. */
  boolean exists(String name) {
    return namespaces.containsKey(name) || directory.holds(name);
  }

  /** The names of the namespaces open now, sorted. */
  List<String> openNames() {
    return namespaces.keySet().stream().sorted().toList();
  }

  /**
   * Runs {@code change} on the files of namespace {@code name} with the instance open now (null if none), under the
   * name's lock, so that no one opens the namespace (and so creates or writes it) until the change is done. Unless
   * {@code change} throws, that instance (which {@code change} closed) is then taken out of the open ones and the
   * name's failed open forgotten: the next use opens what {@code ns/} holds. A change that throws leaves both as they
   * were; one that failed part way and must still be unmapped returns its failure instead.
   *
   * @throws IllegalStateException if this Aeon is closed
   */
  <T> T changeFiles(String name, Function<DurableMemory, T> change) {
    try (NameLocks.Held held = lock(name)) {
      T result = change.apply(namespaces.get(name));
      failedOpens.forget(name);
      namespaces.remove(name);
      return result;
    }
  }

  /** {@link Aeon#closeNamespace}. */
  boolean closeNamespace(String name) {
    DurableMemory open;
    Throwable failure = null;
    // Under the name's lock, so that namespace(name) waits for the close instead of opening the files while
    // this instance still holds their locks.
    try (NameLocks.Held held = lock(name)) {
      open = namespaces.get(name);
      if (open != null) {
        try {
          open.closeToReopen();
        } catch (RuntimeException | Error e) {
          // An Error too (an InternalError: its blob arena cut short under its mapping): thrown at once, it left
          // the closed instance among the open ones, handed out by every later namespace(name)
          failure = e;
        }
        namespaces.remove(name);
      }
    }
    usage.dropIfUnused(name);
    if (failure != null) {
      throw FirstFailure.unchecked(failure);
    }
    return open != null;
  }

  /** What a drop found: whether there was a namespace, and why its files could not be moved (null if they were). */
  private record Dropped(boolean existed, IOException failure) {}

  /** {@link Aeon#dropNamespace}. */
  boolean drop(String name) {
    Path moved = directory.scratch().next("drop");
    Dropped dropped = changeFiles(name, open -> {
      directory.refuseUnfinishedCopy(name); // a drop deleted the copy, not its mark, and said it dropped a namespace
      if (open != null) {
        closeDropped(open);
      }
      Path files = directory.filesOf(name);
      if (!Files.isDirectory(files)) {
        return new Dropped(false, null);
      }
      try {
        // On a thread of its own: an interrupt of the caller would close the channel that forces the
        // directories (ClosedByInterruptException) after the rename, failing a drop that was done.
        Uninterruptibly.run(() -> {
          DurableFiles.createDirectories(moved.getParent());
          DurableFiles.atomicRename(files, moved);
          DurableFiles.fsyncDirectory(files.getParent()); // the rename forced tmp/; ns/ changed too
        });
        return new Dropped(true, null);
      } catch (IOException e) {
        // Unmapped all the same: the instance is closed, and left mapped it would be handed out by every later
        // namespace(name), each call saying "closed and dropped". The next open reads what ns/ holds.
        return new Dropped(true, e);
      }
    });
    usage.dropIfUnused(name);
    if (dropped.failure() != null) {
      throw new UncheckedIOException("cannot drop namespace '" + name + "': " + OpenFailures.reason(dropped.failure()),
          dropped.failure());
    }
    ScratchSpace.delete(moved);
    return dropped.existed();
  }

  /**
   * Closes a namespace about to be deleted; what closing reports (a failure) no longer matters, and is logged. An
   * Error too (an {@code InternalError}: its blob arena cut short under its mapping): thrown, it ended the drop with
   * the files in place and the closed instance handed out by every later {@code namespace(name)}.
   */
  static void closeDropped(DurableMemory open) {
    try {
      open.closeAndDiscard();
    } catch (RuntimeException | Error e) {
      // Quietly: a log handler that throws ended the drop with the files in place, as the Error did
      Quietly.log(() -> LOG.log(System.Logger.Level.WARNING, "namespace '" + open.name() + "' reported on close"
          + " before it was dropped: " + e));
    }
  }

  /**
   * Closes a namespace that failed (its log, or a store refusing a logged mutation), so that it can be
   * opened again from its files. Its stores are closed without a checkpoint; what closing them reports
   * (the failure again, as a rule) was reported to the writes that met it, so it is only logged here.
   */
  static void closeFailed(DurableMemory failed) {
    try {
      failed.closeToReopen();
    } catch (RuntimeException | Error e) { // an Error too, as closeDropped: the namespace is opened again next
      Quietly.log(() -> LOG.log(System.Logger.Level.WARNING, "namespace '" + failed.name() + "' failed; closing it"
          + " to reopen it: " + e));
    }
  }

  /** {@link Aeon#closeIdleNamespaces}. */
  List<String> closeIdle(Duration idle) {
    long idleNanos = TimeUnit.NANOSECONDS.convert(idle); // saturates, where toNanos() overflows past 292 years
    List<String> closedNow = new ArrayList<>();
    for (String name : namespaces.keySet()) {
      if (closed) {
        break; // close() closes the others
      }
      NamespaceUsage u = usage.current(name);
      if (!u.startClosingIfIdle(idleNanos)) {
        continue;
      }
      try {
        if (closeNamespace(name)) {
          closedNow.add(name);
        }
      } catch (UncheckedIOException e) {
        closedNow.add(name);
        LOG.log(System.Logger.Level.WARNING, "namespace '" + name + "' closed as idle, but its last checkpoint"
            + " failed (its log will be replayed when it opens again): " + e);
      } catch (IllegalStateException e) {
        if (!closed) {
          throw e;
        }
        break; // this Aeon closed meanwhile, and with it the namespace
      } finally {
        usage.idleCloseEnded(name, u);
      }
    }
    return closedNow;
  }

  /** How many namespaces' usage records are kept (tests). */
  int usageRecords() {
    return usage.size();
  }

  /** Throws if this Aeon is closed. */
  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this Aeon is closed");
    }
  }

  /** The empty namespace under the scratch space that answers the stand-ins' reads, opened on first need. */
  synchronized Memory emptyNamespace() {
    opening.readLock().lock();
    try {
      checkOpen();
      if (emptyNamespace == null) {
        emptyNamespace = DurableMemory.open("absent", directory.scratch().emptyNamespace(), options, threads);
      }
      return emptyNamespace;
    } finally {
      opening.readLock().unlock();
    }
  }

  /**
   * Closes every namespace (each with a last checkpoint) and then runs {@code afterwards} (what the namespaces
   * needed while they closed), once: while no namespace can open, and whatever the steps before threw.
   */
  void closeAll(List<Runnable> afterwards) {
    opening.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      List<Runnable> steps = new ArrayList<>();
      steps.add(this::closeNamespaces);
      steps.addAll(afterwards);
      runAll(steps);
    } finally {
      opening.writeLock().unlock();
    }
  }

  private void closeNamespaces() {
    List<Runnable> closes = new ArrayList<>();
    namespaces.values().forEach(m -> closes.add(m::close));
    if (emptyNamespace != null) {
      closes.add(() -> {
        emptyNamespace.closeAndDiscard();
        ScratchSpace.delete(directory.scratch().emptyNamespace());
      });
    }
    try {
      runAll(closes);
    } finally {
      namespaces.clear();
    }
  }

  /**
   * Runs every one of {@code steps}, whatever the ones before threw, even an Error (an {@code InternalError} from a
   * mapped file cut short: the namespaces after the one that threw it were left open, their logs locked), and throws
   * the first failure with the later ones suppressed in it.
   */
  private static void runAll(List<Runnable> steps) {
    Throwable failure = null;
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException | Error e) {
        failure = FirstFailure.of(failure, e);
      }
    }
    if (failure != null) {
      throw FirstFailure.unchecked(failure);
    }
  }
}
