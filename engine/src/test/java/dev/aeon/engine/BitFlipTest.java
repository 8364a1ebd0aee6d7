package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aeon.common.io.FileFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bit flipped anywhere in what a namespace's files hold, and the namespace reopened: opening it, or
 * reading what it holds, must report the damage ({@link FileFormatException}, or {@link Aeon#check}
 * naming an inconsistency), or everything read back must be what the undamaged copy gives (the bit was in
 * a byte nothing live depends on: a freed text, an empty slot of a page, a forgotten event). A read that
 * differs without a report is a silent corruption, and fails the test.
 *
 * <p>Two images of the same namespace: closed (every store checkpointed at the log's end), and as a crash
 * leaves it (copied while open after SYNC writes, with events, links and forgets after the last checkpoint,
 * which only the log holds in full). In each file the flips fall in the first 64 bytes (the header) and
 * uniformly up to its last non-zero byte (the preallocated zeros after it are covered by the stores' own
 * tests of torn tails). The short run flips {@value #FLIPS_PER_FILE} bits per file; {@code ./aeon fuzz}
 * runs more ({@code dev.aeon.fuzz.engine.EngineLongTest}).
 *
 * <p>One exception: in the crashed image, a flip in the log's last record may also read as the image without
 * that record. Damage to the last record looks like a write the crash tore (a record followed by nothing),
 * and the log cuts it off as it must cut a torn one; it cannot tell the two apart (nor can PostgreSQL's or
 * RocksDB's logs in their default recovery). A flip in any earlier record is followed by records, and is
 * reported.
 */
public class BitFlipTest {

  static final int FLIPS_PER_FILE = 16;
  private static final int HEADER_FLIPS = 3;
  private static final int EVENTS = 300;
  private static final int EVENTS_AFTER_CHECKPOINT = 30;
  private static final int SESSIONS = 5;
  /**
   * Every file the namespaces below have besides the log's segments, which {@link #files} adds as it finds them
   * (the log starts small and rolls): a sweep that missed one would prove nothing about it.
   */
  private static final List<String> FILES = List.of("wal/CHECKPOINT", "trace/events.trace", "trace/meta.trace",
      "trace/edges.trace", "trace/checkpoint.trace",
      "atlas/atlas.manifest", "atlas/atlas.pages", "atlas/atlas.vectors", "atlas/atlas.sketches",
      "blobs/blobs-1.arena");

  @TempDir
  Path dir;

  @Test
  void aFlippedBitIsReportedOrChangesNothingRead() throws IOException {
    run(dir, Long.getLong("aeon.test.seed", System.nanoTime()), FLIPS_PER_FILE);
  }

  /** Flips {@code flipsPerFile} bits, one at a time, in each file of both images. */
  public static void run(Path dir, long seed, int flipsPerFile) throws IOException {
    System.out.println("BitFlipTest seed " + seed + ", " + flipsPerFile + " flips per file");
    Random random = new Random(seed);
    for (boolean crashed : new boolean[] {false, true}) {
      String name = crashed ? "crashed" : "closed";
      Path image = dir.resolve(name);
      Path beforeLast = dir.resolve(name + "-before-last");
      Written written = write(dir.resolve("written-" + name), image, beforeLast, crashed, random.nextLong());
      List<String> expected = readAll(copy(image, dir.resolve("pristine")), written);
      List<String> files = files(image);
      String lastSegment = files.getFirst(); // where a crash leaves the log's last record
      // If the last write began a segment, the whole segment is its record.
      Path lastSegmentBefore = beforeLast.resolve("ns/default").resolve(lastSegment);
      TornTail tornTail = crashed ? new TornTail(Files.exists(lastSegmentBefore) ? usedBytes(lastSegmentBefore) : 0,
          readAll(beforeLast, written)) : null;
      Map<String, Integer> reported = new TreeMap<>();
      for (String file : files) {
        Path path = image.resolve("ns/default").resolve(file);
        long used = usedBytes(path);
        assertTrue(used > 0, file + " holds nothing");
        for (int i = 0; i < flipsPerFile; i++) {
          long offset = i < HEADER_FLIPS ? random.nextInt((int) Math.min(64, used))
              : (long) (random.nextDouble() * used);
          int bit = random.nextInt(8);
          String where = name + " image, " + file + " byte " + offset + " bit " + bit
              + " (seed " + seed + ")";
          List<String> orTorn = tornTail != null && file.equals(lastSegment) && offset >= tornTail.lastRecordFrom()
              ? tornTail.read() : null;
          if (reportedAfterFlip(copy(image, dir.resolve("trial")), file, offset, bit, written, expected, orTorn,
              where)) {
            reported.merge(file, 1, Integer::sum);
          }
        }
      }
      System.out.println("BitFlipTest " + name + " image: reported per file "
          + reported + " of " + flipsPerFile);
      // A file in which no flip was reported (its header's among them) was not reached by the sweep.
      files.forEach(f -> assertTrue(reported.containsKey(f), f + ": no flip reported"));
    }
  }

  /** The log's segments of an image, the last one first, then {@link #FILES}. */
  private static List<String> files(Path image) throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> wal = Files.list(image.resolve("ns/default/wal"))) {
      wal.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wal"))
          .sorted(Comparator.reverseOrder()).forEach(n -> files.add("wal/" + n));
    }
    assertTrue(!files.isEmpty(), "the log has no segment");
    files.addAll(FILES);
    return files;
  }

  /** What was written: each event's id and vector, in order. */
  private record Written(long[] ids, float[][] vectors) {}

  /** Where the crashed log's last record starts, and what the image reads without it. */
  private record TornTail(long lastRecordFrom, List<String> read) {}

  /**
   * {@value #EVENTS} events with texts, vectors and attributes in {@value #SESSIONS} sessions, links, and
   * forgets, then a checkpoint, then {@value #EVENTS_AFTER_CHECKPOINT} events, links and forgets more; the
   * image is {@code live} after a close, or copied while it was open (crashed; {@code beforeLast} is then
   * copied too, before the last write).
   */
  private static Written write(Path live, Path image, Path beforeLast, boolean crashed, long seed) throws IOException {
    Random random = new Random(seed);
    int total = EVENTS + EVENTS_AFTER_CHECKPOINT;
    long[] ids = new long[total];
    float[][] vectors = new float[total][];
    // No background checkpoint: the crashed image must keep what follows the explicit one in the log only.
    AeonOptions options = EngineTest.options().withCheckpoints(1L << 40, Duration.ofDays(1));
    try (Aeon aeon = Aeon.open(live, options)) {
      Memory m = aeon.memory();
      for (int i = 0; i < total; i++) {
        if (i == EVENTS) {
          for (int j = 0; j < EVENTS; j += 17) {
            m.forget(ids[j]);
          }
          m.checkpoint();
        }
        vectors[i] = TestVectors.unit(seed + i);
        ids[i] = m.remember(Remember.event("s" + i % SESSIONS, i % 2 == 0 ? "user" : "assistant",
            "event " + i + " " + "x".repeat(random.nextInt(300))).vector(vectors[i]).attribute("n", (long) i));
        if (i % 7 == 6) {
          m.link(ids[i], "REFERS_TO", ids[i - 1], Long.MIN_VALUE, Long.MAX_VALUE);
        }
      }
      m.forget(ids[EVENTS + 1]);
      if (crashed) {
        copy(live, beforeLast);
      }
      m.forget(ids[20]);
      if (crashed) {
        copy(live, image);
      }
    }
    if (!crashed) {
      copy(live, image);
    }
    return new Written(ids, vectors);
  }

  /**
   * Flips the bit in {@code trial}'s copy of {@code file}, then opens it and reads it all: true if the damage
   * was reported, false if everything read is as expected (or as {@code orTorn}, if not null); fails the test
   * otherwise.
   */
  private static boolean reportedAfterFlip(Path trial, String file, long offset, int bit, Written written,
      List<String> expected, List<String> orTorn, String where) throws IOException {
    flip(trial.resolve("ns/default").resolve(file), offset, bit);
    List<String> read;
    try {
      read = readAll(trial, written);
    } catch (FileFormatException e) {
      return true;
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": reported as " + e + ", not as a damaged file", e);
    }
    if (read.getLast().startsWith("check: [") && !read.getLast().equals("check: []")) {
      return true;
    }
    if (read.equals(orTorn)) {
      return false; // cut off as a torn last record (see the class comment)
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(read.get(i))) {
        fail(where + ": read silently differs\n expected " + expected.get(i) + "\n read     " + read.get(i));
      }
    }
    assertEquals(expected.size(), read.size(), where);
    return false;
  }

  /**
   * Everything a user can read of the namespace in {@code memoryDir}: each event, each session's history,
   * each vector's nearest five, the links, and last the stores' cross-check.
   */
  private static List<String> readAll(Path memoryDir, Written written) {
    List<String> read = new ArrayList<>();
    try (Aeon aeon = Aeon.open(memoryDir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (long id : written.ids()) {
        read.add("get " + id + ": " + m.get(id));
      }
      for (int s = 0; s < SESSIONS; s++) {
        read.add("history s" + s + ": " + m.history("s" + s, Integer.MAX_VALUE));
      }
      for (float[] v : written.vectors()) {
        read.add("recall: " + m.recall(Recall.vector(v, 5).slb(false)).stream()
            // Scores in full: the kernels sum in one fixed order, so the same files give the same bits from one open
            // to the next (FloatSumOrderTest). Compared to four places, as before that, they differed now and then
            // on a rounding boundary: seeds 1495420453989 and 1773569749441 failed on flips that changed nothing.
            .map(r -> r.event().id() + " " + r.score()).toList());
      }
      read.add("links: " + m.query("MATCH (e)-[:REFERS_TO]->(f) RETURN e.id, f.id ORDER BY e.id", Map.of()).rows());
      read.add("check: " + aeon.check("default"));
    }
    return read;
  }

  private static void flip(Path file, long offset, int bit) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ (1 << bit)));
      ch.write(b.rewind(), offset);
    }
  }

  /** Up to the last non-zero byte: the rest is preallocated and holds nothing yet. */
  private static long usedBytes(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int end = all.length;
    while (end > 0 && all[end - 1] == 0) {
      end--;
    }
    return end;
  }

  /** {@code to} emptied, then a copy of {@code from}. */
  private static Path copy(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      DamagedStoresTest.deleteTree(to);
    }
    DamagedStoresTest.copyTree(from, to);
    return to;
  }
}
