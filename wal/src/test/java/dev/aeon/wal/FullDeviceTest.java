package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import dev.aeon.common.testing.SmallDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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

  /** Bounds every wait here: a log that hangs on the full device fails the test instead of the build. */
  private static final long BOUND_SECONDS = 60;

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

  /**
   * Writers append records of seeded sizes (some larger than the next segment, which then gets one of its own size
   * at once) until the device, which the growing segments fill, has no room for the next segment. Each writer's
   * wait ends, with an IOException, and so does every later call at once: an append returns a failed future, sync
   * and close throw. Reopened on the full device, the log holds every acknowledged record intact, at its LSN.
   */
  @Test
  void writersOnADeviceThatFillsUpFailAtOnceAndLoseNothingAcknowledged() throws Exception {
    long seed = Long.getLong("aeon.test.seed", 1206L);
    for (Durability mode : List.of(Durability.SYNC, Durability.ASYNC, Durability.OFF)) {
      try (SmallDevice device = SmallDevice.mount(dir.resolve("device-" + mode), 2)) {
        Path log = device.root().resolve("wal");
        WalOptions options = WalOptions.defaults().durability(mode).maxPayload(200_000).segmentSize(1 << 20);
        String what = mode + " (seed " + seed + ")";
        Map<Long, byte[]> acknowledged = new ConcurrentHashMap<>();
        List<Throwable> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        Wal wal = Wal.open(log, options);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          SplittableRandom random = new SplittableRandom(seed + w);
          writers.add(Thread.ofPlatform().start(() -> {
            try {
              while (true) {
                byte[] p = new byte[random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(3000)];
                random.nextBytes(p);
                CompletableFuture<Long> f = wal.append((byte) 1, p);
                try {
                  acknowledged.put(f.get(BOUND_SECONDS, TimeUnit.SECONDS), p);
                } catch (ExecutionException e) {
                  if (!(e.getCause() instanceof IOException)) {
                    problems.add(e);
                  }
                  return;
                }
              }
            } catch (Throwable t) {
              problems.add(t);
            }
          }));
        }
        for (Thread t : writers) {
          t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
          assertFalse(t.isAlive(), what + ": a writer still waits");
        }
        assertEquals(List.of(), problems, what);
        assertNotNull(wal.failure(), what);
        CompletableFuture<Long> late = wal.append((byte) 1, new byte[1]);
        assertTrue(late.isCompletedExceptionally(), what + ": an append to the failed log fails at once");
        assertThrows(IOException.class, wal::sync, what);
        assertThrows(IOException.class, wal::close, what);
        assertFalse(Files.exists(log.resolve(Wal.PREALLOCATED_FILE)), what);
        try (Wal again = Wal.open(log, options)) {
          long last = again.lastLsn();
          assertFalse(acknowledged.isEmpty(), what);
          for (long lsn : acknowledged.keySet()) {
            assertTrue(lsn <= last, what + ": acknowledged LSN " + lsn + " is past the reopened log's end " + last);
          }
          again.recovery().damage().ifPresent(d -> assertTrue(d.lsn() > last && !acknowledged.containsKey(d.lsn()),
              what + ": " + d));
          List<Object[]> records = WalTest.replayAll(again, 0);
          assertEquals(last, records.size(), what + ": LSNs are dense");
          for (Object[] r : records) {
            byte[] expected = acknowledged.get((Long) r[0]);
            if (expected != null) {
              assertArrayEquals(expected, (byte[]) r[2], what + ": record " + r[0]);
            }
          }
        }
      }
    }
  }

  /**
   * A file size limit below the end of the current segment (the preallocated blocks are there, but a write past
   * the limit fails, as a full device fails one into a hole): the record that crosses it is torn, the log fails
   * with the device's error, and a reopen once the limit is lifted cuts the torn record off as a torn tail and
   * keeps every acknowledged record.
   */
  @Test
  void aWriteTornAtTheFileSizeLimitFailsTheLogAndTheReopenCutsOnlyWhatWasNotAcknowledged() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "the file size limit is Linux's");
    for (Durability mode : List.of(Durability.SYNC, Durability.ASYNC, Durability.OFF)) {
      Path log = dir.resolve("limit-" + mode);
      String what = mode.name();
      List<byte[]> acknowledged = new ArrayList<>();
      Wal wal = Wal.open(log, options().durability(mode));
      IOException failed;
      try (FileSizeLimit limit = FileSizeLimit.of(20_000 + 7)) { // within a frame, a third into the first segment
        while (true) {
          byte[] p = payload(acknowledged.size() + 1);
          CompletableFuture<Long> f = wal.append((byte) 1, p);
          try {
            assertEquals(acknowledged.size() + 1, f.get(BOUND_SECONDS, TimeUnit.SECONDS), what);
          } catch (ExecutionException e) {
            failed = assertInstanceOf(IOException.class, e.getCause(), what);
            break;
          }
          acknowledged.add(p);
          assertTrue(acknowledged.size() < PER_SEGMENT, what + ": the limit failed no write");
        }
        assertTrue(wal.append((byte) 1, payload(0)).isCompletedExceptionally(), what);
        assertThrows(IOException.class, wal::close, what);
      }
      assertEquals("File too large", rootCause(failed).getMessage(), what);
      try (Wal again = Wal.open(log, options())) {
        assertEquals(acknowledged.size(), again.lastLsn(), what);
        RecoveryReport.Damage torn = again.recovery().damage().orElseThrow();
        assertEquals(RecoveryReport.Kind.TORN_TAIL, torn.kind(), what);
        assertEquals(acknowledged.size() + 1, torn.lsn(), what);
        List<Object[]> records = WalTest.replayAll(again, 0);
        assertEquals(acknowledged.size(), records.size(), what);
        for (int i = 0; i < records.size(); i++) {
          assertArrayEquals(acknowledged.get(i), (byte[]) records.get(i)[2], what + ": record " + (i + 1));
        }
        assertEquals(acknowledged.size() + 1, again.appendAndWait((byte) 1, payload(0)), what);
      }
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
