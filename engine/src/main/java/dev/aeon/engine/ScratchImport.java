package dev.aeon.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An import ({@link Aeon#importNamespace}) as it is run once {@link NamespaceTransfers} has checked where it goes:
 * the namespace is built whole under the scratch space, checkpointed and closed, then handed to {@link Publisher} to
 * be renamed into {@code ns/}; whatever happens, nothing is left under the scratch space, and a failure says what was
 * kept. The rename is {@link ImportPublisher}'s: it is done under the locks of the open namespaces
 * ({@link OpenNamespaces}), which this class does not take.
 */
final class ScratchImport {

  /** Renames the namespace built at {@code built} into {@code ns/} ({@code replacing} an empty one of its name). */
  interface Publisher {
    void publish(String name, Path built, boolean replacing) throws IOException;
  }

  private final ScratchSpace scratch;
  private final AeonOptions options;
  private final BackgroundThreads threads;
  private final Transfers transfers;
  private final Publisher publisher;

  ScratchImport(ScratchSpace scratch, AeonOptions options, BackgroundThreads threads, Transfers transfers,
      Publisher publisher) {
    this.scratch = scratch;
    this.options = options;
    this.threads = threads;
    this.transfers = transfers;
    this.publisher = publisher;
  }

  /**
   * Imports {@code file} into namespace {@code name}, which is absent, or ({@code replacing}) was found to hold no
   * event.
   */
  ExportCounts run(String name, Path file, boolean replacing, TransferProgress progress) {
    Path built = scratch.next("import");
    String unchanged = unchanged(name, replacing);
    try {
      ExportCounts counts = build(name, built, file, progress);
      progress.report(TransferProgress.Step.FINISHING, 2, 2);
      publisher.publish(name, built, replacing);
      return counts;
    } catch (IOException e) {
      throw new UncheckedIOException("import into namespace '" + name + "' failed: " + OpenFailures.reason(e)
          + unchanged, e);
    } catch (RuntimeException e) {
      throw closedDuringImport(name, e, unchanged);
    } finally {
      ScratchSpace.delete(built); // gone already once renamed into place
    }
  }

  /** How the message of a failed import into {@code name} ends: what became of the namespace. */
  static String unchanged(String name, boolean replacing) {
    return replacing ? "; nothing was kept: namespace '" + name + "' is as it was"
        : "; nothing was kept: no namespace was created";
  }

  /**
   * Imports {@code file} into a namespace built at {@code built}, and closes it. It is built without forcing its
   * log ({@link Durability#OFF}): until it is renamed into place no one sees it and a crash discards it, so
   * forcing each event would only cost; the checkpoint that closes it forces it whole.
   */
  private ExportCounts build(String name, Path built, Path file, TransferProgress progress) throws IOException {
    DurableMemory memory = DurableMemory.open(name, built, options.withDurability(Durability.OFF), threads);
    ExportCounts counts;
    try {
      counts = NamespaceImport.read(memory, file, progress);
      progress.report(TransferProgress.Step.FINISHING, 1, 2);
    } catch (IOException | RuntimeException e) {
      OpenNamespaces.closeDropped(memory);
      throw e;
    }
    try {
      memory.close(); // checkpoints: the files hold every event before they are renamed into place
    } catch (UncheckedIOException e) {
      throw e.getCause(); // said as the import's failure: its checkpoint is of a namespace no one sees yet
    }
    return counts;
  }

  /**
   * What an import that {@code failure} ended throws: the failure itself, unless this Aeon was closed meanwhile
   * (its background threads refuse work then), which it says.
   */
  private RuntimeException closedDuringImport(String name, RuntimeException failure, String unchanged) {
    if (!transfers.closing()) {
      return failure;
    }
    return new IllegalStateException("this Aeon was closed while namespace '" + name + "' was imported" + unchanged,
        failure);
  }
}
