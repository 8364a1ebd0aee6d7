package dev.aeon.engine;

import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.StoreFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * What a failed open of a namespace throws. Each store reports a damaged file or another format version
 * with an exception of its own package; the engine's users get one family for all of them,
 * {@link dev.aeon.common.io.FileFormatException} (naming file and offset, with the store's exception as the
 * cause: {@link StoreFileException#unchecked}), so that "this namespace's files cannot be used as they are" is one
 * catch. Any other I/O failure stays an {@link UncheckedIOException}.
 */
final class OpenFailures {

  private OpenFailures() {}

  /**
   * A file a store opens without creating it was written by that store: gone from a folder that is still
   * there means damaged. Not so a temporary file (another thread's, or a previous run's, being replaced) or
   * a folder removed while the namespace opened: those are plain I/O failures, tried again at the next open.
   */
  private static boolean lostFromItsFolder(NoSuchFileException e) {
    if (e.getFile() == null) {
      return false;
    }
    Path file = Path.of(e.getFile());
    String name = String.valueOf(file.getFileName());
    return !name.endsWith(".tmp") && !name.endsWith(".prealloc") && file.getParent() != null
        && Files.isDirectory(file.getParent());
  }

  static RuntimeException of(String namespace, Path dir, IOException e) {
    return switch (e) {
      case StoreFileException f -> f.unchecked(); // a store's own: damaged, or another format version
      case NoSuchFileException n when lostFromItsFolder(n) ->
          new CorruptFileException(Path.of(n.getFile()), 0, "missing, though the namespace's other files need it", n);
      default -> new UncheckedIOException("cannot open namespace '" + namespace + "' in " + dir + ": " + reason(e), e);
    };
  }

  /**
   * The cause in words, for callers that show only the message (the CLI, a server's error reply): why matters
   * most when the log is locked by another process. A file system exception's message is often only the file's
   * name ("export failed: /tmp/x.jsonl"), so what happened to it is said too.
   */
  static String reason(IOException e) {
    if (e instanceof ClosedByInterruptException) { // its message is null
      return "the calling thread was interrupted, which closed a file in use";
    }
    if (!(e instanceof FileSystemException f) || f.getReason() != null) {
      return e.getMessage();
    }
    String what = switch (e) {
      case NoSuchFileException n -> "no such file or directory";
      case FileAlreadyExistsException x -> "exists already";
      case AccessDeniedException x -> "permission denied";
      case NotDirectoryException x -> "not a directory";
      case DirectoryNotEmptyException x -> "directory not empty";
      default -> e.getClass().getSimpleName();
    };
    return e.getMessage() + ": " + what;
  }
}
