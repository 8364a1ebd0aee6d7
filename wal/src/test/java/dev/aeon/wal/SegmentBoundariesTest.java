package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments rotate at exact boundaries: a record that ends exactly at a segment's end stays in it, one a byte longer
 * goes to the next segment, a record of the largest payload fills an empty segment exactly, and a segment's last
 * record may leave fewer bytes than a frame header, or exactly a header's worth of zeros. Checkpoints (some
 * starting a new segment) and reopens fall between them, and a checkpointer and a replayer run beside a writer.
 */
class SegmentBoundariesTest {

  private static final long SEGMENT = 4096;
  /** The largest payload a segment holds: header, frame header and payload fill it exactly. */
  private static final int MAX_PAYLOAD = (int) (SEGMENT - WalFormat.HEADER_SIZE - WalFormat.FRAME_HEADER_SIZE);
  private static final long BOUND_SECONDS = 60;

  @TempDir
  Path dir;

  private static WalOptions options(Durability mode) {
    return WalOptions.defaults().durability(mode).segmentSize(SEGMENT).maxPayload(MAX_PAYLOAD);
  }

  /** The payload of record {@code lsn}: its bytes say which record it is. */
  private static byte[] payload(long lsn, int length) {
    byte[] b = new byte[length];
    new SplittableRandom(lsn).nextBytes(b);
    return b;
  }

  @Test
  void recordsThatEndAtOrJustPastASegmentsEndRotateExactlyThereAndSurviveReopens() throws Exception {
    long seed = Long.getLong("aeon.test.seed", 4096L);
    for (Durability mode : Durability.values()) {
      boundaries(dir.resolve(mode.name()), mode, new Random(seed), mode + " (seed " + seed + ")");
    }
  }

  private static void boundaries(Path dir, Durability mode, Random random, String what) throws Exception {
    List<byte[]> written = new ArrayList<>(); // by LSN - 1
    List<Long> firsts = new ArrayList<>(List.of(1L)); // first LSNs of the segments, as the test expects them
    long position = WalFormat.HEADER_SIZE; // where the next record goes in the last segment
    Wal wal = Wal.open(dir, options(mode));
    int[] cases = new int[8];
    for (int step = 0; step < 400; step++) {
      long room = SEGMENT - position;
      int c = random.nextInt(8);
      int length;
      switch (c) {
        case 0 -> length = random.nextInt(300); // an ordinary record
        case 1 -> length = (int) room - WalFormat.FRAME_HEADER_SIZE; // ends exactly at the segment's end
        case 2 -> length = (int) room - WalFormat.FRAME_HEADER_SIZE + 1; // one byte past it
        case 3 -> // leaves 1 to 24 bytes, too few for a frame header
            length = (int) room - WalFormat.FRAME_HEADER_SIZE - 1 - random.nextInt(WalFormat.FRAME_HEADER_SIZE - 1);
        case 4 -> length = (int) room - 2 * WalFormat.FRAME_HEADER_SIZE; // leaves exactly a frame header of zeros
        case 5 -> length = MAX_PAYLOAD;
        default -> length = -1;
      }
      long last = written.size();
      if (c == 6) { // a checkpoint at the last record, half of them starting a new segment
        boolean newSegment = random.nextBoolean();
        wal.checkpoint(last, newSegment);
        if (newSegment && position > WalFormat.HEADER_SIZE) {
          firsts.add(last + 1);
          position = WalFormat.HEADER_SIZE;
        }
        while (firsts.size() > 1 && firsts.get(1) <= last + 1) {
          firsts.removeFirst(); // every record of it is checkpointed
        }
        cases[c]++;
      } else if (c == 7) {
        wal.close();
        wal = Wal.open(dir, options(mode));
        assertTrue(wal.recovery().damage().isEmpty(), what + ": " + wal.recovery());
        assertEquals(last, wal.lastLsn(), what);
        cases[c]++;
      } else if (length >= 0 && length <= MAX_PAYLOAD) {
        long lsn = last + 1;
        byte[] p = payload(lsn, length);
        assertEquals(lsn, wal.appendAndWait((byte) c, p), what);
        written.add(p);
        long frame = WalFormat.frameSize(length);
        if (position + frame > SEGMENT) {
          firsts.add(lsn);
          position = WalFormat.HEADER_SIZE;
        }
        position += frame;
        cases[c]++;
      }
      assertEquals(firsts, List.copyOf(wal.segmentFiles().keySet()), what + ", step " + step + ", case " + c);
    }
    long checkpoint = wal.checkpointLsn();
    wal.close();
    for (int c = 0; c < cases.length; c++) {
      assertTrue(cases[c] >= 5, what + ": case " + c + " came " + cases[c] + " times: " + Arrays.toString(cases));
    }
    try (Wal again = Wal.open(dir, options(mode))) {
      assertTrue(again.recovery().damage().isEmpty(), what + ": " + again.recovery());
      assertEquals(written.size(), again.lastLsn(), what);
      List<Object[]> records = WalTest.replayAll(again, checkpoint);
      assertEquals(written.size() - checkpoint, records.size(), what);
      for (Object[] r : records) {
        long lsn = (long) r[0];
        assertArrayEquals(written.get((int) lsn - 1), (byte[]) r[2], what + ": record " + lsn);
      }
    }
  }

  /**
   * A writer appends records of seeded lengths (the largest among them) while a checkpointer checkpoints at what
   * was acknowledged (sometimes starting a new segment) and a replayer reads from the last checkpoint again and
   * again: each replay reads every record after it, in order and intact, or says that a checkpoint that came
   * meanwhile deleted what it had still to read.
   */
  @Test
  void checkpointsDeleteSegmentsWhileTheWriterRotatesAndAReaderReplays() throws Exception {
    long seed = Long.getLong("aeon.test.seed", 4097L);
    SplittableRandom lengths = new SplittableRandom(seed);
    int records = 1500;
    int[] length = new int[records + 1];
    for (int i = 1; i <= records; i++) {
      int c = lengths.nextInt(10);
      length[i] = c == 0 ? MAX_PAYLOAD : c == 1 ? lengths.nextInt(MAX_PAYLOAD) : lengths.nextInt(200);
    }
    String what = "seed " + seed;
    ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    int[] replays = new int[2];
    try (Wal wal = Wal.open(dir, options(Durability.ASYNC))) {
      Thread writer = Thread.ofPlatform().name("writer").start(() -> {
        try {
          for (int i = 1; i <= records; i++) {
            var f = wal.append((byte) 1, payload(i, length[i]));
            if (i % 7 == 0) {
              f.get(BOUND_SECONDS, TimeUnit.SECONDS);
            }
          }
        } catch (Throwable t) {
          problems.add(t);
        } finally {
          writing.set(false);
        }
      });
      Thread checkpointer = Thread.ofPlatform().name("checkpointer").start(() -> {
        SplittableRandom random = new SplittableRandom(seed + 1);
        try {
          while (writing.get()) {
            long lsn = wal.durableLsn();
            if (lsn > wal.checkpointLsn()) {
              wal.checkpoint(lsn, random.nextInt(4) == 0);
            }
            Thread.yield();
          }
        } catch (Throwable t) {
          problems.add(t);
        }
      });
      Thread replayer = Thread.ofPlatform().name("replayer").start(() -> {
        try {
          while (writing.get()) {
            long from = wal.checkpointLsn();
            long[] next = {from + 1};
            try {
              wal.replay(from, (lsn, type, p) -> {
                if (lsn != next[0]) {
                  throw new AssertionError("replay from " + from + " gave LSN " + lsn + " after " + (next[0] - 1));
                }
                byte[] b = new byte[p.remaining()];
                p.get(b);
                if (!Arrays.equals(payload(lsn, length[(int) lsn]), b)) {
                  throw new AssertionError("record " + lsn + " read back differs");
                }
                next[0]++;
              });
              replays[0]++;
            } catch (IllegalArgumentException e) {
              if (!e.getMessage().contains("deleted by a checkpoint") || wal.checkpointLsn() <= from) {
                throw e;
              }
              replays[1]++; // a later checkpoint deleted what it had still to read
            }
          }
        } catch (Throwable t) {
          problems.add(t);
        }
      });
      for (Thread t : List.of(writer, checkpointer, replayer)) {
        t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
        assertFalse(t.isAlive(), what + ": " + t.getName() + " hangs");
      }
      if (!problems.isEmpty()) {
        AssertionError e = new AssertionError(what + ": " + problems, problems.peek());
        problems.stream().skip(1).forEach(e::addSuppressed);
        throw e;
      }
      assertTrue(replays[0] > 0, what + ": no replay went through");
      assertEquals(null, wal.failure());
    }
    try (Wal again = Wal.open(dir, options(Durability.ASYNC))) {
      assertTrue(again.recovery().damage().isEmpty(), what + ": " + again.recovery());
      assertEquals(records, again.lastLsn(), what);
      long next = again.checkpointLsn() + 1;
      for (Object[] r : WalTest.replayAll(again, again.checkpointLsn())) {
        assertEquals(next, r[0], what);
        assertArrayEquals(payload(next, length[(int) next]), (byte[]) r[2], what + ": record " + next);
        next++;
      }
      assertEquals(records + 1, next, what);
    }
  }
}
