package dev.aeon.engine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process {@link ImportCrashTest} kills: it imports one export into namespace after namespace ({@code i<n>})
 * and appends {@code I n} to the ack file as each import returns. An odd {@code n} exists before its import,
 * holding no event (one remembered and forgotten), which the import replaces; an even one does not. Arguments:
 * memory directory, export file, ack file, first namespace number.
 */
public final class ImportChild {

  /** The text of the event remembered and forgotten in a namespace before its import, in session {@code s}. */
  static final String PLACEHOLDER = "replaced by the import";

  private ImportChild() {}

  public static void main(String[] args) throws IOException {
    try (PrintStream acks = new PrintStream(new FileOutputStream(args[2], true), true);
         Aeon aeon = Aeon.open(Path.of(args[0]), ImportCrashTest.OPTIONS)) {
      acks.println("START");
      for (int n = Integer.parseInt(args[3]); ; n++) {
        if (n % 2 == 1) {
          Memory empty = aeon.namespace("i" + n);
          empty.forget(empty.remember(Remember.event("s", "user", PLACEHOLDER).withoutVector()));
        }
        aeon.importNamespace("i" + n, Path.of(args[1]));
        acks.println("I " + n);
      }
    }
  }
}
