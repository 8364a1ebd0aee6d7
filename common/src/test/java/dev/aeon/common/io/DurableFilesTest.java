package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import dev.aeon.common.testing.ProcessLimit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

  @TempDir
  Path dir;

  /**
   * A replacement that cannot be written whole (the process's file size limit standing in for a full device) fails,
   * keeps the file as it was, and leaves no part of its temporary file: it names nothing, and on a full device it
   * holds a block the other files need (the trace's checkpoint and a namespace's embedding-model file are written
   * so). Once the file can grow, the same replacement goes through.
   */
  @Test
  void aReplacementThatCannotBeWrittenLeavesNoTemporaryFile() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    Path file = dir.resolve("checkpoint");
    DurableFiles.replace(file, ByteBuffer.wrap(new byte[] {1, 2}));
    try (FileSizeLimit full = FileSizeLimit.of(4)) {
      assertThrows(IOException.class, () -> DurableFiles.replace(file, ByteBuffer.wrap(new byte[64])));
    }
    assertFalse(Files.exists(dir.resolve("checkpoint.tmp")), "the failed replacement's temporary file is left");
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(file));
    DurableFiles.replace(file, ByteBuffer.wrap(new byte[64]));
    assertArrayEquals(new byte[64], Files.readAllBytes(file));
    assertFalse(Files.exists(dir.resolve("checkpoint.tmp")));
  }

  /**
   * Creating a store's folder creates every missing level, takes one that exists as it is, and refuses a path through
   * a file, as {@link Files#createDirectories} does. (That it forces each new folder's parent is not observable here:
   * that needs a file system that loses unsynced directory entries on a power cut.)
   */
  @Test
  void createsEveryMissingLevelAndRefusesAPathThroughAFile() throws IOException {
    Path nested = dir.resolve("a").resolve("b").resolve("c");
    assertEquals(nested, DurableFiles.createDirectories(nested));
    assertTrue(Files.isDirectory(nested));
    Files.writeString(nested.resolve("kept"), "x");
    DurableFiles.createDirectories(nested);
    assertEquals("x", Files.readString(nested.resolve("kept")), "an existing folder is taken as it is");
    DurableFiles.createDirectories(Path.of("").toAbsolutePath().relativize(nested)); // a relative path too
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    // "Not a directory"
    assertThrows(FileSystemException.class, () -> DurableFiles.createDirectories(file.resolve("d")));
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.createDirectories(file));
  }

  /** A store opens on an interrupted thread (an interrupt must not close the channel that forces its new folder). */
  @Test
  void createsFoldersOnAnInterruptedThreadAndKeepsTheInterrupt() throws IOException {
    Path nested = dir.resolve("x").resolve("y");
    Thread.currentThread().interrupt();
    try {
      DurableFiles.createDirectories(nested);
      assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt was cleared");
    } finally {
      Thread.interrupted();
    }
    assertTrue(Files.isDirectory(nested));
  }

  /**
   * A directory that exists but cannot be opened to force it (the process has too many files open: here no file can
   * be opened at all) fails the rename that needed the force: the rename is not durable, and the caller must know.
   * Failed before: any directory that could not be opened was taken as a platform's that opens none (Windows), and the
   * rename returned as durable.
   */
  @Test
  void aRenameWhoseDirectoryCannotBeOpenedToForceItFails() throws Throwable {
    assumeTrue(ProcessLimit.supported(), "setrlimit(RLIMIT_NOFILE) is Linux's");
    Path from = dir.resolve("new");
    Path to = dir.resolve("checkpoint");
    Files.writeString(from, "x");
    DurableFiles.fsyncDirectory(dir); // every class the force needs loaded before no file can be opened
    IOException failure = null;
    try (ProcessLimit noFiles = ProcessLimit.openFiles(0)) {
      DurableFiles.atomicRename(from, to);
    } catch (IOException e) {
      failure = e;
    }
    assertTrue(failure != null && failure.getMessage().contains("Too many open files"), "failed with " + failure);
    assertEquals("x", Files.readString(to), "the rename itself was made");
  }
}
