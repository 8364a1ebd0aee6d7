package dev.aeon.common.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths as the file system reads them, for checks of where a directory given by a user really is. */
public final class RealPaths {

  private RealPaths() {}

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
