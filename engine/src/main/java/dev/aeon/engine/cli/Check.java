package dev.aeon.engine.cli;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.MemoryStats;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./aeon check DIR [NAMESPACE...]}: opens each namespace of a memory directory (every one, or those
 * named), which recovers it and checks each store's files, then cross-checks the stores
 * ({@link Aeon#check}). Prints one line per namespace as it goes, and what is wrong, on standard output (what it
 * found); a namespace named that does not exist, and a failure that stops it (the directory in use), on standard
 * error. Exits 0 when every namespace is consistent, 1 when one is not or cannot be opened, 2 for a bad command
 * line. Opening
 * changes a namespace as any open does: it replays its log and checkpoints at the end. A namespace that
 * another process holds (a running server) cannot be opened: its log is locked.
 */
public final class Check {

  private static final String USAGE = "usage: ./aeon check DIR [NAMESPACE...]";

  private Check() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (CommandLines.asksForHelp(Arrays.asList(args))) {
      out.println(USAGE); // asked for: not an error
      return 0;
    }
    if (args.length == 0 || args[0].startsWith("-")) {
      err.println(USAGE);
      return 2;
    }
    if (!CommandLines.namespaceNames(Arrays.asList(args).subList(1, args.length), "aeon check", err)) {
      return 2;
    }
    Path dir = CommandLines.path(args[0], "DIR", "aeon check", err);
    if (dir == null) {
      return 2;
    }
    if (!Files.isDirectory(dir.resolve("ns"))) {
      err.println("aeon check: " + dir + " is not a memory directory (it has no ns folder)");
      return 2;
    }
    int bad = 0;
    int checked = 0;
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
      List<String> onDisk = aeon.namespaceNames();
      List<String> names = CommandLines.namespacesToDo(Arrays.asList(args).subList(1, args.length), onDisk);
      for (String name : names) {
        checked++;
        if (!onDisk.contains(name)) {
          err.println("aeon check: there is no namespace '" + name + "' in " + dir);
          bad++;
        } else if (!consistent(aeon, name, out)) {
          bad++;
        }
      }
    } catch (RuntimeException e) { // opening the directory, listing its namespaces, or closing them
      err.println("aeon check: " + e.getMessage());
      return 1;
    }
    String namespaces = checked == 1 ? " namespace" : " namespaces";
    out.println(bad == 0 ? checked + namespaces + " consistent" : bad + " of " + checked + namespaces
        + " not consistent");
    return bad == 0 ? 0 : 1;
  }

  /** Checks one namespace and prints its line whole once checked: a line begun before would take in the log's. */
  private static boolean consistent(Aeon aeon, String name, PrintStream out) {
    try {
      List<String> problems = aeon.check(name);
      if (problems.isEmpty()) {
        MemoryStats s = aeon.namespace(name).stats();
        out.println(name + ": ok (events " + s.events() + ", vectors " + s.vectors()
            + (s.embeddingModel() == null ? "" : " of " + s.embeddingModel()) + ", links " + s.edges()
            + ", sessions " + s.sessions() + ")");
        return true;
      }
      out.println(name + ": " + problems.size() + " problems:");
      problems.forEach(p -> out.println("  " + p));
    } catch (RuntimeException e) {
      out.println(name + ": cannot be opened: " + e.getMessage());
    }
    return false;
  }
}
