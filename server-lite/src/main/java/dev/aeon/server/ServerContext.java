package dev.aeon.server;

import dev.aeon.common.TextEmbedder;
import dev.aeon.common.io.FileFormatException;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.BackupResult;
import dev.aeon.engine.Memory;
import dev.aeon.engine.NamespaceLease;
import dev.aeon.engine.Remember;
import dev.aeon.server.command.Args;
import dev.aeon.server.command.Command;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.CommandTable;
import dev.aeon.server.resp.MemoryBudget;
import dev.aeon.server.vset.VectorSets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** What every connection shares: the configuration, the engine, the command table and the counters. */
public final class ServerContext {

  /**
   * Platform threads that run the commands not flagged "fast". More than the cores: a SYNC write waits for
   * its fsync on one, and group commit needs many writes waiting at once. Bounded, so that a burst from
   * thousands of connections queues instead of starting thousands of threads.
   */
  private static final int COMMAND_THREADS = 64;
  /** A backup's name: one directory under the backup directory, never a path. */
  private static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /**
   * The namespaces the running command has leased, released when it ends ({@link #runCommand}): the
   * namespace closer ({@link #closeIdleNamespaces}) never closes one under a command. And whether it runs on its
   * connection's thread, where it may use only namespaces open now ({@link #runCommandIfItOpensNothing}).
   */
  private static final ScopedValue<CommandLeases> COMMAND_LEASES = ScopedValue.newInstance();

  /**
   * Tests only, null otherwise: run by a command found light for its arguments ({@link CommandTable#lightWhen}) once
   * found so and before it leases the namespace it needs ({@link #runCommandIfNamespaceOpen}), and by one found worth
   * starting on its connection's thread ({@link CommandTable#startOnTheConnectionThread}) before it starts there
   * ({@link #runCommandStartedOnTheConnectionThread}), so that a test can change the namespace or the vector set the
   * check saw in between.
   */
  static volatile Runnable afterConnectionThreadCheck;

  private final ServerConfig config;
  private final Aeon aeon;
  private final MemoryBudget requestBudget;
  private final MemoryBudget outputBudget;
  private final CommandTable commands;
  private final ExecutorService compute;
  private final VectorSets vectorSets;
  private final byte[] passwordDigest;
  private final Map<String, FileFormatException> unopenable = new ConcurrentHashMap<>();
  private final NamespaceLocks namespaceLocks = new NamespaceLocks();
  private final long startMillis = System.currentTimeMillis();
  private final AtomicLong connectionsAccepted = new AtomicLong();
  private final AtomicLong connectionsRejected = new AtomicLong();
  private final LongAdder commandsProcessed = new LongAdder();
  private final LongAdder commandsOnPool = new LongAdder();
  private final AtomicLong outputLimitDisconnections = new AtomicLong();
  private final LongAdder backupsTaken = new LongAdder();
  private volatile BackupOutcome lastBackup;
  private volatile IntSupplier connectedClients = () -> 0;
  private volatile Supplier<List<ClientSession>> clients = List::of;
  /** Stops the server, told who asked ({@link #requestStop}); set by the server this context serves. */
  private volatile Consumer<String> stopper = who -> {
    throw new IllegalStateException("this context serves no server that could stop");
  };

  ServerContext(ServerConfig config, Aeon aeon) {
    this.config = config;
    this.aeon = aeon;
    this.requestBudget = new MemoryBudget(config.requestMemory());
    this.outputBudget = new MemoryBudget(config.outputMemory());
    this.passwordDigest = config.password() == null ? null : sha256(config.password());
    this.vectorSets = new VectorSets(this);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(COMMAND_THREADS, COMMAND_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("aeon-command-", 0).factory());
    pool.allowCoreThreadTimeOut(true);
    this.compute = pool;
    this.commands = CommandTable.standard(compute);
  }

  public ServerConfig config() {
    return config;
  }

  public CommandTable commands() {
    return commands;
  }

  public VectorSets vectorSets() {
    return vectorSets;
  }

  /** Stops the threads that run commands off their connections' threads; call once no connection is left. */
  void shutdownCompute() {
    compute.shutdown();
  }

  MemoryBudget requestBudget() {
    return requestBudget;
  }

  /** Bytes of replies queued for clients and not yet sent, all connections together ({@link OutputQueue}). */
  MemoryBudget outputBudget() {
    return outputBudget;
  }

  /** The embedder that turns text into vectors, or null when the server runs without one. */
  public TextEmbedder embedder() {
    return config.engine().embedder();
  }

  /**
   * The namespace to remember {@code event} in, created if it does not exist, but only once the event passed the
   * checks that need no namespace ({@link Aeon#checkBeforeCreating}): a refused write creates nothing.
   */
  public Memory memoryToRemember(String namespace, Remember event) {
    aeon.checkBeforeCreating(namespace, event);
    return memory(namespace);
  }

  /** {@link #memoryToRemember(String, Remember)} for the events of one batch. */
  public Memory memoryToRemember(String namespace, List<Remember> events) {
    aeon.checkBeforeCreating(namespace, events);
    return memory(namespace);
  }

  /**
   * The namespace's Memory, opened (and recovered) on first use. A namespace whose files cannot be used
   * (damaged, or of another format version) is reported once at WARNING and not read again until the server
   * restarts: the files will not mend themselves, and every command naming it would otherwise read them all
   * again to fail the same way. Other failures (an I/O error, too many open files) are tried again.
   */
  public Memory memory(String namespace) {
    return opened(namespace, true);
  }

  /**
   * The instance of the namespace the engine hands out now (one whose log failed is reopened here, as by {@link
   * #memory}), without holding it open for the running command: for what keeps state read from a namespace (the
   * vector sets' element maps) to tell whether it was read from this instance. Inside a command {@link #memory} gives
   * the instance the command first used, the same all through the command; this one may be a newer one.
   */
  public Memory currentMemory(String namespace) {
    return opened(namespace, false);
  }

  private Memory opened(String namespace, boolean forTheCommand) {
    FileFormatException known = unopenable.get(namespace);
    if (known != null) {
      throw known.again(); // a new instance: one is not thrown to many threads
    }
    CommandLeases held = COMMAND_LEASES.isBound() ? COMMAND_LEASES.get() : null;
    try {
      if (held == null || !forTheCommand && !held.onConnectionThread()) {
        return aeon.namespace(namespace);
      }
      Memory leased = forTheCommand ? held.leased(namespace) : null;
      if (leased != null) {
        return leased;
      }
      if (!held.onConnectionThread()) {
        NamespaceLease lease = aeon.lease(namespace);
        held.add(lease);
        return lease.memory();
      }
      // On a connection's thread only a namespace open now and not failed: one to open, or to reopen after its log
      // failed, is recovered from its files, which would hold the carrier every other client's thread shares.
      NamespaceLease lease = leaseIfOpen(namespace)
          .orElseThrow(() -> new NeedsThePool("namespace '" + namespace + "' is not open"));
      if (forTheCommand) {
        held.add(lease);
      } else {
        lease.close(); // the instance handed out now, not held for the command (as aeon.namespace above)
      }
      return lease.memory();
    } catch (FileFormatException e) {
      if (unopenable.putIfAbsent(namespace, e) == null) {
        ServerLog.warn("namespace '" + namespace + "' cannot be opened, and will not be tried again until the"
            + " server restarts: " + e.getMessage());
      }
      throw e;
    }
  }

  /**
   * The namespace for a command that adds no event: the namespace if it exists ({@link #memory}), else a
   * stand-in that answers as an empty one and creates nothing ({@link Aeon#reader}): reading a namespace, or a
   * mistyped name, must not leave a namespace on disk.
   */
  public Memory existingMemory(String namespace) {
    return aeon.exists(namespace) ? memory(namespace) : aeon.reader(namespace);
  }

  /**
   * Backs up user namespace {@code namespace} and the namespaces holding its vector sets into
   * {@code <backup dir>/<name>} ({@link Aeon#backup}: each copy consistent on its own, the namespaces one
   * after the other), which {@code ./aeon serve --dir} or {@code Aeon.open} then opens.
   */
  public List<BackupResult> backup(String namespace, String name) {
    Path root = config.backupDir();
    if (root == null) {
      throw CommandError.err("backups are off: start the server with --backup-dir DIR");
    }
    if (!BACKUP_NAME.matcher(name).matches()) {
      throw CommandError.err("bad backup name '" + name + "': use 1-64 letters, digits, '_', '.', '-', starting"
          + " with a letter or digit");
    }
    List<String> names = new ArrayList<>();
    if (aeon.exists(namespace)) { // it may hold vector sets only
      names.add(namespace);
    }
    names.addAll(vectorSets.storageNamespaces(namespace));
    if (names.isEmpty()) {
      throw CommandError.err("namespace '" + namespace + "' holds nothing to back up: nothing was added to it");
    }
    // A request refused above, or for a name used before, leaves INFO's last_backup_status as it was (as a
    // refused BGSAVE leaves rdb_last_bgsave_status in Redis); a backup that fails from here on sets it to err.
    Path target = root.resolve(name);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      lastBackup = new BackupOutcome(System.currentTimeMillis(), false);
      throw new UncheckedIOException("cannot create the backup directory " + root + ": " + e, e);
    }
    try {
      Files.createDirectory(target); // at once: two backups of one name, even of two namespaces, cannot mix
    } catch (FileAlreadyExistsException e) {
      throw CommandError.err("backup '" + name + "' exists already in " + root + ": a name used before is refused");
    } catch (IOException e) {
      lastBackup = new BackupOutcome(System.currentTimeMillis(), false);
      throw new UncheckedIOException("cannot create the backup directory " + target + ": " + e, e);
    }
    List<BackupResult> results = new ArrayList<>();
    try {
      for (String n : names) {
        results.add(aeon.backup(n, target));
      }
    } catch (RuntimeException e) {
      lastBackup = new BackupOutcome(System.currentTimeMillis(), false);
      deleteIfEmpty(target, e);
      throw e;
    }
    lastBackup = new BackupOutcome(System.currentTimeMillis(), true);
    backupsTaken.increment();
    return results;
  }

  /** A backup that failed before its first copy leaves no directory, so that its name can be used again. */
  private static void deleteIfEmpty(Path dir, RuntimeException failure) {
    try {
      Files.delete(dir);
    } catch (DirectoryNotEmptyException kept) {
      // a copy that was made stays, and so does the name
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * The end (epoch milliseconds) of the last MEM.BACKUP that was not refused, and whether it succeeded; null
   * before the first.
   */
  public record BackupOutcome(long atMillis, boolean ok) {}

  public BackupOutcome lastBackup() {
    return lastBackup;
  }

  /** MEM.BACKUP commands that succeeded since the server started. */
  public long backupsTaken() {
    return backupsTaken.sum();
  }

  /**
   * Runs one command's handler, under the read lock of the connection's namespace ({@link NamespaceLocks});
   * the namespaces it uses stay open until it returns. When a further request of the client is buffered behind it,
   * its writes do not wait to be durable: its connection's replies wait for them before they are sent
   * ({@link DurableReplies}), so that the writes of a pipeline share the log's forced writes; unless the server runs
   * with {@link ServerConfig#pipelinedWritesShareForces} off. The last command read waits for its own writes, as
   * every command did before, so that one whose durability fails gets its error reply. For the pool of command
   * threads, where the command may open namespaces and load vector sets. (A command run on its connection's thread,
   * {@link #runCommandIfItOpensNothing}, always waits for its own writes: see {@link #runLeasing}.)
   */
  public void runCommand(Command handler, ClientSession client, Args args) throws IOException {
    Lock namespaceLock = namespaceLocks.of(client.namespace()).readLock(); // SELECT changes the namespace
    namespaceLock.lock();
    try {
      runLeasing(handler, client, args, new CommandLeases(false));
    } finally {
      namespaceLock.unlock();
    }
  }

  /**
   * {@link #runCommand} on the calling thread, a connection's, but only as far as the command opens no namespace
   * (reading its files and replaying its log, as after an idle close or a failure) and loads no vector set (reading
   * its elements, {@link #requireThePool}): returns true once it has run; false if it met one of them, having stopped
   * there, before it changed anything or wrote any of its reply, and the caller runs it again from its start on the
   * pool ({@link CommandTable#dispatch}). A namespace the command uses is leased when first used, if open and not
   * failed, and held open to its end. For a command flagged fast: a read of a set loaded already and a namespace open
   * runs here as it did, and the first read of a set, or one whose namespace closed as idle, goes to the pool. Such a
   * command must meet what it would open or load before its first write (one that could meet it later, UNLINK of
   * several keys, goes to the pool at once: {@link CommandTable#alwaysOnThePool}).
   */
  public boolean runCommandIfItOpensNothing(Command handler, ClientSession client, Args args) throws IOException {
    return runOnConnectionThread(null, handler, client, args);
  }

  /**
   * {@link #runCommandIfItOpensNothing}, with {@code namespace} (the client's, or the one holding a vector set's
   * elements) leased first: returns false having run nothing if it is not open or has failed (a command that would
   * open or recover a namespace never runs on a connection's thread: {@link CommandTable#lightWhen}). The namespace is
   * leased under the client namespace's read lock before the command runs, so neither the idle closer nor a FLUSHDB
   * can close it in between: checked without the lease, a namespace closed as idle right after the check was opened
   * again by the command, on the connection's thread. What the check saw of a vector set may have changed too (another
   * client's DEL dropped it from memory): the command then finds the set to load, and goes to the pool.
   */
  public boolean runCommandIfNamespaceOpen(String namespace, Command handler, ClientSession client, Args args)
      throws IOException {
    afterTheCheck();
    return runOnConnectionThread(namespace, handler, client, args);
  }

  /**
   * {@link #runCommandIfItOpensNothing} for a command not flagged fast that its check found worth starting on the
   * connection's thread ({@link CommandTable#startOnTheConnectionThread}): what the check saw (a set not in memory)
   * may have changed since, and the command must find it so (a set in memory: the search goes to the pool).
   */
  public boolean runCommandStartedOnTheConnectionThread(Command handler, ClientSession client, Args args)
      throws IOException {
    afterTheCheck();
    return runOnConnectionThread(null, handler, client, args);
  }

  private static void afterTheCheck() {
    Runnable hook = afterConnectionThreadCheck;
    if (hook != null) {
      hook.run();
    }
  }

  private boolean runOnConnectionThread(String leaseFirst, Command handler, ClientSession client, Args args)
      throws IOException {
    Lock namespaceLock = namespaceLocks.of(client.namespace()).readLock();
    namespaceLock.lock();
    try {
      CommandLeases held = new CommandLeases(true);
      if (leaseFirst != null) {
        Optional<NamespaceLease> lease = leaseIfOpen(leaseFirst);
        if (lease.isEmpty()) {
          return false;
        }
        held.add(lease.get()); // what memory() hands the command first (opened())
      }
      try {
        runLeasing(handler, client, args, held);
      } catch (NeedsThePool notHere) {
        return false;
      }
      return true;
    } finally {
      namespaceLock.unlock();
    }
  }

  /**
   * Throws if the running command runs on its connection's thread ({@link #runCommandIfItOpensNothing}), which then
   * hands it to the pool, where it runs again from its start: called before what would load a vector set (reading its
   * elements from its namespace), and before work a command begun there leaves to the pool (a search, a draw from a
   * set: {@link CommandTable#startOnTheConnectionThread}). Called before the command has changed anything or written
   * any of its reply.
   */
  public void requireThePool(String what) {
    if (COMMAND_LEASES.isBound() && COMMAND_LEASES.get().onConnectionThread()) {
      throw new NeedsThePool(what);
    }
  }

  private Optional<NamespaceLease> leaseIfOpen(String namespace) {
    try {
      return aeon.leaseIfOpen(namespace);
    } catch (IllegalArgumentException notAName) {
      return Optional.empty(); // the command itself, on the pool, says why
    }
  }

  /** Runs the handler with {@code held} (the namespaces it uses, leased as it first uses each) released after. */
  private void runLeasing(Command handler, ClientSession client, Args args, CommandLeases held) throws IOException {
    try {
      ScopedValue.CallableOp<Void, IOException> run = () -> {
        handler.run(client, args);
        return null;
      };
      // Only a command on the pool leaves its writes' wait to its reply: its reply is built whole before any of it is
      // handed over (CommandTable defers sending), so DurableReplies can hold it or replace it with an error. One on
      // the connection's thread may hand part of its reply over as it outgrows the buffer, which could not be taken
      // back if its writes then failed: it waits for its own writes (none of them writes in a pipeline now).
      boolean deferWrites = config.pipelinedWritesShareForces() && client.pipelined() && !held.onConnectionThread();
      ScopedValue.where(COMMAND_LEASES, held).call(() -> deferWrites ? client.writes().call(run) : run.call());
    } finally {
      held.release();
    }
  }

  /**
   * FLUSHDB: drops user namespace {@code namespace} and the namespaces of its vector sets ({@link Aeon#dropNamespace}),
   * once the commands running on it have ended; commands on it wait meanwhile. Called by a command, which
   * holds the namespace's read lock: it gives that up for the write lock (a read lock cannot be upgraded), and
   * takes it again before it returns.
   */
  public void flush(String namespace) {
    ReentrantReadWriteLock lock = namespaceLocks.of(namespace);
    lock.readLock().unlock();
    lock.writeLock().lock();
    try {
      List<String> names = new ArrayList<>();
      names.add(namespace);
      names.addAll(vectorSets.storageNamespaces(namespace));
      try {
        for (String n : names) {
          aeon.dropNamespace(n);
          unopenable.remove(n);
        }
      } finally {
        // even after a drop that failed, those before it are gone: no set or key known absent may name them
        vectorSets.forget(namespace);
      }
    } finally {
      lock.readLock().lock();
      lock.writeLock().unlock();
    }
  }

  /** Closes the namespaces no command used for {@link ServerConfig#namespaceIdle}; returns their names. */
  List<String> closeIdleNamespaces() {
    return aeon.closeIdleNamespaces(config.namespaceIdle());
  }

  /** The namespaces on disk, opened or not, sorted. */
  public List<String> namespacesOnDisk() {
    return aeon.namespaceNames();
  }

  /** The namespaces open now, sorted (those no command used for a while are closed, and opened on next use). */
  public List<String> openNamespaces() {
    return aeon.openNamespaceNames();
  }

  /** The namespace if it is open now, without opening it or counting as a use (which would keep it open). */
  public Optional<Memory> ifOpen(String namespace) {
    return aeon.ifOpen(namespace);
  }

  public boolean passwordRequired() {
    return passwordDigest != null;
  }

  /**
   * Whether {@code candidate} is the password. Compares SHA-256 digests with {@link MessageDigest#isEqual},
   * so the time taken reveals neither a matching prefix nor the password's length.
   */
  public boolean passwordMatches(byte[] candidate) {
    return passwordDigest != null && MessageDigest.isEqual(passwordDigest, sha256(candidate));
  }

  public long uptimeMillis() {
    return System.currentTimeMillis() - startMillis;
  }

  public long connectionsAccepted() {
    return connectionsAccepted.get();
  }

  public long connectionsRejected() {
    return connectionsRejected.get();
  }

  public long commandsProcessed() {
    return commandsProcessed.sum();
  }

  public int connectedClients() {
    return connectedClients.getAsInt();
  }

  public long requestBytesHeld() {
    return requestBudget.used();
  }

  /** Bytes of unsent replies reserved from the server-wide output budget (each client's first 64 KiB are free). */
  public long outputBytesHeld() {
    return outputBudget.used();
  }

  /** Clients disconnected for leaving more replies unread than the output limits allow. */
  public long outputLimitDisconnections() {
    return outputLimitDisconnections.get();
  }

  /** {@code CONFIG RESETSTAT}: the counters of {@code INFO stats} start again from zero. */
  public void resetStats() {
    connectionsAccepted.set(0);
    connectionsRejected.set(0);
    commandsProcessed.reset();
    commandsOnPool.reset();
    outputLimitDisconnections.set(0);
  }

  void onAccepted() {
    connectionsAccepted.incrementAndGet();
  }

  void onRejected() {
    connectionsRejected.incrementAndGet();
  }

  void onCommand() {
    commandsProcessed.increment();
  }

  /** A command was handed to the pool of command threads (counted by {@code INFO stats}). */
  public void onCommandOnPool() {
    commandsOnPool.increment();
  }

  /** Commands run on the pool of command threads, not on their connections' own threads ({@code INFO stats}). */
  public long commandsOnPool() {
    return commandsOnPool.sum();
  }

  void onOutputLimitDisconnect() {
    outputLimitDisconnections.incrementAndGet();
  }

  void connectedClients(IntSupplier s) {
    connectedClients = s;
  }

  /** The clients connected now, by id. */
  public List<ClientSession> clients() {
    return clients.get();
  }

  void clients(Supplier<List<ClientSession>> s) {
    clients = s;
  }

  void onStopRequested(Consumer<String> s) {
    stopper = s;
  }

  /**
   * {@code SHUTDOWN}: starts stopping the server as SIGTERM does, on a thread of its own (the stop waits for the
   * client that asked, which must first end its connection), and returns at once.
   */
  public void requestStop(ClientSession by) {
    stopper.accept("SHUTDOWN from client " + by.id() + " at " + by.address());
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
