package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.SmallDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log on a device that fills up (a small tmpfs, {@link SmallDevice}; skipped where mounting is not allowed).
 * Segments are preallocated, so records go on into the current one; what meets the full device is the
 * preallocation of the next segment, in the background once the current one is half full.
 */
class FullDeviceTest {

  /** 64 KiB segments hold 63 frames of this payload: the 64th record needs the next segment. */
  private static final int PAYLOAD = 1000;
  private static final int PER_SEGMENT = (int) (((64 << 10) - WalFormat.HEADER_SIZE) / WalFormat.frameSize(PAYLOAD));

  @TempDir
  Path dir;

  private static WalOptions options() {
    return WalOptions.defaults().maxPayload(PAYLOAD).segmentSize(64 << 10);
  }

  private static byte[] payload(int i) {
    byte[] b = new byte[PAYLOAD];
    Arrays.fill(b, (byte) i);
    b[0] = (byte) (i >> 8);
    return b;
  }

  /**
   * A preallocation that found the device full while the segment was half full is tried again when the next
   * segment is needed: the room was back by then, and the log failed anyway with the old "No space left on
   * device". The failed attempt leaves no file behind meanwhile: its part held the device's last free blocks.
   */
  @Test
  void aPreallocationThatFoundTheDeviceFullIsTriedAgainWhenTheSegmentIsNeeded() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("device"), 1)) {
      Path log = device.root().resolve("wal");
      Set<Thread> before = preallocators();
      try (Wal wal = Wal.open(log, options())) {
        device.fillLeaving(2); // 8 KiB: too little for the next 64 KiB segment
        for (int i = 1; i <= PER_SEGMENT / 2 + 1; i++) {
          wal.appendAndWait((byte) 1, payload(i)); // past half full: the next segment's preallocation starts
        }
        awaitIdle(before);
        assertFalse(Files.exists(log.resolve(Wal.PREALLOCATED_FILE)), "the failed preallocation's part is left");
        device.empty();
        for (int i = PER_SEGMENT / 2 + 2; i <= 2 * PER_SEGMENT; i++) {
          assertEquals(i, wal.appendAndWait((byte) 1, payload(i)), "the room is back");
        }
        assertNull(wal.failure());
        assertEquals(2, wal.segmentFiles().size());
      }
      try (Wal wal = Wal.open(log, options())) {
        assertEquals(2 * PER_SEGMENT, wal.lastLsn());
      }
    }
  }

  /**
   * A device still full when the next segment is needed fails the log with the device's error as the cause,
   * and every record acknowledged before is there after a reopen, on the full device (no new segment is needed
   * for it) and once it has room again, when the log goes on writing.
   */
  @Test
  void aDeviceFullWhenTheNextSegmentIsNeededFailsTheLogAndLosesNothingAcknowledged() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("device"), 1)) {
      Path log = device.root().resolve("wal");
      Wal wal = Wal.open(log, options());
      device.fillLeaving(2);
      for (int i = 1; i <= PER_SEGMENT; i++) {
        wal.appendAndWait((byte) 1, payload(i));
      }
      IOException e = assertThrows(IOException.class, () -> wal.appendAndWait((byte) 1, payload(PER_SEGMENT + 1)));
      Throwable cause = e.getCause();
      assertNotNull(cause);
      assertEquals("No space left on device", cause.getMessage(), "the device's error, from trying again");
      assertEquals(1, cause.getSuppressed().length, "the background attempt's error goes with it");
      assertFalse(Files.exists(log.resolve(Wal.PREALLOCATED_FILE)), "the failed preallocation's part is left");
      assertThrows(IOException.class, () -> wal.appendAndWait((byte) 1, payload(0)), "a failed log refuses writes");
      assertThrows(IOException.class, wal::close);
      try (Wal again = Wal.open(log, options())) {
        assertEquals(PER_SEGMENT, again.lastLsn(), "reopened on the full device");
      }
      device.empty();
      try (Wal again = Wal.open(log, options())) {
        List<Object[]> records = WalTest.replayAll(again, 0);
        assertEquals(PER_SEGMENT, records.size());
        for (int i = 0; i < PER_SEGMENT; i++) {
          assertArrayEquals(payload(i + 1), (byte[]) records.get(i)[2]);
        }
        assertEquals(PER_SEGMENT + 1, again.appendAndWait((byte) 1, payload(PER_SEGMENT + 1)));
      }
    }
  }

  /**
   * A checkpoint that meets the full device fails and leaves no part of its temporary file behind (it held a
   * block of the full device, and named nothing); once there is room the same checkpoint goes through. A
   * temporary left by a crash mid-checkpoint is deleted when the log is opened, as a preallocated part is.
   */
  @Test
  void aCheckpointThatFindsTheDeviceFullLeavesNoTemporaryFile() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("device"), 1)) {
      Path log = device.root().resolve("wal");
      Path temporary = log.resolve(WalFormat.CHECKPOINT_FILE + ".tmp");
      try (Wal wal = Wal.open(log, options())) {
        wal.appendAndWait((byte) 1, payload(1));
        device.fill();
        assertThrows(IOException.class, () -> wal.checkpoint(1));
        assertFalse(Files.exists(temporary), "the failed checkpoint's temporary file is left");
        assertEquals(0, wal.checkpointLsn());
        device.empty();
        wal.checkpoint(1);
        assertEquals(1, wal.checkpointLsn());
        assertFalse(Files.exists(temporary));
      }
      Files.write(temporary, new byte[0]); // as a crash between creating and renaming it leaves it
      try (Wal wal = Wal.open(log, options())) {
        assertEquals(1, wal.checkpointLsn());
        assertFalse(Files.exists(temporary), "a temporary left by a crash outlives the open");
      }
    }
  }

  private static Set<Thread> preallocators() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("aeon-wal-preallocator"))
        .collect(Collectors.toSet());
  }

  /** Waits until the preallocation threads started since {@code before} have finished their work. */
  private static void awaitIdle(Set<Thread> before) {
    while (true) {
      Set<Thread> started = preallocators();
      started.removeAll(before);
      assertTrue(started.size() <= 1, "one log, one preallocation thread");
      // Between segments the thread waits for the next (TIMED_WAITING, until its keep-alive ends).
      if (started.size() == 1 && started.iterator().next().getState() == Thread.State.TIMED_WAITING) {
        return;
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
