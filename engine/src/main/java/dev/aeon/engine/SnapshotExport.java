package dev.aeon.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * An export ({@link Aeon#exportNamespace}) as it is run: the namespace is backed up under the scratch space, the
 * copy (which no one writes) is opened and written out as an export ({@link NamespaceExport}) into a file that is
 * whole or absent ({@link ExportFile}), and the copy is deleted. It takes no lock of the open namespaces'
 * ({@link OpenNamespaces}): the backup leases the namespace through {@link Snapshots}, as any caller would.
 */
final class SnapshotExport {

  /** Backs namespace {@code name} up into the memory directory {@code targetDir}, unforced: read once, then deleted. */
  interface Snapshots {
    void take(String name, Path targetDir, TransferProgress progress);
  }

  private final Path memoryDir;
  private final ScratchSpace scratch;
  private final AeonOptions options;
  private final BackgroundThreads threads;
  private final Snapshots snapshots;

  SnapshotExport(Path memoryDir, ScratchSpace scratch, AeonOptions options, BackgroundThreads threads,
      Snapshots snapshots) {
    this.memoryDir = memoryDir;
    this.scratch = scratch;
    this.options = options;
    this.threads = threads;
    this.snapshots = snapshots;
  }

  /**
   * Exports namespace {@code name}, which the caller found to exist, to {@code file}, writing through {@code wrap}'s
   * stream.
   */
  ExportCounts write(String name, Path file, TransferProgress progress, UnaryOperator<OutputStream> wrap) {
    BackupTargets.refuseFileInside(memoryDir, ScratchSpace.FOLDER, file);
    ExportFile exported;
    try {
      exported = ExportFile.create(file);
    } catch (IOException e) {
      throw new UncheckedIOException("export of namespace '" + name + "' failed: " + OpenFailures.reason(e), e);
    }
    Path snapshot = scratch.next("export");
    try {
      ExportCounts counts;
      try (OutputStream out = wrap.apply(new BufferedOutputStream(exported.open(), 1 << 16))) {
        counts = exportSnapshot(name, snapshot, out, progress);
      }
      exported.publish();
      return counts;
    } catch (IOException | RuntimeException e) {
      exported.discard(e); // half an export must not pass for a whole one
      throw e instanceof IOException io
          ? new UncheckedIOException("export of namespace '" + name + "' failed: " + OpenFailures.reason(io), io)
          : (RuntimeException) e;
    } finally {
      ScratchSpace.delete(snapshot);
    }
  }

  /** Backs the namespace up into {@code snapshot}, then exports the copy, which no one writes. */
  private ExportCounts exportSnapshot(String name, Path snapshot, OutputStream out, TransferProgress progress)
      throws IOException {
    try {
      snapshots.take(name, snapshot, progress); // a crash deletes it at the next open: forcing it would only cost
    } catch (UncheckedIOException e) {
      throw e.getCause(); // said as the export's failure, not a backup's the caller never asked for
    }
    DurableMemory copy = DurableMemory.open(name, snapshot.resolve("ns").resolve(name), options, threads, progress);
    try {
      return copy.export(out, progress);
    } finally {
      copy.closeAndDiscard();
    }
  }
}
