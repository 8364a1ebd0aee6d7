package dev.aeon.engine;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The entry point: a directory of durable agent memory, with one {@link Memory} per namespace, each
 * opened lazily under {@code <dir>/ns/<name>} and isolated on disk.
 *
 * <pre>{@code
 * try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
 *   Memory m = aeon.namespace("default");
 *   long id = m.remember(Remember.event("s1", "user", "I moved to Lisbon").vector(v));
 *   List<Recalled> hits = m.recall(Recall.vector(q, 5).session("s1"));
 * }
 * }</pre>
 */
public final class Aeon implements AutoCloseable {

  public static final String DEFAULT_NAMESPACE = "default";
  /** The longest namespace name, in characters. */
  public static final int MAX_NAMESPACE_NAME = 64;
  /**
   * Namespaces whose names contain this (in any case) are where the server keeps vector sets:
   * {@code <ns>.vset-d<dimensions>}. The server refuses it in user namespaces, and {@code ./aeon import} too.
   */
  public static final String VECTOR_SET_MARKER = ".vset-d";

  /** Held while open: one Aeon at a time has a directory, in this process or any other. */
  public static final String LOCK_FILE = "LOCK";

  private final AeonOptions options;
  /** Locked while this is open; what a crash left in its scratch space ({@code tmp/}) was deleted at open. */
  private final MemoryDirectory directory;
  /** The threads every namespace's background work runs on; closed after the namespaces. */
  private final BackgroundThreads threads = new BackgroundThreads();
  private final OpenNamespaces namespaces;
  /** The backups, exports and imports; a close stops and waits for the exports and imports in flight. */
  private final NamespaceTransfers transfers;

  private Aeon(MemoryDirectory directory, AeonOptions options) {
    this.options = options;
    this.directory = directory;
    this.namespaces = new OpenNamespaces(directory, options, threads);
    this.transfers = new NamespaceTransfers(directory, namespaces, options, threads);
  }

  /**
   * Opens (creating if needed) the memory in {@code dir}, which it holds until closed: a second open of the
   * directory, by this process or another, is refused until then (two writers of one log would corrupt it). An
   * open that is refused leaves the directory as it found it.
   *
   * @throws IllegalStateException if the directory is open already
   * @throws IllegalArgumentException if the directory is, or is inside, the {@code ns/} or {@code tmp/} folder of
   *     another memory directory
   * @throws java.io.UncheckedIOException if the directory cannot be created or locked
   */
  public static Aeon open(Path dir, AeonOptions options) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    return MemoryDirectory.open(dir, directory -> new Aeon(directory, options));
  }

  public Path directory() {
    return directory.path();
  }

  public AeonOptions options() {
    return options;
  }

  /**
   * The names of the namespaces in this memory's directory, opened or not, sorted; not a backup into it that a crash
   * cut short ({@code <name>.partial}, which the next backup of that namespace replaces).
   */
  public List<String> namespaceNames() {
    return directory.namespaceNames();
  }

  /**
   * Cross-checks the stores of a namespace, opening it (and so recovering it) if it is not open: every
   * live event's text is readable, its vector is in the index exactly when it says it has one, and the
   * index holds no other vector. Returns what disagrees, empty when all agree. Writers wait while it runs.
   * (Each store checks its own files when it opens; this checks them against each other.)
   *
   * @throws IllegalArgumentException if there is no such namespace (a check does not create one)
   */
  public List<String> check(String name) {
    DurableMemory m = namespaces.namespace(name, false);
    if (m == null) {
      throw directory.noSuchNamespace(name);
    }
    return m.inconsistencies();
  }

  /**
   * Backs up a namespace, open or not, into another memory directory: {@code targetDir/ns/<name>}, which must
   * not exist, so that {@code Aeon.open(targetDir, ...).namespace(name)} opens the copy (and several
   * namespaces can be backed up into one directory). The copy holds every write acknowledged before this
   * call; it is taken as a crash at one moment between two writes would leave the files, and opening it
   * recovers it as after a crash. The files are copied while writers go on; then writers of the namespace wait
   * while the copy is compared with them and what changed is copied again (the result says how long), readers
   * do not; no checkpoint runs meanwhile. The copy is complete and durable when this
   * returns: it is forced and then renamed into place, so a crash part way leaves no {@code ns/<name>} (an
   * unfinished {@code ns/<name>.partial} is replaced by the next backup to the same directory).
   *
   * @throws IllegalArgumentException if there is no such namespace (a backup does not create one), or if
   *     {@code targetDir} is this memory's directory or inside its {@code ns/} or {@code tmp/} folder, or those of
   *     another memory directory
   * @throws java.io.UncheckedIOException if the target exists or the copy fails (nothing is left behind then)
   */
  public BackupResult backup(String name, Path targetDir) {
    Objects.requireNonNull(targetDir, "targetDir");
    checkBackupTarget(directory.path(), targetDir); // not the private backup's: an export's snapshot is in tmp/
    return transfers.backup(name, targetDir, true, TransferProgress.NONE);
  }

  /**
   * Writes a namespace to {@code file}, which must not exist, as JSON lines (docs/durability.md, "Export and import"):
   * its live events in the order they were remembered, with their texts, attributes and vectors, and the links
   * between them with their validity. The format does not depend on the files' formats, so an export moves a
   * namespace to another release or machine ({@link #importNamespace}).
   *
   * <p>The export is read from a snapshot: a {@link #backup} into this memory's directory (under {@code tmp/},
   * deleted afterwards, or at the next open if a crash intervenes), which needs as much free space as the
   * namespace's files. Writers of the namespace wait only while the backup catches up, and the export holds
   * what was acknowledged before the call. The file is whole or absent ({@link ExportFile}): it is written under a
   * temporary name beside it ({@code .<file>.<random>.aeon-export-partial}), forced, and linked under its name
   * only when whole, which fails if a file of that name was made meanwhile (that file is left as it is); when this
   * returns, the file and its name are forced to disk. A failure deletes the temporary file; a crash leaves it,
   * and it can be deleted.
   *
   * @throws IllegalArgumentException if there is no such namespace, or if {@code file} is inside the {@code ns/} or
   *     {@code tmp/} folder of this memory directory or of another
   * @throws IllegalStateException if this Aeon is closed, or is closed while the export runs (which stops it)
   * @throws java.io.UncheckedIOException if the file exists (or is made by someone else meanwhile), or the snapshot
   *     or the file cannot be written
   */
  public ExportCounts exportNamespace(String name, Path file) {
    return exportNamespace(name, file, TransferProgress.NONE);
  }

  /** {@link #exportNamespace(String, Path)}, telling {@code progress} how far it has got. */
  public ExportCounts exportNamespace(String name, Path file, TransferProgress progress) {
    checkName(name);
    Objects.requireNonNull(file, "file");
    return exportNamespace(name, file, progress, UnaryOperator.identity());
  }

  /** {@link #exportNamespace(String, Path)}, writing through {@code wrap}'s stream (tests hold an export there). */
  ExportCounts exportNamespace(String name, Path file, TransferProgress progress, UnaryOperator<OutputStream> wrap) {
    return transfers.export(name, file, progress, wrap);
  }

  /**
   * Reads an export ({@link #exportNamespace}) into a namespace that holds no event: its events get new ids, in
   * the same order, and keep their sessions, roles, timestamps, texts, attributes and vectors (an event exported
   * without one gets none, even where this Aeon has an embedder), and the links between them are added with
   * their validity. Every line is checked before anything is written, so a damaged or cut file is refused whole.
   *
   * <p>The namespace is built whole before anyone sees it: under {@code tmp/}, checkpointed, then renamed into
   * place (durably) when the import ends. A failure or a crash part way leaves the namespace as it was (what a
   * crash left under {@code tmp/} is deleted at the next open). A namespace that does not exist is created by the
   * rename; one of that name created meanwhile by another caller is left as it is and the import refused. One that
   * exists and holds no event is replaced by the import: it is closed (its handles then say so) and its files are
   * deleted, unless events were written into it meanwhile, which are kept and the import refused. A crash between
   * the removal of its files and the rename leaves no namespace of that name (it held no event).
   *
   * @throws IllegalStateException if the namespace holds events, or was created or written by another caller
   *     meanwhile, or is a backup's unfinished copy (as {@link #namespace} refuses it), or was closed meanwhile and
   *     cannot be opened again (its open's failure is the cause), or if this Aeon is closed, or is closed while the
   *     import runs (which stops it)
   * @throws IllegalArgumentException if {@code file} is a memory directory's {@code LOCK} file or inside its
   *     {@code ns/} or {@code tmp/} folder (where its lock files are, which an import must not open and close)
   * @throws java.io.UncheckedIOException if the file cannot be read or is not a well-formed export
   */
  public ExportCounts importNamespace(String name, Path file) {
    return importNamespace(name, file, TransferProgress.NONE);
  }

  /** {@link #importNamespace(String, Path)}, telling {@code progress} how far it has got. */
  public ExportCounts importNamespace(String name, Path file, TransferProgress progress) {
    checkName(name);
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(progress, "progress");
    return transfers.importNamespace(name, file, progress);
  }

  /**
   * Before {@code namespace(name).remember(event)} creates the namespace: refuses now, creating nothing, an event
   * that a new namespace would refuse (a bad session, role, text, attributes or vector, or a link, as a new
   * namespace holds no event to link to), so that a refused write leaves nothing on disk. Does nothing if the
   * namespace exists; an event it lets pass may still be refused by remember (a record too large for the log).
   *
   * @throws IllegalArgumentException what remember would throw
   */
  public void checkBeforeCreating(String name, Remember event) {
    Objects.requireNonNull(event, "event");
    if (!exists(name)) {
      Inputs.eventForNewNamespace(name, event, options.maxEventBytes());
    }
  }

  /**
   * {@link #checkBeforeCreating(String, Remember)} for {@code namespace(name).rememberAll(events)}: each event, where
   * a link to another event of the batch is not refused, and the batch as a whole (its size, its links to its own
   * events, one dimension and one model for its vectors); a refusal is rememberAll's, naming the event's index.
   *
   * @throws IllegalArgumentException what rememberAll would throw
   * @throws NullPointerException for a null event, as rememberAll throws
   */
  public void checkBeforeCreating(String name, List<Remember> events) {
    Objects.requireNonNull(events, "events");
    if (!exists(name)) {
      DurableMemory.checkBatchForNewNamespace(name, events, options);
    }
  }

  /** The default namespace. */
  public Memory memory() {
    return namespace(DEFAULT_NAMESPACE);
  }

  /**
   * The namespace of this name, opened (and recovered) on first use. A namespace that failed (its log
   * could not write, or a store refused a logged mutation; its writes then say so) is closed and opened
   * again by the next call, which recovers what its log made durable. An open that fails throws, and the
   * calls of the next second throw the same exception without trying again.
   */
  public Memory namespace(String name) {
    return namespaces.namespace(name, true);
  }

  /**
   * A namespace to read without creating it. If it exists, the namespace itself, as {@link #namespace} gives it;
   * if not, a stand-in that answers as a new, empty namespace would: recall, history and queries find nothing
   * (after checking their arguments as the namespace would), {@code get} finds no event, the statistics count
   * zero, forgetting forgets nothing, writes that name an event fail for want of it, and {@code remember} is
   * refused. Nothing is created on disk: for a server, whose clients may read a namespace before they write it,
   * or mistype its name. A stand-in goes on answering as empty once the namespace is created: take a reader
   * for each use.
   */
  public Memory reader(String name) {
    Memory existing = namespaces.namespace(name, false);
    return existing != null ? existing : new AbsentNamespace(name, namespaces::emptyNamespace, namespaces::checkOpen);
  }

  /**
   * The namespace held open until the lease is closed: {@link #closeIdleNamespaces} leaves it open meanwhile
   * (a lease taken while it closes the namespace waits for the close, then opens it again). For a server that
   * closes the namespaces of quiet agents: each command leases the namespaces it uses.
   */
  public NamespaceLease lease(String name) {
    return namespaces.lease(name, true);
  }

  /**
   * A lease of the namespace ({@link #lease}) if it is open now and has not failed; empty, having opened nothing, if
   * it is not open (never opened, closed as idle, dropped) or it failed (the next {@link #namespace} or {@link #lease}
   * would close and recover it). For a server that runs a short command on a thread that must not wait for an open
   * (which recovers from the log, and may take seconds): it runs the command there with this lease, or elsewhere.
   *
   * @throws IllegalArgumentException if the name is not a namespace name
   */
  public Optional<NamespaceLease> leaseIfOpen(String name) {
    checkName(name);
    return Optional.ofNullable(namespaces.leaseIfOpen(name));
  }

  /**
   * Closes the namespaces that no lease holds and that nobody used (leased, or named to {@link #namespace})
   * for at least {@code idle}, as {@link #closeNamespace} does; returns their names. A namespace whose last
   * checkpoint fails is closed all the same and logged (opening it again recovers from its log). Handles
   * taken with {@link #namespace} refuse calls once their namespace is closed, so a program that keeps them
   * should lease instead. Once this Aeon is closed (its close closes them all) it returns what it closed.
   */
  public List<String> closeIdleNamespaces(Duration idle) {
    Objects.requireNonNull(idle, "idle");
    if (idle.isNegative()) {
      throw new IllegalArgumentException("idle must not be negative: " + idle);
    }
    return namespaces.closeIdle(idle);
  }

  /** How many namespaces' usage records this Aeon keeps (tests). */
  int usageRecords() {
    return namespaces.usageRecords();
  }

  /** The names of the namespaces open now, sorted. */
  public List<String> openNamespaceNames() {
    return namespaces.openNames();
  }

  /**
   * The namespace if it is open now, without opening it or counting as a use: for reports (a server's INFO)
   * that must not keep idle namespaces open, or open closed ones. Its handle refuses calls once the namespace
   * is closed.
   */
  public Optional<Memory> ifOpen(String name) {
    checkName(name);
    return Optional.ofNullable(namespaces.ifOpen(name));
  }

  /**
   * Whether namespace {@code name} exists: open here, or on disk. A namespace is created by {@link #namespace}
   * (or a lease) and deleted by {@link #dropNamespace}.
   *
   * @throws IllegalArgumentException if the name is not a namespace name
   */
  public boolean exists(String name) {
    checkName(name);
    return namespaces.exists(name);
  }

  /**
   * Throws an {@link IllegalArgumentException} saying why, unless {@link #backup} may copy namespaces of the memory
   * directory {@code memoryDir} into {@code targetDir}: not the memory directory itself, nor inside the folders
   * it owns, nor inside those of another memory directory (for a server's backup directory, checked before the first
   * backup).
   */
  public static void checkBackupTarget(Path memoryDir, Path targetDir) {
    Objects.requireNonNull(memoryDir, "memoryDir");
    Objects.requireNonNull(targetDir, "targetDir");
    BackupTargets.refuseInside(memoryDir, ScratchSpace.FOLDER, targetDir);
  }

  /** Throws an {@link IllegalArgumentException} saying why, unless {@code name} can name a namespace. */
  public static void checkName(String name) {
    NamespaceNames.check(name);
  }

  /**
   * Closes one namespace, checkpointing it, and gives back what an open namespace holds (its log's threads,
   * buffers, file mappings and locks, its usage record unless a lease holds it): a server with a namespace per
   * agent can close those of agents that went quiet. The next {@link #namespace} call opens it again from its
   * files. Handles obtained before refuse every call and say so; a call racing this one either ends before the
   * stores close (the close waits for reads under way) or is refused as closed. It closes a namespace even while
   * leases hold it ({@link #closeIdleNamespaces} leaves those open). Returns false if it was not open.
   *
   * @throws java.io.UncheckedIOException if its last checkpoint fails (it is closed all the same; opening
   *     it again recovers from its log)
   */
  public boolean closeNamespace(String name) {
    checkName(name);
    return namespaces.closeNamespace(name);
  }

  /**
   * Deletes a namespace and every file of it (its events, vectors, texts, links and log): for a tenant or an
   * agent whose memory must go. It is closed first, without a checkpoint, even while leases hold it; handles
   * taken before refuse every call, and the next {@link #namespace} call creates it again, empty. The
   * directory is renamed out of {@code ns/} (durably) before its files are deleted, so a crash part way leaves
   * no half namespace; what it leaves under {@code tmp/} is deleted at the next open. Returns false if there
   * was no such namespace.
   *
   * @throws java.io.UncheckedIOException if the directory cannot be moved out of {@code ns/} (the namespace is
   *     then closed but kept: the next {@link #namespace} call opens it again)
   * @throws IllegalStateException if {@code ns/<name>} is a backup's unfinished copy, as {@link #namespace} refuses it
   */
  public boolean dropNamespace(String name) {
    checkName(name);
    return namespaces.drop(name);
  }

  /**
   * Closes every namespace (each with a last checkpoint) and releases the directory. Exports and imports in
   * flight are stopped first, at their next event or link (an export's temporary file is deleted, an import
   * keeps nothing), and waited for: they work in copies under {@code tmp/}, which the next open deletes.
   */
  @Override
  public void close() {
    transfers.closeAndAwait(); // before the lock, which a transfer's last steps take (an import's rename)
    // The threads and the lock go whatever the namespaces' closes threw; a failure to release the lock, thrown
    // from a finally, replaced a namespace's failure to close.
    namespaces.closeAll(List.of(threads::close, directory::release));
  }
}
