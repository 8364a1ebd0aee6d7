package dev.aeon.engine.cli;

import dev.aeon.common.io.RealPaths;
import dev.aeon.engine.Aeon;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Checks shared by the commands' argument parsing. */
final class CommandLines {

  private CommandLines() {}

  /**
   * Whether {@code --help} or {@code -h} is among {@code args}, wherever it is: {@code ./aeon export DIR NS --help}
   * asks for the usage too (it wrote an export to a file named {@code --help}).
   */
  static boolean asksForHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  /**
   * Whether every one of {@code names} can name a namespace; if not, says which on {@code err} (prefixed by
   * {@code command}). A name that cannot (a mistyped option such as {@code --help} after DIR, a path) is a bad
   * command line, told before anything is opened or created, not a namespace found missing or an open that failed.
   */
  static boolean namespaceNames(List<String> names, String command, PrintStream err) {
    for (String name : names) {
      try {
        Aeon.checkName(name);
      } catch (IllegalArgumentException e) {
        err.println(command + ": " + e.getMessage());
        return false;
      }
    }
    return true;
  }

  /**
   * The namespaces a command works on: those {@code named}, each once (a name given twice was backed up, then
   * refused as a backup that exists already, and checked and counted twice), or every one {@code onDisk} if none
   * is named.
   */
  static List<String> namespacesToDo(List<String> named, List<String> onDisk) {
    return named.isEmpty() ? onDisk : named.stream().distinct().toList();
  }

  /**
   * The path the argument {@code name} ({@code DIR}, {@code FILE}) holds, or null after saying on {@code err}
   * (prefixed by {@code command}) why it holds none ({@link RealPaths#argument}): a bad command line.
   */
  static Path path(String arg, String name, String command, PrintStream err) {
    try {
      return RealPaths.argument(arg);
    } catch (IllegalArgumentException e) {
      err.println(command + ": " + name + ": " + e.getMessage());
      return null;
    }
  }

  /** Whether {@code dir} is a directory with nothing in it. */
  static boolean isEmptyDirectory(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false; // not a directory, or unreadable: refused as not empty
    }
  }
}
