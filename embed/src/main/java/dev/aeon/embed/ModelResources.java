package dev.aeon.embed;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.ZipFile;

/** Reads a model's files (its graph, its tokenizer) from the classpath, where its jar puts them. */
final class ModelResources {

  /** Jars named in one message at most. */
  private static final int NAMED = 3;

  private ModelResources() {}

  /**
   * The bytes of {@code resource} ({@link Class#getResourceAsStream}'s name: relative to this package unless it begins
   * with "/"), {@code what} naming it in errors and {@code hint} said when it is missing.
   *
   * @throws IllegalStateException if it is not on the classpath or cannot be read (a damaged or truncated jar, which
   *     the message tells apart): the exception documented for a model that cannot be used, which callers that can go
   *     on without one (the server) catch
   */
  static byte[] read(String resource, String what, String hint) {
    return read(() -> ModelResources.class.getResourceAsStream(resource), classPath(), resource, what, hint);
  }

  /**
   * {@link #read(String, String, String)} from what {@code open} opens, the jars of {@code classPath} looked at when it
   * finds nothing (tests: a resource of a jar they damaged).
   */
  static byte[] read(Supplier<InputStream> open, List<Path> classPath, String resource, String what, String hint) {
    try (InputStream in = open.get()) {
      if (in == null) {
        throw new IllegalStateException(notFound(classPath, resource, what, hint));
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + what + " resource " + resource + " (is its jar damaged?): "
          + e.getMessage(), e);
    }
  }

  /**
   * Why {@code resource} was not found. A class loader skips a jar of its class path that it cannot open (one cut
   * short, whose directory at its end is gone), so a resource in such a jar reads as absent: the jars that cannot be
   * opened are named, as the likely reason, and only a class path without any says the resource is not there.
   */
  private static String notFound(List<Path> classPath, String resource, String what, String hint) {
    List<String> unreadable = new ArrayList<>();
    for (Path entry : classPath) {
      if (Files.isRegularFile(entry)) {
        try (ZipFile ignored = new ZipFile(entry.toFile())) {
          // opens: its entries are the class loader's to search
        } catch (IOException e) {
          unreadable.add(entry + " cannot be opened (is it damaged or cut short?): " + e.getMessage());
        }
      }
    }
    if (unreadable.isEmpty()) {
      return what + " resource " + resource + " is not on the classpath" + hint;
    }
    String more = unreadable.size() > NAMED ? "; and " + (unreadable.size() - NAMED) + " more" : "";
    return "cannot read " + what + " resource " + resource + ": the class path's jar "
        + String.join("; the jar ", unreadable.subList(0, Math.min(NAMED, unreadable.size()))) + more;
  }

  /** The entries of this JVM's class path (those that are not paths are left out: nothing is read from them). */
  private static List<Path> classPath() {
    List<Path> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      try {
        if (!e.isEmpty()) {
          entries.add(Path.of(e));
        }
      } catch (InvalidPathException notAPath) {
        // the class loader cannot read it either
      }
    }
    return entries;
  }
}
