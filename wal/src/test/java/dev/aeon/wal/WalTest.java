package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {

  @TempDir
  Path dir;

  static WalOptions small() {
    return WalOptions.defaults().maxPayload(1000).segmentSize(4096);
  }

  static byte[] payload(long i) {
    return ("record-" + i + "-" + "x".repeat((int) (i % 50))).getBytes(StandardCharsets.UTF_8);
  }

  /** Every caller record in the log after {@code afterLsn}, as [lsn, type, payload]. */
  static List<Object[]> replayAll(Wal wal, long afterLsn) throws IOException {
    List<Object[]> out = new ArrayList<>();
    wal.replay(afterLsn, (lsn, type, p) -> {
      byte[] b = new byte[p.remaining()];
      p.get(b);
      out.add(new Object[] {lsn, type, b});
    });
    return out;
  }

  /** sync() forces what is not forced yet, and nothing when everything is (as in mode SYNC after an ack). */
  @Test
  void syncForcesOnlyWhatIsNotForcedYet() throws Exception {
    try (Wal wal = Wal.open(dir.resolve("sync"), small())) {
      wal.appendAndWait((byte) 1, payload(1));
      long forces = wal.forces();
      wal.sync();
      assertEquals(forces, wal.forces(), "a SYNC append was forced already");
    }
    try (Wal wal = Wal.open(dir.resolve("off"), small().durability(Durability.OFF))) {
      wal.appendAndWait((byte) 1, payload(1));
      long forces = wal.forces();
      wal.sync();
      assertEquals(forces + 1, wal.forces(), "an OFF append is forced by sync()");
      assertEquals(wal.lastLsn(), wal.durableLsn());
      wal.sync();
      assertEquals(forces + 1, wal.forces(), "nothing new to force");
    }
  }

  @Test
  void appendsGetConsecutiveLsnsAndReplayAcrossRotationAndReopen() throws IOException {
    try (Wal wal = Wal.open(dir, small())) {
      assertEquals(0, wal.lastLsn());
      for (long i = 1; i <= 300; i++) {
        assertEquals(i, wal.appendAndWait((byte) (i % 128), payload(i)));
      }
      assertTrue(wal.segmentFiles().size() > 3, "small segments rotate: " + wal.segmentFiles().size());
      assertEquals(300, wal.durableLsn());
      checkRecords(replayAll(wal, 0), 1, 300);
    }
    try (Wal wal = Wal.open(dir, small())) {
      assertTrue(wal.recovery().damage().isEmpty());
      assertEquals(1, wal.recovery().firstLsn());
      assertEquals(300, wal.lastLsn());
      checkRecords(replayAll(wal, 0), 1, 300);
      checkRecords(replayAll(wal, 250), 251, 300);
      assertEquals(301, wal.appendAndWait((byte) (301 % 128), payload(301)));
    }
    try (Wal wal = Wal.open(dir, small().readOnly(true))) {
      checkRecords(replayAll(wal, 0), 1, 301);
      assertThrows(IllegalStateException.class, () -> wal.append((byte) 1, new byte[1]));
    }
  }

  static void checkRecords(List<Object[]> records, long first, long last) {
    assertEquals(last - first + 1, records.size());
    for (int i = 0; i < records.size(); i++) {
      long lsn = first + i;
      assertEquals(lsn, records.get(i)[0]);
      assertEquals((byte) (lsn % 128), records.get(i)[1]);
      assertArrayEquals(payload(lsn), (byte[]) records.get(i)[2]);
    }
  }

  @Test
  void refusesOversizedPayloadsAndReservedTypesBeforeWriting() throws IOException {
    try (Wal wal = Wal.open(dir, small())) {
      wal.appendAndWait((byte) 0, new byte[1000]);
      var e = assertThrows(IllegalArgumentException.class, () -> wal.append((byte) 0, new byte[1001]));
      assertTrue(e.getMessage().contains("1001"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> wal.append((byte) -1, new byte[1]));
      assertEquals(1, wal.lastLsn());
    }
    assertThrows(IllegalArgumentException.class,
        () -> Wal.open(dir, WalOptions.defaults().segmentSize(4096)), "default max payload cannot fit");
    // a frame of this payload would not fit a Java array: the first append near it would have failed the log
    assertEquals("max payload must be 0 to 1073741824 bytes, not 2147483647", assertThrows(
        IllegalArgumentException.class, () -> WalOptions.defaults().maxPayload(Integer.MAX_VALUE)).getMessage());
    WalOptions.defaults().maxPayload(WalOptions.LARGEST_MAX_PAYLOAD);
  }

  @Test
  void emptyPayloadsAndTheLargestPayloadRoundTrip() throws IOException {
    WalOptions opts = WalOptions.defaults().maxPayload(4096 - 64 - 25).segmentSize(4096);
    byte[] big = new byte[4096 - 64 - 25];
    new java.util.Random(7).nextBytes(big);
    try (Wal wal = Wal.open(dir, opts)) {
      wal.appendAndWait((byte) 3, new byte[0]);
      wal.appendAndWait((byte) 4, big);
      wal.appendAndWait((byte) 5, new byte[0]);
    }
    try (Wal wal = Wal.open(dir, opts)) {
      List<Object[]> r = replayAll(wal, 0);
      assertEquals(3, r.size());
      assertEquals(0, ((byte[]) r.get(0)[2]).length);
      assertArrayEquals(big, (byte[]) r.get(1)[2]);
      assertEquals(3, wal.segmentFiles().size(), "a full-size record takes a segment of its own");
    }
  }

  @Test
  void checkpointDeletesWhollyCoveredSegmentsAndReplayStartsAfterIt() throws IOException {
    try (Wal wal = Wal.open(dir, small())) {
      for (long i = 1; i <= 200; i++) {
        wal.appendAndWait((byte) (i % 128), payload(i));
      }
      int before = wal.segmentFiles().size();
      wal.checkpoint(150);
      assertEquals(150, wal.checkpointLsn());
      assertTrue(wal.segmentFiles().size() < before);
      long first = wal.segmentFiles().keySet().iterator().next();
      assertTrue(first <= 151, "segment holding LSN 151 is kept; first is " + first);
      assertThrows(IllegalArgumentException.class, () -> wal.checkpoint(100));
      assertThrows(IllegalArgumentException.class, () -> wal.checkpoint(10_000));
      assertThrows(IllegalArgumentException.class, () -> wal.replay(0, (l, t, p) -> {}));
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
          () -> wal.replay(-5, (l, t, p) -> {}));
      assertTrue(negative.getMessage().startsWith("afterLsn must be 0 or more"), negative.getMessage());
      assertEquals(201, wal.appendAndWait((byte) 1, payload(201)));
    }
    try (Wal wal = Wal.open(dir, small())) {
      assertEquals(150, wal.checkpointLsn());
      assertEquals(150, wal.recovery().checkpointLsn());
      List<Object[]> r = new ArrayList<>();
      wal.replay((lsn, type, p) -> r.add(new Object[] {lsn}));
      assertEquals(51, r.size(), "151..201");
      assertEquals(151L, r.get(0)[0]);
      assertEquals(201L, r.get(50)[0]);
    }
  }

  /**
   * A replay during which a checkpoint deletes segments it has still to read says so, as one that starts before
   * the checkpoint does; it failed with a NoSuchFileException naming a segment file, as if the log had lost it.
   */
  @Test
  void aReplayWhoseSegmentsACheckpointDeletesMeanwhileSaysSo() throws Exception {
    try (Wal wal = Wal.open(dir, small())) {
      for (long i = 1; i <= 200; i++) {
        wal.appendAndWait((byte) 1, payload(i));
      }
      java.util.concurrent.CountDownLatch replaying = new java.util.concurrent.CountDownLatch(1);
      CompletableFuture<Void> checkpoint = CompletableFuture.runAsync(() -> {
        try {
          replaying.await();
          wal.checkpoint(190);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wal.replay(0, (lsn, type, p) -> {
        if (lsn == 1) {
          replaying.countDown();
          checkpoint.join(); // the segments after this one are deleted
        }
      }));
      assertTrue(e.getMessage().contains("deleted by a checkpoint during the replay"), e.getMessage());
      assertEquals(10, replayAll(wal, 190).size(), "a replay from the checkpoint reads on");
    }
  }

  @Test
  void checkpointWithANewSegmentErasesEveryCoveredRecordFromDisk() throws IOException {
    byte[] secret = "forget-me-please".getBytes(StandardCharsets.UTF_8);
    try (Wal wal = Wal.open(dir, small())) {
      for (long i = 1; i <= 120; i++) {
        wal.appendAndWait((byte) 1, i == 7 ? secret : payload(i));
      }
      wal.checkpoint(120, true);
      assertEquals(1, wal.segmentFiles().size());
      assertEquals(121L, wal.segmentFiles().keySet().iterator().next());
      wal.checkpoint(120, true); // nothing appended since: no new segment
      assertEquals(1, wal.segmentFiles().size());
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        byte[] bytes = Files.readAllBytes(f);
        for (int i = 0; i + secret.length <= bytes.length; i++) {
          assertTrue(!java.util.Arrays.equals(bytes, i, i + secret.length, secret, 0, secret.length),
              "erased record still in " + f);
        }
      }
    }
    try (Wal wal = Wal.open(dir, small())) {
      assertEquals(120, wal.lastLsn());
      assertEquals(120, wal.checkpointLsn());
      assertEquals(0, replayAll(wal, 120).size());
      assertEquals(121, wal.appendAndWait((byte) 1, payload(121)));
    }
  }

  /**
   * Odd threads wait for each acknowledgement (so batches gather the records of returning writers ahead
   * of the ring), even ones pipeline and keep the small ring full (so its slots are reused all the time).
   */
  @Test
  void manyThreadsGetGaplessLsnsAndTheLogHoldsWhatEachWrote() throws Exception {
    int threads = 8;
    int perThread = 400;
    List<List<CompletableFuture<Long>>> futures = new ArrayList<>();
    try (Wal wal = Wal.open(dir, small().ringSize(8))) {
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<CompletableFuture<Long>> mine = new ArrayList<>();
        futures.add(mine);
        int id = t;
        ts.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < perThread; i++) {
            CompletableFuture<Long> f = wal.append((byte) id, (id + ":" + i).getBytes(StandardCharsets.UTF_8));
            if (id % 2 == 1) {
              f.join();
            }
            mine.add(f);
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      java.util.Map<Long, String> expected = new java.util.HashMap<>();
      for (int t = 0; t < threads; t++) {
        long previous = 0;
        for (int i = 0; i < perThread; i++) {
          long lsn = futures.get(t).get(i).get();
          assertTrue(lsn > previous, "one thread's records keep their order");
          previous = lsn;
          expected.put(lsn, t + ":" + i);
        }
      }
      assertEquals(threads * perThread, expected.size());
      List<Object[]> r = replayAll(wal, 0);
      assertEquals(threads * perThread, r.size());
      for (int i = 0; i < r.size(); i++) {
        assertEquals(i + 1L, r.get(i)[0]);
        assertEquals(expected.get(i + 1L), new String((byte[]) r.get(i)[2], StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void listenerSeesEveryRecordInLsnOrderOnTheFlusherThreadBeforeItsFutureCompletes() throws Exception {
    List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicLong completedMax = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Wal> log = new java.util.concurrent.atomic.AtomicReference<>();
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    WalOptions opts = small().listener((lsn, type, p) -> {
      if (!Thread.currentThread().getName().startsWith("aeon-wal-flusher")) {
        problems.add("listener ran on " + Thread.currentThread().getName());
      }
      if (completedMax.get() >= lsn) {
        problems.add("a writer saw the future of " + completedMax.get() + " complete before the listener saw " + lsn);
      }
      if (log.get().durableLsn() < lsn) {
        problems.add("the listener saw " + lsn + " before it was forced (SYNC)");
      }
      seen.add(lsn);
    });
    try (Wal wal = Wal.open(dir, opts)) {
      log.set(wal);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        ts.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < 200; i++) {
            long lsn = wal.append((byte) 1, new byte[8]).join();
            completedMax.accumulateAndGet(lsn, Math::max);
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
    }
    assertEquals(List.of(), problems);
    assertEquals(800, seen.size());
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i + 1L, seen.get(i));
    }
  }

  @Test
  void offForcesOnlyOnSyncCheckpointAndCloseAsyncForcesByItself() throws Exception {
    try (Wal wal = Wal.open(dir, small().durability(Durability.OFF))) {
      long forcesAtOpen = wal.forces();
      for (int i = 0; i < 50; i++) {
        wal.appendAndWait((byte) 1, payload(i));
      }
      assertEquals(forcesAtOpen, wal.forces(), "OFF never forces by itself");
      assertTrue(wal.durableLsn() < 50);
      wal.sync();
      assertEquals(50, wal.durableLsn());
      wal.append((byte) 1, payload(51));
      wal.checkpoint(51);
      assertEquals(51, wal.durableLsn(), "a checkpoint forces what it covers first");
    }
    Path asyncDir = dir.resolve("async");
    try (Wal wal = Wal.open(asyncDir, small().durability(Durability.ASYNC).asyncForceIntervalMillis(5))) {
      wal.appendAndWait((byte) 1, payload(1));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (wal.durableLsn() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(1, wal.durableLsn(), "the idle flusher forces ASYNC records after the interval");
    }
  }

  /**
   * In mode ASYNC a log with nothing left to force costs no wake-ups: its forcing thread waits without a
   * timeout (it used to wake every interval, 100 times a second per open namespace), and the next write wakes
   * it, so that the write is still forced within the interval. Several rounds, since each write races the
   * thread's way into its wait.
   */
  @Test
  void asyncForcingThreadSleepsWhileEverythingIsForcedAndWakesForTheNextWrite() throws Exception {
    try (Wal wal = Wal.open(dir, small().durability(Durability.ASYNC).asyncForceIntervalMillis(5))) {
      for (int round = 1; round <= 20; round++) {
        wal.appendAndWait((byte) 1, payload(round));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (wal.durableLsn() < round && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        assertEquals(round, wal.durableLsn(), "a write after a quiet spell was not forced");
        Thread syncer = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("aeon-wal-syncer " + dir.getFileName())).findFirst().orElseThrow();
        Thread.State state = syncer.getState();
        for (; state != Thread.State.WAITING && System.nanoTime() < deadline; state = syncer.getState()) {
          Thread.sleep(1);
        }
        assertEquals(Thread.State.WAITING, state, "the forcing thread of a quiet log waits on a timer");
      }
    }
  }

  /**
   * A log that holds little takes little disk: its first segment (and the next, preallocated) is 1 MiB,
   * not the largest size; segments that fill fast are followed by ones twice as large, up to the largest.
   */
  @Test
  void segmentsStartSmallAndGrowWhileTheyFillFast() throws IOException {
    long largest = 8L << 20;
    byte[] record = new byte[60_000];
    List<Long> sizes = new ArrayList<>();
    try (Wal wal =
        Wal.open(dir, WalOptions.defaults().segmentSize(largest).maxPayload(1 << 20).durability(Durability.OFF))) {
      wal.appendAndWait((byte) 1, record);
      assertEquals(SegmentDirectory.SMALLEST, java.nio.file.Files.size(wal.segmentFiles().values().iterator().next()));
      for (int i = 0; i < 500; i++) { // 30 MB in well under a second a segment, unless the machine stalls
        wal.append((byte) 1, record);
      }
      wal.sync();
      for (Path p : wal.segmentFiles().values()) {
        sizes.add(java.nio.file.Files.size(p));
      }
    }
    for (int i = 1; i < sizes.size(); i++) {
      long before = sizes.get(i - 1);
      long size = sizes.get(i);
      assertTrue(size >= before && size <= Math.min(largest, 2 * Math.max(before, SegmentDirectory.SMALLEST)),
          "sizes " + sizes);
    }
    assertEquals(largest, (long) sizes.getLast(), "sizes " + sizes);
  }

  /**
   * Segments grow only when records fill them fast: a checkpoint that starts a new segment (to erase what
   * was forgotten) leaves a segment of a few records, and a burst of them grew a log that holds almost
   * nothing to segments of the largest size.
   */
  @Test
  void segmentsStartedByCheckpointsDoNotGrow() throws IOException {
    try (Wal wal = Wal.open(dir, WalOptions.defaults().segmentSize(64L << 20))) {
      for (long i = 1; i <= 8; i++) {
        long lsn = wal.appendAndWait((byte) 1, payload(i));
        wal.checkpoint(lsn, true);
      }
      wal.appendAndWait((byte) 1, payload(9));
      for (Path p : wal.segmentFiles().values()) {
        assertEquals(SegmentDirectory.SMALLEST, java.nio.file.Files.size(p), p.toString());
      }
    }
    try (var files = java.nio.file.Files.list(dir)) {
      long total = files.mapToLong(p -> p.toFile().length()).sum();
      assertTrue(total <= 2 * SegmentDirectory.SMALLEST + 4096, "the log takes " + total + " bytes");
    }
  }

  /** A reopened log does not know how fast it was written: its next segment is of the smallest size again. */
  @Test
  void aReopenedLogStartsItsNextSegmentSmall() throws IOException {
    WalOptions options = WalOptions.defaults().segmentSize(8L << 20).maxPayload(1 << 20).durability(Durability.OFF);
    byte[] record = new byte[60_000];
    try (Wal wal = Wal.open(dir, options)) {
      for (int i = 0; i < 200; i++) { // 12 MB: segments of 0.25, 0.5, 1, 2, 4 and more MiB
        wal.append((byte) 1, record);
      }
    }
    long sizeBefore;
    try (Wal wal = Wal.open(dir, options)) {
      sizeBefore = wal.segmentFiles().size();
      long grown = java.nio.file.Files.size(wal.segmentFiles().values().stream().reduce((a, b) -> b).orElseThrow());
      assertTrue(grown > SegmentDirectory.SMALLEST, "the last segment grew: " + grown);
      for (int i = 0; wal.segmentFiles().size() == sizeBefore; i++) { // until the log moves on to a new segment
        assertTrue(i < 200, "no new segment was started");
        wal.appendAndWait((byte) 1, record);
      }
      Path newest = wal.segmentFiles().values().stream().reduce((a, b) -> b).orElseThrow();
      assertEquals(SegmentDirectory.SMALLEST, java.nio.file.Files.size(newest));
    }
  }

  /** A record larger than the next (small) segment gets a segment it fits in, and reads back whole. */
  @Test
  void aRecordLargerThanTheNextSegmentGetsOneOfItsSize() throws IOException {
    byte[] big = new byte[3 << 20];
    new java.util.Random(7).nextBytes(big);
    try (Wal wal = Wal.open(dir, WalOptions.defaults().segmentSize(8L << 20).maxPayload(4 << 20))) {
      wal.appendAndWait((byte) 1, payload(1));
      wal.appendAndWait((byte) 2, big);
      wal.appendAndWait((byte) 1, payload(3));
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults().segmentSize(8L << 20).maxPayload(4 << 20))) {
      List<Object[]> all = replayAll(wal, 0);
      assertEquals(3, all.size());
      assertArrayEquals(big, (byte[]) all.get(1)[2]);
      assertArrayEquals(payload(3), (byte[]) all.get(2)[2]);
      assertEquals(List.of(SegmentDirectory.SMALLEST, 4L << 20), wal.segmentFiles().values().stream().map(p -> {
        try {
          return java.nio.file.Files.size(p);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList());
    }
  }

  /**
   * An open that fails once the first segment exists stops the preallocation it started: its thread went on
   * zero-filling the next segment's file in the folder the failed open gave back.
   */
  @Test
  void aFailedOpenStopsItsPreallocation() throws Exception {
    ChannelOpener failsToAppend = (path, options) -> {
      if (path.getFileName().toString().endsWith(WalFormat.SEGMENT_SUFFIX)
          && java.util.Arrays.asList(options).contains(java.nio.file.StandardOpenOption.READ)) {
        throw new IOException("injected: cannot open the segment for appending");
      }
      return java.nio.channels.FileChannel.open(path, options);
    };
    java.util.Set<Thread> before = preallocators();
    assertThrows(IOException.class, () -> Wal.open(dir, small().segmentSize(64 << 20).channelOpener(failsToAppend)));
    assertFalse(java.nio.file.Files.exists(dir.resolve(SegmentDirectory.PREALLOC_NAME)), "a preallocated file is left");
    java.util.Set<Thread> started = preallocators();
    started.removeAll(before);
    for (Thread t : started) {
      t.join(10_000); // a stopped executor's thread may still be on its way out
    }
    assertTrue(started.stream().noneMatch(Thread::isAlive), "the preallocation thread still runs");
  }

  private static java.util.Set<Thread> preallocators() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("aeon-wal-preallocator"))
        .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
  }

  /** Each segment is zero-filled once: it was filled again when the one before it was half full. */
  @Test
  void eachSegmentIsPreallocatedOnce() throws IOException {
    java.util.concurrent.atomic.AtomicInteger fills = new java.util.concurrent.atomic.AtomicInteger();
    ChannelOpener counting = (path, options) -> {
      if (path.getFileName().toString().equals(SegmentDirectory.PREALLOC_NAME)
          && java.util.Arrays.asList(options).contains(java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        fills.incrementAndGet();
      }
      return java.nio.channels.FileChannel.open(path, options);
    };
    int segments;
    try (Wal wal = Wal.open(dir, small().channelOpener(counting))) {
      for (long i = 1; i <= 400; i++) {
        wal.appendAndWait((byte) 1, payload(i));
      }
      segments = wal.segmentFiles().size();
    }
    assertTrue(segments > 3, "segments: " + segments);
    // every segment, plus the next one prepared before close
    assertTrue(fills.get() <= segments + 1, fills.get() + " preallocations for " + segments + " segments");
  }

  /**
   * A checkpoint that cannot start its new segment (erasure of forgotten data asks for one) fails the log, as
   * a failed rotation of the flusher's does: the checkpoint throws and is not written, later records are
   * refused, and a reopen finds every record acknowledged before it. Both opens of the new segment fail in
   * turn: the one writing its header (before its rename) and the one reopening it for appends (after).
   */
  @Test
  void aCheckpointThatCannotStartItsNewSegmentFailsTheLogAndLosesNothing() throws IOException {
    for (boolean afterRename : new boolean[] {false, true}) {
      Path log = dir.resolve(afterRename ? "after-rename" : "before-rename");
      java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
      ChannelOpener failsWhenArmed = (path, options) -> {
        boolean header = path.getFileName().toString().equals(SegmentDirectory.PREALLOC_NAME)
            && java.util.Arrays.equals(options,
                new java.nio.file.OpenOption[] {java.nio.file.StandardOpenOption.WRITE});
        boolean append = path.getFileName().toString().endsWith(WalFormat.SEGMENT_SUFFIX)
            && java.util.Arrays.asList(options).contains(java.nio.file.StandardOpenOption.READ);
        if (armed.get() && (afterRename ? append : header)) {
          throw new IOException("injected: cannot open the new segment");
        }
        return java.nio.channels.FileChannel.open(path, options);
      };
      Wal failing = Wal.open(log, small().channelOpener(failsWhenArmed));
      for (long i = 1; i <= 30; i++) {
        failing.appendAndWait((byte) 1, payload(i));
      }
      armed.set(true);
      IOException e = assertThrows(IOException.class, () -> failing.checkpoint(30, true));
      assertTrue(e.getMessage().contains("injected"), e.getMessage());
      assertNotNull(failing.failure(), "the log goes on as if the segment had started");
      assertThrows(Exception.class, () -> failing.appendAndWait((byte) 1, payload(31)));
      IOException onClose = assertThrows(IOException.class, failing::close);
      assertTrue(onClose.getMessage().contains("reopen it to recover"), onClose.getMessage());
      try (Wal wal = Wal.open(log, small())) {
        List<Object[]> records = replayAll(wal, 0);
        assertEquals(30, records.size(), "a record acknowledged before the failed checkpoint is lost");
        for (int i = 0; i < 30; i++) {
          assertArrayEquals(payload(i + 1), (byte[]) records.get(i)[2]);
        }
      }
    }
  }

  /**
   * A caller whose thread is interrupted can sync and checkpoint without failing the log for everyone: its
   * force closed the segment's channel (ClosedByInterruptException), and every later record was refused.
   */
  @Test
  void anInterruptedCallerDoesNotFailTheLog() throws IOException {
    try (Wal wal = Wal.open(dir, small().durability(Durability.OFF))) {
      for (long i = 1; i <= 100; i++) {
        wal.append((byte) 1, payload(i));
        if (i % 20 == 0) {
          Thread.currentThread().interrupt();
          if (i % 40 == 0) {
            wal.sync();
          } else {
            wal.checkpoint(i, true);
          }
          assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        }
      }
      assertEquals(null, wal.failure());
      assertEquals(101, wal.appendAndWait((byte) 1, payload(101)));
    }
    try (Wal wal = Wal.open(dir, small())) {
      assertEquals(101, wal.lastLsn());
      assertEquals(100, wal.checkpointLsn());
    }
  }

  /**
   * A close on an interrupted thread still forces what was appended and stops the log's threads before it
   * releases the directory; the interrupt stays set. It threw InterruptedIOException at once: in mode ASYNC
   * the flusher and the syncer ran on, and records acknowledged as written were never forced.
   */
  @Test
  void aCloseOnAnInterruptedThreadStillForcesAndStopsTheLog() throws IOException {
    for (Durability mode : Durability.values()) {
      Path d = dir.resolve(mode.name());
      // The syncer would force only after a minute: whatever is durable after close, close forced.
      Wal wal = Wal.open(d, small().durability(mode).asyncForceIntervalMillis(60_000));
      for (long i = 1; i <= 50; i++) {
        wal.appendAndWait((byte) 1, payload(i));
      }
      Thread.currentThread().interrupt();
      try {
        wal.close();
      } finally {
        assertTrue(Thread.interrupted(), mode + ": the interrupt is kept for the caller");
      }
      assertEquals(50, wal.durableLsn(), mode + ": close forced everything");
      try (Wal again = Wal.open(d, small())) {
        assertEquals(50, again.lastLsn(), mode.name());
      }
    }
  }

  @Test
  void secondWriterIsRefused() throws IOException {
    try (Wal wal = Wal.open(dir, small())) {
      var e = assertThrows(IOException.class, () -> Wal.open(dir, small()));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
      try (Wal ro = Wal.open(dir, small().readOnly(true))) {
        assertEquals(0, ro.lastLsn());
        assertEquals(null, ro.failure(), "a read-only log has no writer to fail (this threw NullPointerException)");
      }
    }
  }

  @Test
  void closedWalRefusesAppendsSyncsReplaysAndCheckpoints() throws IOException {
    Wal wal = Wal.open(dir, small());
    wal.appendAndWait((byte) 1, new byte[3]);
    wal.close();
    wal.close();
    assertThrows(IllegalStateException.class, () -> wal.append((byte) 1, new byte[3]));
    assertThrows(IllegalStateException.class, () -> wal.appendAndWait((byte) 1, new byte[3]));
    assertThrows(IllegalStateException.class, wal::sync, "a sync after close cannot promise anything");
    assertThrows(IllegalStateException.class, () -> wal.replay(0, (lsn, type, payload) -> { }),
        "the directory is released: another owner may be writing there");
    assertThrows(IllegalStateException.class, () -> wal.checkpoint(1));
    try (Wal again = Wal.open(dir, small())) {
      assertEquals(0, again.checkpointLsn(), "the refused checkpoint wrote nothing");
    }
  }

  @Test
  void readOnlyOpenOfAMissingDirectoryFails() {
    assertThrows(java.nio.file.NoSuchFileException.class,
        () -> Wal.open(dir.resolve("nope"), small().readOnly(true)));
    assertTrue(Files.notExists(dir.resolve("nope")));
  }
}
