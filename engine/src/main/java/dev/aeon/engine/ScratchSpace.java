package dev.aeon.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory directory's {@code tmp/} folder, where exports, imports and drops work on copies that no one else sees,
 * and where the empty namespace that answers the reads of absent ones lives ({@link Aeon#reader}). Only the Aeon
 * that holds the directory's lock uses it, so what a crash left there is deleted when the directory is opened.
 */
final class ScratchSpace {

  /** Its name in the memory directory; no backup, export or other memory may go there ({@link BackupTargets}). */
  static final String FOLDER = "tmp";
  /** Its failures to delete are logged as they were when Aeon deleted its scratch itself. */
  private static final System.Logger LOG = System.getLogger(Aeon.class.getName());
  private static final String EMPTY_NAMESPACE = "empty-namespace";

  private final Path dir;
  /** Names the scratch directories of this Aeon's exports, imports and drops. */
  private final AtomicLong names = new AtomicLong();

  private ScratchSpace(Path dir) {
    this.dir = dir;
  }

  /**
   * The scratch space of the memory directory {@code memoryDir}, whose lock the caller holds.
   *
   * @throws UncheckedIOException if something other than a folder is there (not this engine's to delete)
   */
  static ScratchSpace of(Path memoryDir) {
    Path scratch = memoryDir.resolve(FOLDER);
    if (Files.exists(scratch, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(scratch, LinkOption.NOFOLLOW_LINKS)) {
      // Not the folder this engine makes there, so not its to delete: the user's file or link was deleted unseen
      throw new UncheckedIOException("cannot open the memory directory " + memoryDir + ": "
          + scratch + " is not a directory (the memory keeps its scratch folder there): move it away",
          new FileAlreadyExistsException(scratch.toString()));
    }
    return new ScratchSpace(scratch);
  }

  /** Deletes what a crash left of an export, import or drop, at open: nobody else can be using it. */
  void deleteLeftovers() {
    delete(dir);
  }

  /** A path under it that no other work of this Aeon uses, named for {@code kind} of work ({@code export-3}). */
  Path next(String kind) {
    return dir.resolve(kind + "-" + names.incrementAndGet());
  }

  /** Where the empty namespace that answers the reads of absent ones is kept. */
  Path emptyNamespace() {
    return dir.resolve(EMPTY_NAMESPACE);
  }

  /** Deletes {@code scratch} if it exists; a failure is logged, and the next open deletes it. */
  static void delete(Path scratch) {
    try {
      if (Files.exists(scratch)) {
        Stores.deleteTree(scratch);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot delete " + scratch + " (the next open deletes it): " + e);
    }
  }
}
