package dev.aeon.embed;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/** Reads a model's files (its graph, its tokenizer) from the classpath, where its jar puts them. */
final class ModelResources {

  private ModelResources() {}

  /**
   * The bytes of {@code resource} ({@link Class#getResourceAsStream}'s name: relative to this package unless it begins
   * with "/"), {@code what} naming it in errors and {@code hint} said when it is missing.
   *
   * @throws IllegalStateException if it is not on the classpath or cannot be read (a damaged jar): the exception
   *     documented for a model that cannot be used, which callers that can go on without one (the server) catch
   */
  static byte[] read(String resource, String what, String hint) {
    return read(() -> ModelResources.class.getResourceAsStream(resource), resource, what, hint);
  }

  /** {@link #read(String, String, String)} from what {@code open} opens (tests: a resource of a jar they damaged). */
  static byte[] read(Supplier<InputStream> open, String resource, String what, String hint) {
    try (InputStream in = open.get()) {
      if (in == null) {
        throw new IllegalStateException(what + " resource " + resource + " is not on the classpath" + hint);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + what + " resource " + resource + " (is its jar damaged?): "
          + e.getMessage(), e);
    }
  }
}
