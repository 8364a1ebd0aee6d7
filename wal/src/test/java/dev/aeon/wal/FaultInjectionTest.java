package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails or tears the write at byte N of everything the WAL writes (segment preallocation, headers,
 * records), for every N over a small log; then reopens and checks that the log is a prefix of what was
 * appended, holds every acknowledged record, and reported exactly the torn bytes it cut.
 */
class FaultInjectionTest {

  private static final int RECORDS = 16;

  @TempDir
  Path root;

  /** Small segments so that the log rotates; forces skipped by an opener that never fails, for speed. */
  private static WalOptions options() {
    return WalOptions.defaults().segmentSize(320).maxPayload(200)
        .channelOpener(new FaultyChannels(Long.MAX_VALUE, FaultyChannels.Mode.FAIL));
  }

  private static byte[] payload(int i) {
    byte[] p = new byte[(i * 7) % 41];
    for (int j = 0; j < p.length; j++) {
      p[j] = (byte) (i * 31 + j + 1);
    }
    return p;
  }

  /** Appends the records: the first half one by one, the rest as one burst (one group commit). */
  private static int appendAll(Wal wal) {
    int acked = 0;
    try {
      for (int i = 1; i <= RECORDS / 2; i++) {
        wal.appendAndWait((byte) i, payload(i));
        acked = i;
      }
      List<CompletableFuture<Long>> burst = new ArrayList<>();
      for (int i = RECORDS / 2 + 1; i <= RECORDS; i++) {
        burst.add(wal.append((byte) i, payload(i)));
      }
      for (CompletableFuture<Long> f : burst) {
        f.join();
        acked++;
      }
    } catch (IOException | RuntimeException e) {
      // the injected failure: acked says what had been acknowledged before it
    }
    return acked;
  }

  /**
   * The fault positions to try, from a clean run: every byte of every write that carries data (headers,
   * records), and the first, second and last byte of each zero-fill (the bytes between behave alike).
   */
  private long[] positions() throws IOException {
    FaultyChannels counting = new FaultyChannels(Long.MAX_VALUE / 2, FaultyChannels.Mode.FAIL);
    try (Wal wal = Wal.open(root.resolve("count"), options().channelOpener(counting))) {
      assertEquals(RECORDS, appendAll(wal));
    }
    java.util.TreeSet<Long> n = new java.util.TreeSet<>();
    for (long[] w : counting.writes) {
      if (w[2] == 1) {
        n.addAll(List.of(w[0], w[0] + 1, w[0] + w[1] - 1));
      } else {
        for (long i = 0; i < w[1]; i++) {
          n.add(w[0] + i);
        }
      }
    }
    n.add(counting.written()); // no fault at all
    return n.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void failingTheWriteAtEveryByteLeavesAnIntactPrefix() throws IOException {
    runAll(FaultyChannels.Mode.FAIL);
  }

  @Test
  void tearingTheWriteAtEveryByteIsCutOffAndReported() throws IOException {
    runAll(FaultyChannels.Mode.TEAR);
  }

  private void runAll(FaultyChannels.Mode mode) throws IOException {
    long[] positions = positions();
    int damaged = 0;
    for (long n : positions) {
      Path dir = root.resolve(mode + "-" + n);
      if (runOne(dir, n, mode)) {
        damaged++;
      }
      deleteTree(dir);
    }
    System.out.println(mode + ": " + positions.length + " fault positions, " + damaged
        + " torn tails cut and reported");
    if (mode == FaultyChannels.Mode.TEAR) {
      assertTrue(damaged > RECORDS, "tearing inside frames must produce torn tails: " + damaged);
    } else {
      assertEquals(0, damaged, "a write that fails whole leaves no torn bytes");
    }
  }

  /** Returns whether recovery cut a torn tail. */
  private boolean runOne(Path dir, long n, FaultyChannels.Mode mode) throws IOException {
    FaultyChannels faults = new FaultyChannels(n, mode);
    int acked = 0;
    try (Wal wal = Wal.open(dir, options().channelOpener(faults))) {
      acked = appendAll(wal);
    } catch (IOException e) {
      assertTrue(faults.tripped(), () -> "only the injected failure may fail: " + e);
    }
    String at = " (fault at byte " + n + ", " + mode + ")";
    RecoveryReport report;
    long last;
    try (Wal wal = Wal.open(dir, options())) {
      report = wal.recovery();
      last = wal.lastLsn();
      assertTrue(last >= acked, "acknowledged records survive" + at);
      assertTrue(last <= RECORDS, at);
      List<byte[]> got = new ArrayList<>();
      wal.replay(0, (lsn, type, p) -> {
        assertEquals(got.size() + 1, lsn, at);
        assertEquals((byte) lsn, type, at);
        byte[] b = new byte[p.remaining()];
        p.get(b);
        got.add(b);
      });
      assertEquals(last, got.size(), at);
      for (int i = 0; i < got.size(); i++) {
        assertArrayEquals(payload(i + 1), got.get(i), "record " + (i + 1) + at);
      }
    }
    report.damage().ifPresent(d -> {
      assertEquals(RecoveryReport.Kind.TORN_TAIL, d.kind(), at);
      assertEquals(faults.tornFile, d.file(), at);
      assertTrue(d.offset() >= faults.tornPosition && d.offset() < faults.tornPosition + faults.tornBytes.length,
          "the cut starts inside the torn write" + at);
      assertEquals(expectedCut(faults, d.offset()), d.bytesCut(), "reports the bytes it cut" + at);
    });
    if (report.damage().isEmpty() && faults.tornFile != null && faults.tornFile.toString().endsWith(".wal")) {
      assertCleanAfter(faults, last, at);
    }
    try (Wal wal = Wal.open(dir, options())) {
      assertTrue(wal.recovery().damage().isEmpty(), "the repair is complete" + at);
      assertEquals(last, wal.lastLsn(), at);
      assertEquals(last + 1, wal.appendAndWait((byte) (last + 1), payload((int) last + 1)), at);
    }
    return report.damage().isPresent();
  }

  /** Non-zero bytes of the torn write from the cut on: what recovery had to erase. */
  private static long expectedCut(FaultyChannels faults, long cutOffset) {
    int from = (int) (cutOffset - faults.tornPosition);
    int lastNonZero = -1;
    for (int i = from; i < faults.tornBytes.length; i++) {
      if (faults.tornBytes[i] != 0) {
        lastNonZero = i;
      }
    }
    return lastNonZero < 0 ? 0 : lastNonZero + 1 - from;
  }

  /** Without a reported cut, the torn prefix must have ended exactly at a frame boundary. */
  private static void assertCleanAfter(FaultyChannels faults, long lastLsn, String at) {
    if (faults.tornBytes.length == 0) {
      return;
    }
    // Every torn byte that is not zero belongs to a frame that was recovered whole.
    long walk = faults.tornPosition;
    int i = 0;
    while (i + WalFormat.FRAME_HEADER_SIZE <= faults.tornBytes.length) {
      int len = java.nio.ByteBuffer.wrap(faults.tornBytes, i, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
      long size = WalFormat.frameSize(len);
      if (i + size > faults.tornBytes.length) {
        break;
      }
      i += (int) size;
      walk += size;
    }
    for (int j = i; j < faults.tornBytes.length; j++) {
      if (faults.tornBytes[j] != 0) {
        fail("torn bytes after offset " + walk + " were neither recovered nor reported" + at);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
