package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.CorruptFileException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A close that fails still lets go of the directory. The generation file cut to nothing under its mapping (by
 * another process, say) makes the close's commit record fault: an {@code InternalError}, the JVM's report of a
 * {@code SIGBUS}. The close threw it before releasing its lock, which stayed taken until the JVM exited: the arena
 * could not be opened again ("already open"), and a later arena in the same JVM whose lock file had the same inode
 * (a folder deleted and another made) was refused too.
 */
class FailedCloseTest {

  @TempDir
  Path dir;

  @Test
  void aCloseThatFailsReleasesTheDirectory() throws Exception {
    BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults(), null);
    arena.append(new byte[1000]);
    arena.force();
    try (FileChannel file = FileChannel.open(dir.resolve("blobs-1.arena"), StandardOpenOption.WRITE)) {
      file.truncate(0);
    }
    assertThrows(InternalError.class, arena::close);
    // Opened again, the arena is refused for what the file holds, no longer as "already open"
    CorruptFileException damaged = assertThrows(CorruptFileException.class,
        () -> BlobArena.open(dir, BlobArenaOptions.defaults(), null).close());
    assertTrue(damaged.getMessage().contains("blobs-1.arena at offset 0: file of 0 bytes is shorter than the header"),
        damaged.getMessage());
  }
}
