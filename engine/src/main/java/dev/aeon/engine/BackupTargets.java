package dev.aeon.engine;

import dev.aeon.common.io.RealPaths;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a backup may not go: inside the folders of the memory directory it is taken from that the memory itself
 * owns. A copy under {@code ns/} is inside a namespace or is taken for one (a backup into {@code DIR/ns} made
 * {@code DIR/ns/ns/<name>}, and the next open listed and opened {@code ns} as a namespace, writing its files
 * beside the copy); a copy under {@code tmp/} is deleted by the next open as an export's scratch, so a backup
 * reported as made was gone after it. Any other folder of the memory directory holds nothing of the memory's. The
 * same holds of the folders of any other memory directory, and of a memory opened in them.
 */
final class BackupTargets {

  private BackupTargets() {}

  /**
   * @throws IllegalArgumentException if {@code targetDir} is, or is inside, {@code memoryDir}'s {@code ns/} or
   *     {@code scratch} folder (or is {@code memoryDir} itself, whose {@code ns/} the copy would go into)
   */
  static void refuseInside(Path memoryDir, String scratch, Path targetDir) {
    Path memory = RealPaths.resolve(memoryDir); // neither a link nor .. hides where the target is
    Path target = RealPaths.resolve(targetDir);
    if (target.equals(memory) || target.startsWith(memory.resolve("ns"))
        || target.startsWith(memory.resolve(scratch))) {
      throw new IllegalArgumentException("a backup cannot go into " + targetDir + ", which is inside the memory"
          + " directory " + memoryDir + " it copies (its ns/ or " + scratch + "/ folder, or itself): choose a"
          + " directory outside them");
    }
    Path other = memoryOwning(targetDir, scratch);
    if (other != null) {
      throw new IllegalArgumentException("a backup cannot go into " + targetDir + ", which is inside the ns/ or "
          + scratch + "/ folder of the memory directory " + other + ": choose a directory outside them");
    }
  }

  /**
   * Nor may an import read a memory directory's files (its own or another's): its {@code LOCK}, or anything in its
   * {@code ns/} or {@code scratch} folder. No export is there (none may go there), but lock files are, and on POSIX
   * systems closing any descriptor of a locked file drops every lock this process holds on it: another process could
   * then open the memory directory, or a namespace's log, while this one writes it.
   *
   * @throws IllegalArgumentException if {@code file} is such a file
   */
  static void refuseImportFrom(Path file, String scratch) {
    Path real = RealPaths.resolve(file);
    Path parent = real.getParent();
    boolean lockFile = parent != null && real.getFileName().toString().equals(Aeon.LOCK_FILE)
        && Files.isDirectory(parent.resolve("ns"));
    Path memory = lockFile ? parent : memoryOwning(file, scratch);
    if (memory != null) {
      throw new IllegalArgumentException("an import cannot read " + file + ", which is " + (lockFile ? "the lock file"
          : "inside the ns/ or " + scratch + "/ folder") + " of the memory directory " + memory + ": no export is"
          + " there, and reading its lock files would release this process's locks on them; choose a file outside it");
    }
  }

  /**
   * The memory directory (one holding a {@link Aeon#LOCK_FILE} and an {@code ns/} folder) in whose {@code ns/} or
   * {@code scratch} folder {@code dir} is, through links and {@code ..}; null if none. Another memory or a backup
   * may not go there: in {@code ns/} it is taken for a namespace, or lies in one's folder, and in {@code scratch}
   * the next open of that memory deletes it.
   */
  static Path memoryOwning(Path dir, String scratch) {
    Path real = RealPaths.resolve(dir);
    for (Path memory = real.getParent(); memory != null; memory = memory.getParent()) {
      if ((real.startsWith(memory.resolve("ns")) || real.startsWith(memory.resolve(scratch)))
          && Files.isRegularFile(memory.resolve(Aeon.LOCK_FILE)) && Files.isDirectory(memory.resolve("ns"))) {
        return memory;
      }
    }
    return null;
  }

  /**
   * An export's file may not go there either: one under {@code tmp/} was reported as written and deleted by the
   * next open, and one under {@code ns/} took a namespace's name (which then failed to open) or lay among a
   * namespace's files. Beside {@code ns/} in the memory directory itself it harms nothing. The same holds of the
   * folders of another memory directory, where an import would then refuse to read it.
   *
   * @throws IllegalArgumentException if {@code file} is, or is inside, the {@code ns/} or {@code scratch} folder of
   *     {@code memoryDir} or of another memory directory
   */
  static void refuseFileInside(Path memoryDir, String scratch, Path file) {
    Path memory = RealPaths.resolve(memoryDir);
    Path target = RealPaths.resolve(file);
    if (target.startsWith(memory.resolve("ns")) || target.startsWith(memory.resolve(scratch))) {
      throw new IllegalArgumentException("an export cannot go to " + file + ", which is inside the ns/ or " + scratch
          + "/ folder of the memory directory " + memoryDir + " it reads: choose a file outside them");
    }
    Path other = memoryOwning(file, scratch);
    if (other != null) {
      throw new IllegalArgumentException("an export cannot go to " + file + ", which is inside the ns/ or " + scratch
          + "/ folder of the memory directory " + other + ": choose a file outside them");
    }
  }
}
