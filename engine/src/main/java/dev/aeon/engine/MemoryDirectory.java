package dev.aeon.engine;

import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.ExclusiveFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A memory directory as one {@link Aeon} holds it: locked ({@link Aeon#LOCK_FILE}) from its open to its release, its
 * namespaces each a folder under {@code ns/}, its scratch space under {@code tmp/} ({@link ScratchSpace}). It says
 * what {@code ns/} holds, and opens no namespace.
 */
final class MemoryDirectory {

  private final Path dir;
  private final Path ns;
  private final ExclusiveFileLock lock;
  private final ScratchSpace scratch;

  private MemoryDirectory(Path dir, ExclusiveFileLock lock, ScratchSpace scratch) {
    this.dir = dir;
    this.ns = dir.resolve("ns");
    this.lock = lock;
    this.scratch = scratch;
  }

  /**
   * Opens (creating if needed) the memory directory {@code dir}, locks it, deletes what a crash left in its scratch
   * space, and gives it to {@code user}; whatever stops the open, {@code user} included, releases the lock and leaves
   * the directory as it was found (see {@link Aeon#open} for what is refused).
   */
  static <T> T open(Path dir, Function<MemoryDirectory, T> user) {
    refuseInsideAnotherMemory(dir);
    // What refuses the open is checked before anything is made, so that a refused open leaves the directory as it
    // found it: one refused for a file at tmp/ kept the ns/ folder and the LOCK file it had made there.
    ScratchSpace.of(dir);
    Path ns = dir.resolve("ns");
    if (Files.exists(ns, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(ns)) {
      throw cannotOpen(dir, new FileAlreadyExistsException(ns.toString()));
    }
    ExclusiveFileLock lock;
    try {
      DurableFiles.createDirectories(dir);
      lock = ExclusiveFileLock.tryAcquire(dir.resolve(Aeon.LOCK_FILE));
    } catch (IOException e) {
      throw cannotOpen(dir, e);
    }
    if (lock == null) {
      throw new IllegalStateException("the memory directory " + dir
          + " is already open, in this process or another (a server, or a command such as ./aeon check)");
    }
    try {
      try {
        DurableFiles.createDirectories(ns); // under the lock: a LOCK that is not a file, or is held, made no ns/
      } catch (IOException e) {
        throw cannotOpen(dir, e);
      }
      ScratchSpace scratch = ScratchSpace.of(dir);
      scratch.deleteLeftovers();
      return user.apply(new MemoryDirectory(dir, lock, scratch));
    } catch (RuntimeException | Error refused) {
      // Whatever stops the open releases the directory, or every later open in this process is refused as open
      try {
        lock.close();
      } catch (IOException e) {
        refused.addSuppressed(e);
      }
      throw refused;
    }
  }

  /** Why the memory directory cannot be opened: {@code e}, said for a caller that shows only the message. */
  private static UncheckedIOException cannotOpen(Path dir, IOException e) {
    // Something other than a folder where one goes: its exception gives only the name, so say what is wrong
    String why = e instanceof FileAlreadyExistsException x ? x.getFile() + " is not a directory, nor a link to one"
        : OpenFailures.reason(e);
    return new UncheckedIOException("cannot open the memory directory " + dir + ": " + why, e);
  }

  /**
   * Refuses a directory in the folders that another memory directory owns, as {@link Aeon#backup} refuses a target
   * there ({@link BackupTargets#memoryOwning}): a memory opened at {@code DIR/ns} was listed, and opened, by DIR as a
   * namespace named {@code ns}; one under {@code DIR/tmp} was deleted by DIR's next open; one in a namespace's folder
   * was deleted with that namespace.
   */
  private static void refuseInsideAnotherMemory(Path dir) {
    Path other = BackupTargets.memoryOwning(dir, ScratchSpace.FOLDER);
    if (other != null) {
      throw new IllegalArgumentException("a memory cannot be opened in " + dir + ", which is inside the ns/ or "
          + ScratchSpace.FOLDER + "/ folder of the memory directory " + other + ": choose a directory outside them");
    }
  }

  /** The directory, as it was given. */
  Path path() {
    return dir;
  }

  ScratchSpace scratch() {
    return scratch;
  }

  /** The folder of namespace {@code name}'s files, {@code ns/<name>}, whether it exists or not. */
  Path filesOf(String name) {
    return ns.resolve(name);
  }

  /**
   * The names of the namespaces in {@code ns/}, sorted; not a backup into it that a crash cut short
   * ({@code <name>.partial}, which the next backup of that namespace replaces).
   */
  List<String> namespaceNames() {
    try (Stream<Path> dirs = Files.list(ns)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
          .filter(n -> NamespaceNames.isName(n) && !NamespaceCopy.isUnfinished(ns, n)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the namespaces in " + dir, e);
    }
  }

  /** Whether {@code ns/} holds namespace {@code name} (not a backup's unfinished copy of that name). */
  boolean holds(String name) {
    return Files.isDirectory(filesOf(name)) && !NamespaceCopy.isUnfinished(ns, name);
  }

  /**
   * Refuses a name under which {@code ns/} holds a backup's unfinished copy ({@link NamespaceCopy#isUnfinished}): not
   * a namespace, and not this memory's to open, drop or import into (the next backup of that namespace here replaces
   * it, and one may be making it now).
   */
  void refuseUnfinishedCopy(String name) {
    if (NamespaceCopy.isUnfinished(ns, name)) {
      throw new IllegalStateException("ns/" + name + " in " + dir + " is a backup that was cut short (" + name
          + ".unfinished marks it), not a namespace: the next backup of that namespace here replaces it");
    }
  }

  /** What a call that needs an existing namespace throws when there is none of that name. */
  IllegalArgumentException noSuchNamespace(String name) {
    return new IllegalArgumentException("there is no namespace '" + name + "' in " + dir);
  }

  /** Releases the lock: another Aeon may open the directory. */
  void release() {
    try {
      lock.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of " + dir, e);
    }
  }
}
