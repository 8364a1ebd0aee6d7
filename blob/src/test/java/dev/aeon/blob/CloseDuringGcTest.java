package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.ebr.Epochs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An arena closed while a collection it did not start itself copies: the collection must end with the arena
 * closed and leave nothing behind, neither its temp file nor the file's mapping and descriptor, and must have
 * ended when {@code close} returns.
 */
class CloseDuringGcTest {

  @TempDir
  Path dir;

  @Test
  void aCollectionThatFindsTheArenaClosedDeletesItsTempFile() throws Exception {
    BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null);
    long[] refs = new long[20_000];
    for (int i = 0; i < refs.length; i++) {
      refs[i] = arena.append(new byte[500]);
    }
    CountDownLatch listed = new CountDownLatch(1);
    arena.beforeCopyForTests = () -> awaitClose(arena);
    // close waits for the lock the listing holds, then closes while the collection copies 10 MB
    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
      try {
        listed.await();
        arena.close();
      } catch (InterruptedException | IOException e) {
        throw new AssertionError(e);
      }
    });
    Throwable gcFailure = null;
    try {
      arena.gc(ref -> {
        if (ref == refs[refs.length - 1]) {
          listed.countDown();
        }
        return true;
      });
    } catch (RuntimeException e) {
      gcFailure = e;
    }
    closed.get();
    assertInstanceOf(IllegalStateException.class, gcFailure, "the collection must say the arena was closed");
    assertEquals(List.of("blobs-1.arena", "blobs.lock"), fileNames());
  }

  /**
   * A collection the caller started, as the engine does, with epochs shared with the rest of it (an arena with
   * its own waits in their close for the collection's guard, by chance). {@code close} returned while the
   * collection still copied into its temp file, which it deleted by name once it found the arena closed: after
   * the directory lock was released, so a file of that name that an arena opened there meanwhile made (its own
   * collection's) was deleted under it, or, made before the copy began, replaced by it. Before the fix this
   * failed in each of 5 runs: the file was gone, or the collection ended in an {@code IndexOutOfBoundsException}
   * or an {@code InternalError} (its mapped file cut short under it). Now {@code close} cancels the copy and
   * returns once the collection has deleted it and let go of the directory.
   */
  @Test
  void aCollectionCancelledByCloseLeavesTheDirectoryBeforeCloseReturns() throws Exception {
    try (Epochs shared = new Epochs()) {
      BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
          shared);
      long[] refs = new long[20_000];
      for (int i = 0; i < refs.length; i++) {
        refs[i] = arena.append(new byte[500]);
      }
      arena.force(); // close has nothing left to write but its commit record
      CountDownLatch listed = new CountDownLatch(1);
      arena.beforeCopyForTests = () -> awaitClose(arena);
      CompletableFuture<GcResult> gc = CompletableFuture.supplyAsync(() -> arena.gc(ref -> {
        if (ref == refs[refs.length - 1]) {
          listed.countDown();
        }
        return true;
      }));
      listed.await();
      arena.close(); // waits for the lock the listing holds, then closes while the collection copies 10 MB
      // the directory is released: whatever is in it now belongs to the next arena to open it
      Path othersCopy = Generation.tempFileFor(dir, 2);
      Files.writeString(othersCopy, "a collection of the next arena to open the directory");
      ExecutionException e = assertThrows(ExecutionException.class, gc::get);
      assertInstanceOf(IllegalStateException.class, e.getCause(), "the collection must say the arena was closed");
      assertTrue(Files.exists(othersCopy), "the closed arena's collection deleted a file it no longer owned");
      Files.delete(othersCopy);
      try (BlobArena next = BlobArena.open(dir, BlobArenaOptions.defaults(), shared)) {
        assertEquals(2, next.gc().toGeneration());
        assertEquals(refs.length, next.stats().liveBlobs());
      }
    }
  }

  /** Until close has begun: the copy would otherwise run on, and may end, before the closing thread takes its turn. */
  private static void awaitClose(BlobArena arena) {
    while (!arena.isClosing()) {
      LockSupport.parkNanos(100_000);
    }
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
