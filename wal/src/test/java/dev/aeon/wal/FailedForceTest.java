package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
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

  /**
   * A log that failed to write refuses a checkpoint, as it refuses a sync, and writes nothing more: the records of
   * the batch that failed are still framed in the writer's buffer, and a checkpoint's move to a new segment
   * flushed them. Before, after a write that failed once (a full device that then had room), the checkpoint wrote
   * the refused record and began a segment past it; after a write cut short, it wrote the first bytes again; the
   * next open cut either off as a torn tail.
   */
  @Test
  void aFailedLogRefusesACheckpointAndWritesNothingMore() throws Exception {
    for (boolean cutShort : new boolean[] {false, true}) {
      Path log = dir.resolve(cutShort ? "cut-short" : "failed");
      FailingForces opener = new FailingForces();
      try (Wal wal = Wal.open(log, WalTest.small().channelOpener(opener))) {
        for (int i = 1; i <= 10; i++) {
          wal.appendAndWait((byte) 1, WalTest.payload(i));
        }
        opener.failNextWrite(cutShort);
        assertThrows(IOException.class, () -> wal.appendAndWait((byte) 1, WalTest.payload(11)));
        assertNotNull(wal.failure());
        Map<String, String> atFailure = contents(log);

        IOException refused = assertThrows(IOException.class, () -> wal.checkpoint(10, true));
        assertEquals("injected: write failed", rootCause(refused).getMessage());
        assertEquals(0, wal.checkpointLsn());
        assertEquals(atFailure, contents(log), "nothing written after the failure");
        assertThrows(IOException.class, wal::close);
      }
      try (Wal wal = Wal.open(log, WalTest.small())) {
        assertEquals(10, wal.lastLsn(), log.getFileName().toString());
        assertEquals(10, WalTest.replayAll(wal, 0).size());
        assertEquals(cutShort, wal.recovery().damage().isPresent(), "only the write cut short left a torn tail");
      }
    }
  }

  /** Every file of the log by name, its bytes in Base64 (the log's files are a few KiB here). */
  private static Map<String, String> contents(Path log) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(log)) {
      for (Path file : list.toList()) {
        files.put(file.getFileName().toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
      }
    }
    return files;
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Real channels whose next force of a segment fails when asked to, as fsync(2) does after a failed write-back
   * (EIO), or whose next write fails once (a full device), having written nothing or half of what it was given.
   * Only segments: a preallocation forcing its zeros in the background must not take the failure.
   */
  private static final class FailingForces implements ChannelOpener {
    private volatile boolean failNext;
    private volatile boolean failNextWrite;
    private volatile boolean cutShort;

    void failNextForce() {
      failNext = true;
    }

    void failNextWrite(boolean afterHalf) {
      cutShort = afterHalf;
      failNextWrite = true;
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

      @Override
      public int write(ByteBuffer src, long position) throws IOException {
        synchronized (FailingForces.this) {
          if (failNextWrite) {
            failNextWrite = false;
            if (cutShort) { // a short write, then the failure at the next: as write(2) reports running out of room
              cutShort = false;
              failNextWrite = true;
              int written = delegate.write(src.slice(src.position(), src.remaining() / 2), position);
              src.position(src.position() + written);
              return written;
            }
            throw new IOException("injected: write failed");
          }
        }
        return delegate.write(src, position);
      }
    }
  }
}
