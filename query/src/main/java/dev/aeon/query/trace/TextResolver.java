package dev.aeon.query.trace;

/** Resolves the text of an event from its blob reference; implemented by the engine over the blob arena. */
@FunctionalInterface
public interface TextResolver {

  /** The text behind {@code blobRef}, or null if it is gone. Must be thread-safe. */
  String text(long blobRef);
}
