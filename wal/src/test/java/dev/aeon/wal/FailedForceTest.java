package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A force that fails when a caller forces ({@link Wal#sync()}, {@link Wal#checkpoint}) fails the log, as one
 * of the flusher's does. Before, the log stayed healthy: the next sync() returned normally and
 * {@link Wal#durableLsn()} moved past records of rotated-away segments that no force had reached (the failed
 * force had dropped them from the list of segments still to force), and later appends were acknowledged.
 */
class FailedForceTest {

  @TempDir
  Path dir;

  @Test
  void aFailedSyncFailsTheLog() throws Exception {
    FailingForces opener = new FailingForces();
    try (Wal wal = Wal.open(dir, WalTest.small().durability(Durability.OFF).channelOpener(opener))) {
      for (int i = 1; i <= 200; i++) {
        wal.appendAndWait((byte) 1, WalTest.payload(i));
      }
      assertTrue(wal.segmentFiles().size() > 2, "records in segments rotated away, not forced in mode OFF");
      opener.failNextForce();
      assertThrows(IOException.class, wal::sync);

      assertNotNull(wal.failure(), "a failed force fails the log");
      IOException again = assertThrows(IOException.class, wal::sync, "a later force cannot make up for it");
      assertEquals("injected: fsync failed", rootCause(again).getMessage());
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> wal.append((byte) 1, WalTest.payload(201)).get());
      assertEquals("injected: fsync failed", rootCause(refused).getMessage());
      assertEquals(0, wal.durableLsn(), "nothing was forced");
      assertThrows(IOException.class, wal::close);
    }
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertEquals(200, wal.lastLsn(), "reopening recovers what reached the files");
    }
  }

  @Test
  void aFailedForceOfACheckpointFailsTheLog() throws Exception {
    FailingForces opener = new FailingForces();
    try (Wal wal = Wal.open(dir, WalTest.small().durability(Durability.OFF).channelOpener(opener))) {
      for (int i = 1; i <= 50; i++) {
        wal.appendAndWait((byte) 1, WalTest.payload(i));
      }
      opener.failNextForce();
      assertThrows(IOException.class, () -> wal.checkpoint(50));
      assertNotNull(wal.failure());
      assertThrows(IOException.class, () -> wal.checkpoint(50));
      assertEquals(0, wal.checkpointLsn());
      assertThrows(IOException.class, wal::close);
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Real channels whose next force of a segment fails when asked to, as fsync(2) does after a failed write-back
   * (EIO). Only segments: a preallocation forcing its zeros in the background must not take the failure.
   */
  private static final class FailingForces implements ChannelOpener {
    private volatile boolean failNext;

    void failNextForce() {
      failNext = true;
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
      FileChannel channel = FileChannel.open(path, options);
      return path.getFileName().toString().endsWith(WalFormat.SEGMENT_SUFFIX) ? new Failing(channel) : channel;
    }

    private final class Failing extends ForwardingChannel {
      Failing(FileChannel delegate) {
        super(delegate);
      }

      @Override
      public void force(boolean metaData) throws IOException {
        synchronized (FailingForces.this) {
          if (failNext) {
            failNext = false;
            throw new IOException("injected: fsync failed");
          }
        }
        delegate.force(metaData);
      }
    }
  }
}
