package dev.aeon.engine;

/**
 * Told how far an export or an import has got ({@link Aeon#exportNamespace(String, java.nio.file.Path,
 * TransferProgress)}, {@link Aeon#importNamespace(String, java.nio.file.Path, TransferProgress)}), so that a
 * long one can say so. Called on the thread doing the work, once per unit done: an implementation that prints
 * should print only now and then.
 */
@FunctionalInterface
public interface TransferProgress {

  /** Reports nothing. */
  TransferProgress NONE = (step, done, total) -> {};

  /** What is being counted. */
  enum Step {
    /** An import's first pass: bytes of the file checked, of its size. */
    CHECKING_BYTES,
    /** Events exported, of those the namespace holds; or imported, of those the file holds. */
    EVENTS,
    /** Links exported, of the links stored (those of forgotten events are looked at, not written); or imported. */
    LINKS
  }

  /** {@code done} of {@code total} units of {@code step}. */
  void report(Step step, long done, long total);
}
