package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory's sync after a collection renamed its new generation into place fails. The rename may be
 * durable all the same (a failed fsync says nothing about what reached the disk), and a crash that kept it
 * would make that file win the next open, losing everything the arena, gone on in the old generation,
 * forced since. The collection deleted the renamed file but did not sync the directory again, so the
 * deletion was no more durable than the rename. Now it syncs after the deletion, and until a sync after it
 * succeeds, a force fails instead of acknowledging what a crash could lose.
 */
class FailedDirectorySyncTest {

  @TempDir
  Path dir;

  /** A directory sync that fails while {@link #failures} is above zero and notes what the directory held. */
  private static final class FailingSync implements Generation.DirectorySync {
    volatile int failures;
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void sync(Path d) throws IOException {
      calls.add(Files.exists(Generation.fileFor(d, 2)) ? "with blobs-2.arena" : "without blobs-2.arena");
      if (failures > 0) {
        failures--;
        throw new IOException("injected: directory fsync failed");
      }
      Generation.DirectorySync.DURABLE.sync(d);
    }
  }

  private BlobArena open() throws IOException {
    return BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY), null);
  }

  @Test
  void aCollectionWhoseRenameIsNotSyncedDeletesTheFileAndSyncsTheDeletion() throws IOException {
    long kept, after;
    try (BlobArena arena = open()) {
      kept = arena.append("kept");
      arena.free(arena.append("freed"));
      arena.force();
      FailingSync sync = new FailingSync();
      sync.failures = 1;
      arena.directorySync = sync;
      UncheckedIOException e = assertThrows(UncheckedIOException.class, arena::gc);
      assertEquals("injected: directory fsync failed", e.getCause().getMessage());
      assertFalse(Files.exists(Generation.fileFor(dir, 2)));
      assertEquals(List.of("with blobs-2.arena", "without blobs-2.arena"), sync.calls,
          "the deletion of the renamed file is synced");
      assertEquals(1, arena.stats().generation());
      after = arena.append("after the failed collection");
      arena.force();
      assertEquals(2, sync.calls.size(), "nothing is owed: a force syncs no directory");
    }
    try (BlobArena arena = open()) {
      assertEquals(1, arena.stats().generation());
      assertEquals("kept", arena.readString(kept));
      assertEquals("after the failed collection", arena.readString(after));
    }
  }

  @Test
  void whileTheDeletionIsNotSyncedAForceFails() throws IOException {
    long kept, after;
    try (BlobArena arena = open()) {
      kept = arena.append("kept");
      arena.free(arena.append("freed"));
      FailingSync sync = new FailingSync();
      sync.failures = 3; // the sync after the rename, the one after the deletion, the first force's
      arena.directorySync = sync;
      assertThrows(UncheckedIOException.class, arena::gc);
      assertFalse(Files.exists(Generation.fileFor(dir, 2)));
      after = arena.append("after the failed collection");
      UncheckedIOException e = assertThrows(UncheckedIOException.class, arena::force,
          "a crash could still bring blobs-2.arena back, without this blob");
      assertEquals("injected: directory fsync failed", e.getCause().getMessage());
      arena.force(); // the directory syncs again: the deletion is durable
      assertEquals(List.of("with blobs-2.arena", "without blobs-2.arena", "without blobs-2.arena",
          "without blobs-2.arena"), sync.calls);
      arena.force();
      assertEquals(4, sync.calls.size(), "owed no more");
    }
    try (BlobArena arena = open()) {
      assertEquals("kept", arena.readString(kept));
      assertEquals("after the failed collection", arena.readString(after));
    }
  }

  /** The failed sync of the deletion is not dropped: the collection's failure carries it, as suppressed. */
  @Test
  void theFailureSaysTheDeletionWasNotSynced() throws IOException {
    try (BlobArena arena = open()) {
      arena.free(arena.append("freed"));
      FailingSync sync = new FailingSync();
      sync.failures = 2; // the sync after the rename, the one after the deletion
      arena.directorySync = sync;
      UncheckedIOException e = assertThrows(UncheckedIOException.class, arena::gc);
      Throwable[] suppressed = e.getCause().getSuppressed();
      assertEquals(1, suppressed.length, "the failed sync of the deletion");
      assertEquals("injected: directory fsync failed", suppressed[0].getMessage());
      arena.force();
    }
  }

  @Test
  void aCloseWhileTheDeletionIsNotSyncedReleasesEverythingAndSaysSo() throws IOException {
    long kept;
    BlobArena arena = open();
    kept = arena.append("kept");
    FailingSync sync = new FailingSync();
    sync.failures = Integer.MAX_VALUE;
    arena.directorySync = sync;
    assertThrows(UncheckedIOException.class, arena::gc);
    IOException e = assertThrows(IOException.class, arena::close);
    assertEquals("injected: directory fsync failed", e.getCause().getMessage());
    assertThrows(IllegalStateException.class, () -> arena.readString(kept), "closed all the same");
    try (BlobArena reopened = open()) { // the directory lock was released
      assertEquals("kept", reopened.readString(kept));
    }
  }
}
