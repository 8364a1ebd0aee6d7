package dev.aeon.engine.cli;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.ExportCounts;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./aeon export DIR NAMESPACE FILE} and {@code ./aeon import DIR NAMESPACE FILE}: a namespace of a memory
 * directory written to a file of JSON lines, and such a file read into an empty namespace
 * ({@link Aeon#exportNamespace}, {@link Aeon#importNamespace}), for a directory no process has open. An import
 * writes under ASYNC durability and is made durable by the checkpoint that closes the memory. Exits 0 when
 * done, 1 when it failed, 2 for a bad command line.
 */
public final class Transfer {

  private Transfer() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** {@code args}: {@code export|import DIR NAMESPACE FILE}. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    String usage = "usage: ./aeon " + (args.length > 0 ? args[0] : "export|import") + " DIR NAMESPACE FILE";
    if (args.length == 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
      out.println(usage);
      return 0;
    }
    if (args.length != 4 || !(args[0].equals("export") || args[0].equals("import"))) {
      err.println(usage);
      return 2;
    }
    boolean export = args[0].equals("export");
    Path dir = Path.of(args[1]);
    String namespace = args[2];
    Path file = Path.of(args[3]);
    if (export && !Files.isDirectory(dir.resolve("ns"))) {
      err.println("aeon export: " + dir + " is not a memory directory (it has no ns folder)");
      return 2;
    }
    AeonOptions options = export ? AeonOptions.defaults() : AeonOptions.defaults().withDurability(Durability.ASYNC);
    long start = System.nanoTime();
    try (Aeon aeon = Aeon.open(dir, options)) {
      ExportCounts c = export ? aeon.exportNamespace(namespace, file) : aeon.importNamespace(namespace, file);
      out.printf("%s %s: %d events and %d links %s %s in %d ms%n", export ? "exported" : "imported", namespace,
          c.events(), c.links(), export ? "to" : "from", file, (System.nanoTime() - start) / 1_000_000);
      return 0;
    } catch (RuntimeException e) {
      out.println(args[0] + " failed: " + e.getMessage());
      return 1;
    }
  }
}
