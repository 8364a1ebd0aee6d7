package dev.aeon.engine.cli;

import dev.aeon.common.io.RealPaths;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.ExportCounts;
import dev.aeon.engine.TransferProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code ./aeon export DIR NAMESPACE FILE} and {@code ./aeon import DIR NAMESPACE FILE}: a namespace of a memory
 * directory written to a file of JSON lines, and such a file read into an empty namespace
 * ({@link Aeon#exportNamespace}, {@link Aeon#importNamespace}), for a directory no process has open. An import
 * builds its namespace out of sight and makes it durable whole, with the checkpoint that closes it. A long one says
 * how far it has got every few seconds, on the error stream. What it did is printed on standard output, why it
 * failed on standard error. Exits 0 when done, 1 when it failed, 2 for a bad command line. Ctrl-C or SIGTERM stops
 * it at its next step, undoing what it wrote as a failure does ({@link Stopping}); the status is then the signal's.
 */
public final class Transfer {

  /** How often a long export or import says how far it has got, on the error stream. */
  static final long PROGRESS_INTERVAL_NANOS = 5_000_000_000L;

  private Transfer() {}

  public static void main(String[] args) {
    main(args, System.err, PROGRESS_INTERVAL_NANOS,
        Stopping.onSignal("aeon " + (args.length > 0 ? args[0] : "export")));
  }

  /** {@link #main(String[])}, printing errors and progress (every {@code progressIntervalNanos}) on {@code err}. */
  static void main(String[] args, PrintStream err, long progressIntervalNanos, Stopping stopping) {
    int status;
    try {
      status = run(args, System.out, err, progressIntervalNanos, stopping);
    } finally {
      stopping.ended();
    }
    System.exit(status);
  }

  /** {@code args}: {@code export|import DIR NAMESPACE FILE}. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, PROGRESS_INTERVAL_NANOS);
  }

  /** {@link #run(String[], PrintStream, PrintStream)}, printing progress every {@code progressIntervalNanos}. */
  static int run(String[] args, PrintStream out, PrintStream err, long progressIntervalNanos) {
    return run(args, out, err, progressIntervalNanos, Stopping.never());
  }

  private static int run(String[] args, PrintStream out, PrintStream err, long progressIntervalNanos,
      Stopping stopping) {
    String usage = "usage: ./aeon " + (args.length > 0 ? args[0] : "export|import") + " DIR NAMESPACE FILE";
    if (args.length > 1 && CommandLines.asksForHelp(List.of(args).subList(1, args.length))) {
      out.println(usage);
      return 0;
    }
    // An option these commands do not have, or '-' for a standard stream, which they do not read or write: an
    // export to FILE '-' wrote a file named '-'. (A file whose name starts with '-' can be given as ./-name)
    boolean option = args.length == 4
        && (args[1].startsWith("-") || args[2].startsWith("-") || args[3].startsWith("-"));
    if (args.length != 4 || option || !(args[0].equals("export") || args[0].equals("import"))) {
      err.println(usage);
      return 2;
    }
    boolean export = args[0].equals("export");
    Path typed = CommandLines.path(args[1], "DIR", "aeon " + args[0], err);
    Path file = typed == null ? null : CommandLines.path(args[3], "FILE", "aeon " + args[0], err);
    if (file == null) {
      return 2;
    }
    Path dir = RealPaths.resolve(typed); // a link to an empty directory is cleaned up through; new/.. is "."
    String namespace = args[2];
    boolean memoryDir = Files.isDirectory(dir.resolve("ns"));
    if (export && !memoryDir) {
      err.println("aeon export: " + typed + " is not a memory directory (it has no ns folder)");
      return 2;
    }
    if (!CommandLines.namespaceNames(List.of(namespace), "aeon " + args[0], err)) {
      return 2; // before opening: an import into a new DIR would otherwise make it, then fail to clean it up
    }
    if (!export && namespace.toLowerCase(Locale.ROOT).contains(Aeon.VECTOR_SET_MARKER)) {
      err.println("aeon import: namespace names containing '" + Aeon.VECTOR_SET_MARKER
          + "' are where a server keeps its vector sets, which an import cannot make; copy vector sets with "
          + "MEM.BACKUP");
      return 2;
    }
    Path firstNew = firstMissing(dir);
    boolean newDir = !memoryDir && firstNew != null;
    if (!export && !memoryDir && !newDir && !CommandLines.isEmptyDirectory(dir)) {
      err.println("aeon import: " + typed + " is neither a memory directory (it has no ns folder) nor empty");
      return 2;
    }
    if (!export && !Files.isRegularFile(file)) {
      err.println("aeon import: " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
      return 2;
    }
    long start = System.nanoTime();
    Aeon opened;
    try {
      opened = Aeon.open(dir, AeonOptions.defaults());
    } catch (RuntimeException e) {
      // Nothing is undone: what the open made may be another process's, which took the directory's lock first.
      err.println("aeon " + args[0] + ": " + e.getMessage());
      return 1;
    }
    boolean undone = false;
    try (Aeon aeon = opened) {
      ExportCounts c;
      try (ProgressPrinter printer = new ProgressPrinter(args[0] + " " + namespace, err, progressIntervalNanos)) {
        TransferProgress progress = (step, done, total) -> {
          stopping.throwIfAsked(); // the transfer fails at its next step, undoing what it wrote
          printer.report(step, done, total);
        };
        c = export ? aeon.exportNamespace(namespace, file, progress) : importDurably(aeon, namespace, file, progress);
      } catch (RuntimeException e) {
        // Stopped at a step, as any failure there: an export leaves no file, an import the namespace as it was.
        String why = !Stopping.stopped(e) ? e.getMessage()
            : export ? "stopped: " + file + " was not written" : "stopped: nothing was imported into " + namespace;
        err.println("aeon " + args[0] + ": " + why);
        undone = !memoryDir && removeFilesWhileLocked(aeon, namespace, dir, err);
        return 1;
      }
      out.printf("%s %s: %d events and %d links %s %s in %d ms%n", export ? "exported" : "imported", namespace,
          c.events(), c.links(), export ? "to" : "from", file, (System.nanoTime() - start) / 1_000_000);
      if (!memoryDir) {
        out.println(typed + " is a new memory directory");
      }
      return 0;
    } catch (RuntimeException e) {
      err.println("aeon " + args[0] + ": closing " + typed + " failed: " + e.getMessage());
      return 1;
    } finally {
      if (undone) {
        removeNewDirectories(dir, firstNew, err);
      }
    }
  }

  /** An import, then a checkpoint, so that closing the memory has nothing left to write that could fail. */
  private static ExportCounts importDurably(Aeon aeon, String namespace, Path file, TransferProgress progress) {
    ExportCounts counts = aeon.importNamespace(namespace, file, progress);
    aeon.namespace(namespace).checkpoint();
    return counts;
  }

  /** The outermost of {@code dir} and its parents that does not exist, or null if {@code dir} exists. */
  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /**
   * After a failed import into a directory that was empty or did not exist, which this command holds open,
   * removes the namespace (a failed import dropped it already, a failed checkpoint did not) and the files opening
   * the directory made, so that a mistyped DIR leaves nothing behind. The lock file goes last, while still
   * locked: another process that opens the directory meanwhile is refused, and one that opens it after finds it
   * empty. Returns whether all went.
   */
  private static boolean removeFilesWhileLocked(Aeon aeon, String namespace, Path dir, PrintStream err) {
    Path lock = dir.resolve(Aeon.LOCK_FILE);
    try {
      aeon.dropNamespace(namespace);
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          if (!p.equals(dir) && !p.equals(lock)) {
            Files.delete(p);
          }
        }
      }
      Files.delete(lock);
      return true;
    } catch (IOException | RuntimeException e) {
      err.println("aeon import: could not remove the new memory directory's files in " + dir + ": " + e.getMessage());
      return false;
    }
  }

  /**
   * After {@link #removeFilesWhileLocked} and the close: the directory and its parents up to {@code firstNew},
   * if this command made them (null: none). One that another process wrote to since is not empty, and stays.
   */
  private static void removeNewDirectories(Path dir, Path firstNew, PrintStream err) {
    try {
      for (Path p = dir; firstNew != null && p.startsWith(firstNew); p = p.getParent()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      err.println("aeon import: could not remove the new memory directory " + dir + ": " + e.getMessage());
    }
  }
}
