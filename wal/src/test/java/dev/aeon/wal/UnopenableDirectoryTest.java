package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log checkpoint forces the log's directory after it renames its file into place; a directory that cannot be opened
 * for that force (here the open fails as it does when the process has too many files open) fails the checkpoint.
 * Before, any failure to open the directory was taken as a platform that opens none (Windows): the checkpoint
 * returned as durable, its rename not forced, and nothing said so.
 */
class UnopenableDirectoryTest {

  @TempDir
  Path dir;

  @Test
  void aCheckpointWhoseDirectoryCannotBeOpenedToForceItFails() throws Exception {
    DirectoryOpens opener = new DirectoryOpens();
    try (Wal wal = Wal.open(dir, WalTest.small().durability(Durability.OFF).channelOpener(opener))) {
      for (int i = 1; i <= 50; i++) {
        wal.appendAndWait((byte) 1, WalTest.payload(i));
      }
      opener.failing = true;
      IOException e = assertThrows(IOException.class, () -> wal.checkpoint(50));
      assertEquals(DirectoryOpens.MESSAGE, e.getMessage());
      opener.failing = false;
    }
  }

  /** Opens channels as the default does, but fails to open a directory while {@link #failing}. */
  private static final class DirectoryOpens implements ChannelOpener {
    static final String MESSAGE = "injected: Too many open files";
    volatile boolean failing;

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
      if (failing && Files.isDirectory(path)) {
        throw new IOException(MESSAGE);
      }
      return FileChannel.open(path, options);
    }
  }
}
