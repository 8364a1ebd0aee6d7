package dev.aeon.engine.cli;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.BackupResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./aeon backup DIR TARGET [NAMESPACE...]}: copies each namespace of a memory directory (every one, or
 * those named) into the memory directory {@code TARGET} with {@link Aeon#backup}, which {@code Aeon.open}
 * (or {@code ./aeon serve --dir TARGET}) then opens as it was. Prints one line per namespace as it goes: what was
 * copied on standard output, what was not (and why) on standard error. Exits 0 when every namespace was copied, 1
 * when one was not, 2 for a bad command line. A namespace that
 * another process holds (a running server) cannot be opened here: back it up through that process
 * ({@code MEM.BACKUP} of the server).
 */
public final class Backup {

  private static final String USAGE = "usage: ./aeon backup DIR TARGET [NAMESPACE...]";

  private Backup() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (CommandLines.asksForHelp(Arrays.asList(args))) {
      out.println(USAGE);
      return 0;
    }
    if (args.length < 2 || args[0].startsWith("-") || args[1].startsWith("-")) {
      err.println(USAGE);
      return 2;
    }
    if (!CommandLines.namespaceNames(Arrays.asList(args).subList(2, args.length), "aeon backup", err)) {
      return 2;
    }
    Path dir = CommandLines.path(args[0], "DIR", "aeon backup", err);
    Path target = dir == null ? null : CommandLines.path(args[1], "TARGET", "aeon backup", err);
    if (target == null) {
      return 2;
    }
    if (!Files.isDirectory(dir.resolve("ns"))) {
      err.println("aeon backup: " + dir + " is not a memory directory (it has no ns folder)");
      return 2;
    }
    if (Files.exists(target) && !Files.isDirectory(target.resolve("ns")) && !CommandLines.isEmptyDirectory(target)) {
      // a folder of one's own (./aeon backup DIR . from a project's folder): the copies would land in its ns/
      err.println("aeon backup: " + target + " is neither a memory directory (it has no ns folder) nor empty;"
          + " give a new or empty directory, or a memory directory");
      return 2;
    }
    int failed = 0;
    int total = 0;
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
      List<String> onDisk = aeon.namespaceNames();
      List<String> names = CommandLines.namespacesToDo(Arrays.asList(args).subList(2, args.length), onDisk);
      for (String name : names) {
        total++;
        // Each line printed whole once its namespace is done: a line begun before would take in the log's.
        if (!onDisk.contains(name)) {
          err.println("aeon backup: there is no namespace '" + name + "' in " + dir);
          failed++;
          continue;
        }
        try {
          BackupResult r = aeon.backup(name, target);
          out.printf("%s: copied to %s (%d files, %.1f MiB, up to log record %d) in %d ms%n", name, r.directory(),
              r.files(), r.bytes() / 1048576.0, r.lastLsn(), r.totalMicros() / 1000);
        } catch (RuntimeException e) {
          err.println("aeon backup: " + name + ": " + e.getMessage());
          failed++;
        }
      }
    } catch (RuntimeException e) { // opening the directory, listing its namespaces, or closing them
      err.println("aeon backup: " + e.getMessage());
      return 1;
    }
    String namespaces = total == 1 ? " namespace" : " namespaces";
    if (failed > 0) {
      err.println("aeon backup: " + failed + " of " + total + namespaces + " not backed up");
      return 1;
    }
    out.println(total + namespaces + " backed up to " + target);
    return 0;
  }
}
