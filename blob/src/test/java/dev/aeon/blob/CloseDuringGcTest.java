package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An arena closed while a collection it did not start itself copies: the collection must end with the arena
 * closed and leave nothing behind, neither its temp file nor the file's mapping and descriptor.
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

  private List<String> fileNames() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
