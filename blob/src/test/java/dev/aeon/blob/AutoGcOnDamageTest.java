package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.testing.LoggedWarnings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live blob damaged on disk while the arena is open makes every collection fail. Each free past the
 * garbage threshold started another background collection that failed on it and logged a warning, so a run of
 * frees flooded the log (36 warnings for the 60 frees here). The first failure on damage now stops automatic
 * collection, with one warning, until a collection the caller asks for succeeds (or the arena is reopened).
 */
class AutoGcOnDamageTest {

  private static final int BLOBS = 100;
  private static final int PAYLOAD = 100;

  @TempDir
  Path dir;

  @Test
  void aCollectionThatFailsOnDamageStopsAutomaticCollectionWithOneWarning() throws Exception {
    try (LoggedWarnings logged = LoggedWarnings.of(BlobArena.class);
        BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withAutoGcMinBytes(0), null)) {
      for (int i = 1; i <= BLOBS; i++) {
        assertEquals(i, arena.append(new byte[PAYLOAD]));
      }
      arena.force();
      long frame = ArenaHeader.DATA_START + (BLOBS - 1) * Frames.frameLength(PAYLOAD); // the last blob's
      try (FileChannel ch = FileChannel.open(Generation.fileFor(dir, 1), StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {1}), frame + Frames.HEADER_LENGTH); // a payload bit rots
      }
      for (int ref = 1; ref <= 60; ref++) { // the garbage ratio passes 0.25 at the 25th free
        arena.free(ref);
        arena.awaitBackgroundGc();
      }
      List<String> warnings = logged.list();
      assertEquals(1, warnings.size(), () -> "one failed collection, one warning; the first of " + warnings.size()
          + ": " + warnings.getFirst());
      assertTrue(warnings.getFirst().contains("frame checksum mismatch"), warnings.getFirst());
      assertEquals(1, arena.stats().generation());

      assertThrows(CorruptFileException.class, arena::gc, "a collection asked for still runs, and fails");
      assertEquals(2, arena.gc(ref -> ref != BLOBS).toGeneration(), "the damaged blob dropped");
      assertEquals(1, logged.list().size());
      for (int ref = 61; ref <= 70; ref++) { // 10 of the 39 left: past the threshold again at the 10th
        arena.free(ref);
        arena.awaitBackgroundGc();
      }
      assertEquals(3, arena.stats().generation(), "automatic collection runs again after one that succeeded");
      assertEquals(1, logged.list().size(), logged.list().toString());
    }
  }
}
