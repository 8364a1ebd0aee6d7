package dev.aeon.common.io;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Paths as the file system reads them, for checks of where a directory given by a user really is. */
public final class RealPaths {

  private RealPaths() {}

  /**
   * The path a command-line argument names, or an IllegalArgumentException that says why it names none: an empty
   * argument ({@code Path.of} reads it as the current folder, so an unset {@code "$DIR"} meant "here"), or one that
   * cannot be a file name here. The usual cause of the latter is a locale that is not UTF-8 (C or POSIX, as under
   * cron or {@code env -i}): the JVM then reads arguments and file names as ASCII, so a name with any other letter
   * came with {@code ?} in its place and {@code Path.of} threw an InvalidPathException out of the command.
   */
  public static Path argument(String arg) {
    if (arg.isEmpty()) {
      throw new IllegalArgumentException("an empty argument is not a path");
    }
    try {
      return Path.of(arg);
    } catch (InvalidPathException e) {
      String encoding = System.getProperty("sun.jnu.encoding", "UTF-8");
      boolean utf8 = Charset.isSupported(encoding) && Charset.forName(encoding).equals(StandardCharsets.UTF_8);
      throw new IllegalArgumentException("'" + arg + "' is not a path here (" + e.getReason() + ")"
          + (utf8 ? "" : ": this JVM reads file names as " + encoding + ", as the locale says; use a UTF-8 locale,"
          + " such as LC_ALL=C.UTF-8"), e);
    }
  }

  /**
   * {@code p} made absolute: the part that exists with its links followed and its {@code ..} resolved, then the
   * rest, which does not exist yet, normalized. So neither a link nor {@code ..} hides where {@code p} is. If
   * the existing part cannot be read, {@code p} absolute and normalized: the caller's own use of it reports why.
   */
  public static Path resolve(Path p) {
    Path absolute = p.toAbsolutePath();
    Path existing = absolute;
    while (existing.getParent() != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    } catch (IOException e) {
      return absolute.normalize();
    }
  }
}
