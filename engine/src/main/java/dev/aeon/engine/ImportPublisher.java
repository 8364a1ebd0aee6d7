package dev.aeon.engine;

import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a namespace that an import built under the scratch space ({@link ScratchImport}) in its place under
 * {@code ns/}: where no namespace of its name is, or in place of one that still holds no event. It works under the
 * name's lock ({@link OpenNamespaces#changeFiles}), so that no one creates or writes the namespace between the look
 * and the rename; the namespace it replaces is closed first, and its files go back should the rename fail.
 */
final class ImportPublisher implements ScratchImport.Publisher {

  /** Opens a namespace that is not open, to see whether it still holds no event, from its files. */
  interface Opener {
    DurableMemory open(String name, Path files);
  }

  private final MemoryDirectory directory;
  private final OpenNamespaces namespaces;
  private final Opener openToLook;

  ImportPublisher(MemoryDirectory directory, OpenNamespaces namespaces, AeonOptions options,
      BackgroundThreads threads) {
    this(directory, namespaces, (name, files) -> DurableMemory.open(name, files, options, threads));
  }

  /** With {@code openToLook} for the namespace it replaces when that is not open (a test fills the device there). */
  ImportPublisher(MemoryDirectory directory, OpenNamespaces namespaces, Opener openToLook) {
    this.directory = directory;
    this.namespaces = namespaces;
    this.openToLook = openToLook;
  }

  /**
   * Renames a namespace built under {@code tmp/} into {@code ns/}: where no namespace of its name is, or, if
   * {@code replacing}, in place of one that still holds no event (its files moved under {@code tmp/} first).
   */
  @Override
  public void publish(String name, Path built, boolean replacing) throws IOException {
    Path replaced = directory.scratch().next("replaced");
    // importNamespace says what it means that this Aeon is closed, should changeFiles refuse for that
    IOException failure = namespaces.changeFiles(name, open -> {
      Path target = directory.filesOf(name);
      boolean present = open != null || Files.exists(target);
      if (present && !replacing) {
        throw new IllegalStateException("namespace '" + name + "' was created by another caller while the import"
            + " ran: it is left as it is, and the import was discarded");
      }
      if (present) {
        closeToReplace(name, open, target);
      }
      try {
        // On a thread of its own, as a drop's: an interrupt of the caller would close the channel that forces
        // the folders after a rename, failing (and saying nothing was kept of) an import that was in place.
        Uninterruptibly.run(() -> {
          if (present) {
            DurableFiles.atomicRename(target, replaced);
          }
          DurableFiles.atomicRename(built, target); // forces ns/, which both renames changed
        });
        return null;
      } catch (IOException e) {
        if (present && Files.exists(replaced)) { // the files of the one replaced go back
          try {
            Uninterruptibly.run(() -> DurableFiles.atomicRename(replaced, target));
          } catch (IOException again) {
            e.addSuppressed(again);
          }
        }
        // The next use opens what ns/ holds: the imported namespace, or, after a failure, the one before.
        return e;
      }
    });
    if (failure != null) {
      throw failure;
    }
    ScratchSpace.delete(replaced);
  }

  /**
   * Closes the namespace an import replaces (opening it to look, if it is not open), unless events were written
   * into it since the import began: then it stays, and the import is refused.
   */
  private void closeToReplace(String name, DurableMemory open, Path files) {
    DurableMemory current = open;
    if (current != null && current.failed()) {
      OpenNamespaces.closeFailed(current);
      current = null;
    }
    if (current == null) {
      try {
        current = openToLook.open(name, files);
      } catch (RuntimeException e) { // said as the import's failure, as the others are: it alone said nothing of it
        throw new IllegalStateException("import into namespace '" + name + "' failed: the namespace it would replace"
            + " cannot be opened to see that it still holds no event (" + e.getMessage() + ")"
            + ScratchImport.unchanged(name, true), e);
      }
    }
    if (!current.closeToReplaceIfEmpty()) {
      IllegalStateException refused = new IllegalStateException("namespace '" + name + "' was written by another"
          + " caller while the import ran: it is left as it is, and the import was discarded");
      if (current != open) {
        try {
          current.close(); // opened here to look, so closed here: it is closed all the same if this throws
        } catch (RuntimeException | Error e) {
          // Thrown, the close's failure (its last checkpoint on a full device) replaced the refusal, and the import
          // said neither that it was refused nor why; the next use opens the namespace again from its log
          refused.addSuppressed(e);
        }
      }
      throw refused;
    }
  }
}
