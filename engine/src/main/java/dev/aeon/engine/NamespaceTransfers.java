package dev.aeon.engine;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The backups, exports and imports of one {@link Aeon}'s namespaces, as its public methods hand them over (their
 * arguments checked): a backup copies a namespace it leases; an export or import is counted among the transfers in
 * flight ({@link Transfers}), which the Aeon's close stops and waits for, and is run, an export from a snapshot
 * ({@link SnapshotExport}), an import built under the scratch space ({@link ScratchImport}) and then put in place
 * ({@link ImportPublisher}).
 */
final class NamespaceTransfers {

  private final MemoryDirectory directory;
  private final OpenNamespaces namespaces;
  /** The exports and imports in flight, which a close stops and waits for. */
  private final Transfers inFlight = new Transfers();
  /** Runs the exports, each from an unforced backup of its namespace into {@code tmp/} (the private backup). */
  private final SnapshotExport exports;
  /** Runs the imports, each built under {@code tmp/} and then renamed into {@code ns/} ({@link ImportPublisher}). */
  private final ScratchImport imports;

  NamespaceTransfers(MemoryDirectory directory, OpenNamespaces namespaces, AeonOptions options,
      BackgroundThreads threads) {
    this.directory = directory;
    this.namespaces = namespaces;
    this.exports = new SnapshotExport(directory.path(), directory.scratch(), options, threads,
        (name, snapshot, progress) -> backup(name, snapshot, false, progress));
    this.imports = new ScratchImport(directory.scratch(), options, threads, inFlight,
        new ImportPublisher(directory, namespaces, options, threads));
  }

  /**
   * {@link Aeon#backup(String, Path)}; a copy that is not {@code durable} (read once, then deleted) is not forced. The
   * target is never inside the namespace copied: the public backup refuses one in {@code ns/}, and an export's
   * snapshot goes under {@code tmp/}.
   */
  BackupResult backup(String name, Path targetDir, boolean durable, TransferProgress progress) {
    Objects.requireNonNull(targetDir, "targetDir");
    Aeon.checkName(name); // before it names a path
    Path target = targetDir.resolve("ns").resolve(name);
    try (NamespaceLease lease = namespaces.lease(name, false)) {
      if (lease == null) {
        throw directory.noSuchNamespace(name);
      }
      return ((DurableMemory) lease.memory()).backup(target, durable, progress);
    }
  }

  /** {@link Aeon#exportNamespace(String, Path)}, writing through {@code wrap}'s stream (tests hold an export there). */
  ExportCounts export(String name, Path file, TransferProgress progress, UnaryOperator<OutputStream> wrap) {
    Objects.requireNonNull(progress, "progress");
    inFlight.begin();
    try {
      TransferProgress stopping = inFlight.stoppingAt(progress);
      Aeon.checkName(name);
      if (!namespaces.exists(name)) {
        throw directory.noSuchNamespace(name);
      }
      return exports.write(name, file, stopping, wrap);
    } finally {
      inFlight.end();
    }
  }

  /** {@link Aeon#importNamespace(String, Path)}, telling {@code progress} how far it has got. */
  ExportCounts importNamespace(String name, Path file, TransferProgress progress) {
    inFlight.begin();
    try {
      return importInto(name, file, inFlight.stoppingAt(progress));
    } finally {
      inFlight.end();
    }
  }

  private ExportCounts importInto(String name, Path file, TransferProgress progress) {
    BackupTargets.refuseImportFrom(file, ScratchSpace.FOLDER);
    directory.refuseUnfinishedCopy(name); // else built, then refused as a namespace another caller created meanwhile
    boolean replacing;
    // Not exists(name), then lease(name): a drop in between, and the lease made the namespace again, empty
    try (NamespaceLease lease = namespaces.lease(name, false)) {
      replacing = lease != null;
      long held = replacing ? lease.memory().stats().events() : 0;
      if (held > 0) { // refused before building anything
        throw new IllegalStateException("namespace '" + name + "' holds " + held
            + " events: an import goes into an empty namespace");
      }
    }
    return imports.run(name, file, replacing, progress);
  }

  /** Stops the exports and imports in flight at their next step, and waits for them ({@link Transfers}). */
  void closeAndAwait() {
    inFlight.closeAndAwait();
  }
}
