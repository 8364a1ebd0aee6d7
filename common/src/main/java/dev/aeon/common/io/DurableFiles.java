package dev.aeon.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/** File-system steps whose effect must survive a power cut: renames and creations made durable. */
public final class DurableFiles {

  private static final boolean WINDOWS = System.getProperty("os.name").startsWith("Windows");

  private DurableFiles() {}

  /**
   * Replaces {@code file} with {@code content} so that a crash leaves the old file or the new one, whole: writes
   * {@code <file>.tmp}, forces it, renames it over {@code file} and fsyncs the directory. A temporary that could not
   * be written whole or renamed is deleted ({@link #deleteAfterFailure}).
   */
  public static void replace(Path file, ByteBuffer content) throws IOException {
    Path tmp = temporaryOf(file);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        while (content.hasRemaining()) {
          ch.write(content);
        }
        ch.force(true);
      }
      atomicRename(tmp, file);
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(tmp, e);
      throw e;
    }
  }

  /**
   * Deletes what a crash during a {@link #replace} of {@code file} left ({@code <file>.tmp}, which names nothing), if
   * anything: for a store opening its files, as the next replace would only overwrite it, and one of a file that is
   * never replaced again (a namespace's embedding-model record) stayed for good.
   */
  public static void deleteLeftoverOfReplace(Path file) throws IOException {
    Files.deleteIfExists(temporaryOf(file));
  }

  private static Path temporaryOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  /**
   * Deletes {@code tmp}, the temporary file of a write that failed: it names nothing, and on a full device it holds
   * blocks the other files need. A failure to delete it is added to {@code failure}, which the caller throws.
   */
  public static void deleteAfterFailure(Path tmp, Throwable failure) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Renames {@code from} to {@code to} atomically (replacing {@code to}) and fsyncs the directory. */
  public static void atomicRename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(to.toAbsolutePath().getParent());
  }

  /**
   * Creates {@code dir} and its missing parents, as {@link Files#createDirectories} does, and fsyncs the parent of each
   * one it created, top down: a store's folder made at its first open must survive a power cut as the files the store
   * then writes and syncs inside it do (ext4's journal happens to commit the folder first; other file systems need
   * not).
   *
   * @return {@code dir}
   */
  public static Path createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    Files.createDirectories(dir);
    if (!missing.isEmpty()) { // out of reach of the caller's interrupt, which would close the channel that forces
      Uninterruptibly.run(() -> {
        for (Path created : missing) {
          fsyncDirectory(created.getParent());
        }
      });
    }
    return dir;
  }

  /**
   * Fsyncs a directory so that entries created, renamed or deleted in it survive a crash. Platforms that
   * cannot open a directory for syncing (Windows) make this a no-op.
   */
  public static void fsyncDirectory(Path dir) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException e) {
      if (!opensNoDirectory(dir)) {
        throw e;
      }
      return; // there is nothing more we can do
    }
    try (ch) { // a failure to force is not that: the entries may be lost, so the caller must know
      ch.force(true);
    }
  }

  /**
   * Whether a failure to open {@code dir} to force it is no failure: the platform opens no directory for reading
   * (Windows), and its renames are as durable as they get. Elsewhere one that cannot be opened (too many open files)
   * leaves the entries to force not durable: taken as a platform's refusal, it said nothing of that.
   */
  public static boolean opensNoDirectory(Path dir) {
    return WINDOWS && Files.isDirectory(dir);
  }

}
