package dev.aeon.common;

import java.nio.file.Path;

/**
 * Where Aeon keeps what it can fetch or unpack again: {@code $AEON_CACHE} if set, else {@code ~/.cache/aeon}.
 * Nothing in it is data; deleting it costs only the time to rebuild it.
 */
public final class UserCache {

  private UserCache() {}

  /** The cache's root folder; it may not exist yet. */
  public static Path root() {
    String env = System.getenv("AEON_CACHE");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "aeon");
  }
}
