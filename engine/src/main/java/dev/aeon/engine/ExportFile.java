package dev.aeon.engine;

import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An export's file, whole or absent: written under a temporary name in the same folder
 * ({@code .<file>.<random>.aeon-export-partial}, the file's name cut to its first {@value #NAME_BYTES_KEPT} bytes
 * so that a name as long as file systems allow still leaves room for the rest), forced, then put in place by a hard
 * link, which fails if the file exists (so a file someone else made meanwhile is never replaced), and the temporary
 * name removed; then the folder is forced. A crash part way leaves the temporary file, never a part of an export under
 * the file's name; the name says what it is, and it can be deleted. Each export's temporary name is its own, so two
 * exports to one file never write into one temporary file.
 */
final class ExportFile {

  private static final System.Logger LOG = System.getLogger(ExportFile.class.getName());
  /** How the temporary files of exports end. */
  static final String PARTIAL_SUFFIX = ".aeon-export-partial";
  /**
   * How much of the file's name (in UTF-8 bytes) its temporary name keeps: most file systems allow 255 bytes a
   * name, and the dot, the random part and the suffix take up to 35 more.
   */
  static final int NAME_BYTES_KEPT = 200;

  private final Path file;
  private final Path temporary;

  private ExportFile(Path file, Path temporary) {
    this.file = file;
    this.temporary = temporary;
  }

  /**
   * Creates the temporary file of an export to {@code file}, empty ({@link #open} writes it).
   *
   * @throws FileAlreadyExistsException if {@code file} exists (refused before anything is written)
   */
  static ExportFile create(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Path temporary = file.resolveSibling("." + prefix(file.getFileName().toString()) + "."
        + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + PARTIAL_SUFFIX);
    try {
      Files.createFile(temporary); // fails if a file of that name exists, which is not this export's
    } catch (NoSuchFileException e) { // said of the file asked for, not of a temporary name the caller never gave
      throw new NoSuchFileException(file.toString(), null, "its folder does not exist");
    }
    return new ExportFile(file, temporary);
  }

  /** The longest start of {@code name} of at most {@link #NAME_BYTES_KEPT} UTF-8 bytes, whole characters only. */
  private static String prefix(String name) {
    int bytes = 0;
    int end = 0;
    while (end < name.length()) {
      int c = name.codePointAt(end);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (bytes > NAME_BYTES_KEPT) {
        break;
      }
      end += Character.charCount(c);
    }
    return name.substring(0, end);
  }

  OutputStream open() throws IOException {
    return Files.newOutputStream(temporary, StandardOpenOption.WRITE);
  }

  /**
   * Forces the written file and puts it in place under the export's name, durably.
   *
   * @throws FileAlreadyExistsException if a file of that name was made meanwhile: it is left as it is
   */
  void publish() throws IOException {
    try (FileChannel written = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      written.force(true);
    }
    try {
      Files.createLink(file, temporary);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "was made by someone else while the export ran: it is left as it is, and the export deleted");
    } catch (NoSuchFileException e) {
      throw e;
    } catch (FileSystemException | UnsupportedOperationException e) {
      // A file system without hard links (vfat, exFAT, some network ones: EPERM). A rename without replacing
      // checks that the name is free first; a file made in the moment between the two would be replaced.
      try {
        Files.move(temporary, file);
      } catch (IOException again) {
        again.addSuppressed(e);
        throw again;
      }
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) { // the export is whole under its name; the second name is only clutter
      LOG.log(System.Logger.Level.WARNING, "cannot delete " + temporary + " (the export is whole in " + file
          + "; this second name of it can be deleted): " + e);
    }
    // the file's name is in its folder, which a power cut could lose without this, with the whole export
    DurableFiles.fsyncDirectory(file.toAbsolutePath().getParent());
  }

  /** Deletes the temporary file of an export that failed; never the export's name, which may be someone else's. */
  void discard(Throwable failure) {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }
}
