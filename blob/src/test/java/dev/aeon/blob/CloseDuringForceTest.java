package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An arena closed while another thread forces it, between the force's msync and its commit: the frees that
 * force took over must still be erased before the file is unmapped, as {@code close} erases its own.
 */
class CloseDuringForceTest {

  @TempDir
  Path dir;

  @Test
  void aFreeTakenByAForceThatCloseOvertakesIsStillErased() throws Exception {
    byte[] secret = "SECRET-freed-just-before-the-last-force-0123456789".getBytes();
    int rounds = 5;
    for (int round = 0; round < rounds; round++) {
      Path d = dir.resolve("r" + round);
      BlobArena arena = BlobArena.open(d, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY), null);
      long s = arena.append(secret);
      arena.force();
      for (int i = 0; i < 48; i++) {
        arena.append(new byte[1 << 20]); // dirty pages: the next force's msync takes a while
      }
      arena.free(s);
      CompletableFuture<Void> force = CompletableFuture.runAsync(() -> {
        try {
          arena.force();
        } catch (IllegalStateException closed) {
          // closed before the force began: the frees were close's to erase
        }
      });
      Thread.sleep(2); // into the force's msync, which holds no lock
      arena.close();
      force.get();
      assertFalse(BlobArenaTest.filesContain(d, secret), "round " + round + ": a freed blob's bytes survived close");
    }
  }
}
