package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.Interrupting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer interrupted all the time appends texts small and big into an arena that starts tiny (so it
 * grows and is mapped again and again) and frees some. An interrupt during a file channel's I/O closes the
 * channel for every thread (ClosedByInterruptException); the arena writes through a descriptor of its own
 * and maps on another thread, so nothing fails and everything reads back, before and after a reopen. So do a
 * collection and an open on a thread whose interrupt is set: their channel operations (the directory's sync,
 * the cut of a torn tail) run on a thread of their own.
 */
class InterruptedWriterTest {

  private static final int BLOBS = 400;

  @TempDir
  Path dir;

  @Test
  void anInterruptedWriterAppendsGrowsAndFreesWithoutAFailure() throws Exception {
    List<byte[]> payloads = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < BLOBS; i++) {
      // every tenth bigger than the arena's staging buffer: written with positional writes, not stored
      byte[] p = new byte[i % 10 == 0 ? 300_000 + random.nextInt(100_000) : 1 + random.nextInt(2_000)];
      random.nextBytes(p);
      payloads.add(p);
    }
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withInitialCapacity(64 << 10), null)) {
      Interrupting.runInterrupted(() -> {
        for (int i = 0; i < BLOBS; i++) {
          refs.add(arena.append(payloads.get(i)));
          if (i % 3 == 2) {
            arena.free(refs.get(i - 1)); // marks the frame FREE with a positional write
          }
          Thread.interrupted();
        }
      });
      arena.force();
      assertEquals(BLOBS - BLOBS / 3, arena.verify().liveBlobs());
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      for (int i = 0; i < BLOBS; i++) {
        if (i % 3 == 1) {
          assertFalse(arena.contains(refs.get(i)), "blob " + i + " was freed");
        } else {
          assertArrayEquals(payloads.get(i), arena.readBytes(refs.get(i)), "blob " + i);
        }
      }
    }
  }

  @Test
  void aCollectionOnAnInterruptedThreadCompletesAndLosesNothing() throws Exception {
    long kept, appendedAfter;
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      kept = arena.append("kept by the collection");
      arena.free(arena.append("freed before it"));
      Thread.currentThread().interrupt();
      try {
        assertEquals(2, arena.gc().toGeneration());
      } finally {
        assertTrue(Thread.interrupted(), "the caller's interrupt stays set for it to see");
      }
      appendedAfter = arena.append("appended after the collection");
      arena.force();
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals("kept by the collection", arena.readString(kept));
      assertEquals("appended after the collection", arena.readString(appendedAfter));
    }
  }

  @Test
  void anArenaOpensOnAnInterruptedThread() throws Exception {
    try (BlobArena arena = BlobArena.open(dir)) {
      arena.append("written before");
    }
    Files.write(dir.resolve("blobs-2.arena.tmp"), new byte[] {1}); // a collection that died: deleted on open
    Thread.currentThread().interrupt();
    try (BlobArena arena = BlobArena.open(dir)) { // cuts the file after its frames, deletes, syncs the directory
      assertEquals("written before", arena.readString(1));
    } finally {
      assertTrue(Thread.interrupted(), "the caller's interrupt stays set for it to see");
    }
    Thread.currentThread().interrupt();
    try (BlobArena arena = BlobArena.open(dir.resolve("new"))) { // creates, renames, syncs the directory
      assertEquals("into a new arena", arena.readString(arena.append("into a new arena")));
    } finally {
      assertTrue(Thread.interrupted(), "the caller's interrupt stays set for it to see");
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals("written before", arena.readString(1));
    }
  }
}
