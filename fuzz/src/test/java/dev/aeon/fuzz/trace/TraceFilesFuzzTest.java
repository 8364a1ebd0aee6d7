package dev.aeon.fuzz.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.common.io.StoreFileException;
import dev.aeon.fuzz.FuzzFiles;
import dev.aeon.query.trace.Direction;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import dev.aeon.query.trace.TraceCorruptException;
import dev.aeon.query.trace.TraceVersionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Trace files whose checksums hold but whose content is wrong (a writer's bug, a crafted file, another
 * release's writer): the fuzzer's bytes change the checkpoint, an event record, an edge record or a meta
 * frame of a real trace, every checksum is computed again so that the damage reaches the loading, and the
 * directory is opened. It must either be refused with the trace's format exception naming the file, or
 * open into a trace that answers reads and queries, takes appends, and opens again after a flush.
 * Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TraceFilesFuzzTest {

  // The layouts of the files (the trace's descriptors, which are package-private).
  private static final String CHECKPOINT = "checkpoint.trace";
  private static final String EVENTS = "events.trace";
  private static final String EDGES = "edges.trace";
  private static final String META = "meta.trace";
  private static final int HEADER = 32;
  private static final int CHECKPOINT_CRC = 72;
  private static final int FIRST_EVENT = 64;
  private static final int RECORD = 48;
  private static final int RECORD_CRC = 44;
  private static final String[] CHECKPOINT_FIELDS = {"lsn", "maxId", "eventCount", "edgeBytes", "metaBytes"};
  /** Offset and width of each field of an event record. */
  private static final int[][] EVENT_FIELDS = {{0, 8}, {8, 8}, {16, 8}, {24, 8}, {32, 4}, {36, 4}, {40, 4}};
  /** Offset and width of each field of an edge record. */
  private static final int[][] EDGE_FIELDS = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, 4}};

  private static final int EVENT_COUNT = 40;
  private static final Path TEMP = Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm")
      : Path.of(System.getProperty("java.io.tmpdir"));
  private static final Path DIR;
  private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

  static {
    try {
      DIR = Files.createTempDirectory(TEMP, "aeon-trace-fuzz");
      buildValidTrace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    FuzzFiles.deleteTree(DIR);
  }

  /** One of the four files changed where the fuzzer says, its checksums recomputed. */
  @FuzzTest(maxDuration = "60s")
  void traceFilesWithValidChecksumsAndDamagedContent(FuzzedDataProvider data) throws IOException {
    Map<String, byte[]> files = copy();
    switch (data.consumeInt(0, 3)) {
      case 0 -> {
        byte[] cp = files.get(CHECKPOINT);
        ByteBuffer b = le(cp);
        int edits = data.consumeInt(1, 3);
        for (int i = 0; i < edits; i++) {
          int at = HEADER + 8 * data.consumeInt(0, CHECKPOINT_FIELDS.length - 1);
          b.putLong(at, data.consumeBoolean() ? b.getLong(at) + data.consumeInt(-64, 64) : data.consumeLong());
        }
        fixCheckpoint(cp);
      }
      case 1 -> files.put(EVENTS, damageRecords(files.get(EVENTS), FIRST_EVENT, EVENT_FIELDS, data));
      case 2 -> files.put(EDGES, damageRecords(files.get(EDGES), HEADER, EDGE_FIELDS, data));
      default -> {
        byte[] meta = files.get(META);
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
          meta[data.consumeInt(HEADER, meta.length - 1)] = data.consumeByte();
        }
        fixMetaFrames(meta);
      }
    }
    check(files);
  }

  /**
   * Interesting values in every field of the checkpoint, of the first, a middle and the last event record,
   * and of every edge record, each with valid checksums: zero, -1, 1, the extremes, one more or less.
   */
  @Test
  void everyFieldWithInterestingValues() throws IOException {
    List<String> failures = new ArrayList<>();
    int checks = 0;
    for (int f = 0; f < CHECKPOINT_FIELDS.length; f++) {
      int at = HEADER + 8 * f;
      for (long v : values(le(FILES.get(CHECKPOINT)).getLong(at), 8)) {
        Map<String, byte[]> files = copy();
        le(files.get(CHECKPOINT)).putLong(at, v);
        fixCheckpoint(files.get(CHECKPOINT));
        checks += run(files, "checkpoint " + CHECKPOINT_FIELDS[f] + " = " + v, failures);
      }
    }
    int edges = (FILES.get(EDGES).length - HEADER) / RECORD;
    for (String file : new String[] {EVENTS, EDGES}) {
      int first = file.equals(EVENTS) ? FIRST_EVENT : HEADER;
      int[] records = file.equals(EVENTS) ? new int[] {0, EVENT_COUNT / 2, EVENT_COUNT - 1}
          : java.util.stream.IntStream.range(0, edges).toArray();
      for (int r : records) {
        for (int[] field : file.equals(EVENTS) ? EVENT_FIELDS : EDGE_FIELDS) {
          int at = first + r * RECORD + field[0];
          ByteBuffer valid = le(FILES.get(file));
          for (long v : values(field[1] == 8 ? valid.getLong(at) : valid.getInt(at), field[1])) {
            Map<String, byte[]> files = copy();
            put(files.get(file), at, field[1], v);
            fixRecords(files.get(file), first);
            checks += run(files, file + " record " + r + " bytes " + field[0] + ".. = " + v, failures);
          }
        }
      }
    }
    assertTrue(failures.isEmpty(),
        failures.size() + " of " + checks + " checks failed:\n" + String.join("\n", failures));
  }

  @Test
  void theValidTraceOpens() throws IOException {
    check(copy());
  }

  private static int run(Map<String, byte[]> files, String what, List<String> failures) throws IOException {
    try {
      check(files);
    } catch (AssertionError | IOException | RuntimeException | OutOfMemoryError e) {
      failures.add(what + ": " + e);
      e.printStackTrace(System.out);
    }
    return 1;
  }

  private static long[] values(long valid, int width) {
    long max = width == 8 ? Long.MAX_VALUE : Integer.MAX_VALUE;
    long min = width == 8 ? Long.MIN_VALUE : Integer.MIN_VALUE;
    return Arrays.stream(new long[] {0, -1, 1, max, min, valid + 1, valid - 1, 31, 33})
        .filter(v -> v != valid).distinct().toArray();
  }

  /**
   * Writes {@code files} into the trace's directory and opens it; if that succeeds, reads every event, the
   * histories, ranges and neighbours, runs queries, appends and flushes, and opens it again.
   */
  private static void check(Map<String, byte[]> files) throws IOException {
    FuzzFiles.deleteTree(DIR);
    Files.createDirectories(DIR);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.write(DIR.resolve(f.getKey()), f.getValue());
    }
    Trace trace;
    try {
      trace = Trace.open(DIR);
    } catch (TraceCorruptException | TraceVersionException e) {
      assertDescribes(e);
      return;
    }
    long added;
    try (trace) {
      int count = trace.eventCount();
      assertTrue(count >= 0 && count <= EVENT_COUNT, count + " events");
      for (int slot = 0; slot < trace.graph().slotCount(); slot++) {
        long id = trace.graph().id(slot);
        if (trace.graph().isLive(slot)) {
          Event e = trace.get(id).orElseThrow(() -> new AssertionError("a live event cannot be read by its id"));
          assertEquals(id, e.id());
          trace.neighbours(id, Direction.BOTH, null, Trace.CURRENT);
          trace.neighbours(id, Direction.OUT, "CAUSES", 0);
        }
      }
      for (String session : new String[] {"s0", "s1", "s2", "nobody"}) {
        trace.history(session, 5);
      }
      trace.range(Long.MIN_VALUE, Long.MAX_VALUE, 10);
      trace.range(0, 200, 10);
      trace.query("MATCH (e) RETURN e.id ORDER BY e.id LIMIT 50", Map.of());
      trace.query("MATCH (e)-[r:CAUSES]->(f) RETURN e.id, f.id LIMIT 50", Map.of());
      trace.query("MATCH (e {session: $s}) WHERE e.kind = 'note' RETURN count(e)", Map.of("s", "s1"));
      // It takes appends, and a flush writes a checkpoint that opens again.
      long max = trace.maxEventId();
      if (max == Long.MAX_VALUE) {
        return;
      }
      added = Math.max(max + 1, 0);
      assertTrue(trace.append(new Event(added, "s1", "user", 1_000, 1, Event.NO_VECTOR, Map.of("kind", "new"))),
          "append of id " + added + " after the largest id " + max + " was refused");
      if (count > 0) {
        trace.addEdge("CAUSES", trace.graph().id(0), added);
      }
      trace.flush(Math.max(trace.checkpointLsn(), 0));
    }
    try (Trace again = Trace.open(DIR)) {
      Event e = again.get(added).orElseThrow(() -> new AssertionError("the event appended after opening is lost"));
      assertEquals("new", e.attributes().get("kind"));
    }
  }

  private static void assertDescribes(StoreFileException e) {
    assertNotNull(e.file(), e.toString());
    assertEquals(DIR, e.file().getParent(), e.toString());
    assertTrue(e.getMessage().contains(e.file().toString()), e.getMessage());
    assertTrue(e.offset() >= 0, e.getMessage());
  }

  /** Changes fields of the records (fixed-size, from {@code first}) that the fuzzer picks, or any byte; checksums recomputed. */
  private static byte[] damageRecords(byte[] file, int first, int[][] fields, FuzzedDataProvider data) {
    int records = (file.length - first) / RECORD;
    int edits = data.consumeInt(1, 4);
    for (int i = 0; i < edits; i++) {
      int at = first + RECORD * data.consumeInt(0, records - 1);
      if (data.consumeBoolean()) {
        int[] field = fields[data.consumeInt(0, fields.length - 1)];
        long v = field[1] == 8 ? le(file).getLong(at + field[0]) : le(file).getInt(at + field[0]);
        put(file, at + field[0], field[1], data.consumeBoolean() ? v + data.consumeInt(-3, 3) : data.consumeLong());
      } else {
        file[at + data.consumeInt(0, RECORD_CRC - 1)] = data.consumeByte();
      }
    }
    fixRecords(file, first);
    return file;
  }

  private static void put(byte[] file, int at, int width, long v) {
    if (width == 8) {
      le(file).putLong(at, v);
    } else {
      le(file).putInt(at, (int) v);
    }
  }

  private static void fixCheckpoint(byte[] cp) {
    le(cp).putInt(CHECKPOINT_CRC, crc(cp, HEADER, CHECKPOINT_CRC));
  }

  private static void fixRecords(byte[] file, int first) {
    for (int at = first; at + RECORD <= file.length; at += RECORD) {
      le(file).putInt(at + RECORD_CRC, crc(file, at, at + RECORD_CRC));
    }
  }

  /** Recomputes the checksum of every meta frame that its (possibly changed) length keeps inside the file. */
  private static void fixMetaFrames(byte[] meta) {
    ByteBuffer b = le(meta);
    for (int at = HEADER; at + 9 <= meta.length; ) {
      int length = b.getInt(at);
      if (length < 0 || length > meta.length - at - 9) {
        return;
      }
      b.putInt(at + 4, crc(meta, at + 8, at + 9 + length));
      at += 9 + length;
    }
  }

  private static int crc(byte[] b, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    return (int) c.getValue();
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Map<String, byte[]> copy() {
    Map<String, byte[]> copy = new LinkedHashMap<>();
    FILES.forEach((name, bytes) -> copy.put(name, bytes.clone()));
    return copy;
  }

  /**
   * A trace of {@value #EVENT_COUNT} events in three sessions, some with attributes, edges of two types,
   * an invalidated edge, an attribute update and a forgotten event, flushed; then appends after the flush,
   * which the checkpoint does not name.
   */
  private static void buildValidTrace() throws IOException {
    Path source = Files.createTempDirectory(TEMP, "aeon-trace-fuzz-source");
    try {
      try (Trace t = Trace.open(source)) {
        for (int i = 1; i <= EVENT_COUNT; i++) {
          Map<String, Object> attrs = i % 3 == 0 ? Map.of("kind", "note", "n", (long) i) : Map.of();
          assertTrue(t.append(new Event(i * 10L, "s" + (i % 3), i % 2 == 0 ? "user" : "assistant", i * 5L, i,
              i % 4 == 0 ? i : Event.NO_VECTOR, attrs)));
        }
        for (int i = 1; i < EVENT_COUNT; i += 4) {
          assertTrue(t.addEdge("CAUSES", i * 10L, (i + 1) * 10L));
        }
        assertTrue(t.addEdge("SUPERSEDES", 50, 20, 0, 1_000));
        t.invalidateEdges("CAUSES", 10, 20, 100);
        t.updateAttributes(30, Map.of("kind", "updated"));
        t.forget(70);
        t.flush(42);
        t.append(Event.of(1_000, "s0", "user", 1, 1)); // after the checkpoint: cut off at open
      }
      try (Stream<Path> files = Files.list(source)) {
        for (Path f : files.sorted().toList()) {
          byte[] bytes = Files.readAllBytes(f);
          String name = f.getFileName().toString();
          // The event file as far as the checkpoint's records reach: it is mapped and grown megabytes at a time.
          FILES.put(name, name.equals(EVENTS) ? Arrays.copyOf(bytes, FIRST_EVENT + EVENT_COUNT * RECORD) : bytes);
        }
      }
    } finally {
      FuzzFiles.deleteTree(source);
    }
    assertEquals(List.of(CHECKPOINT, EDGES, EVENTS, META), List.copyOf(FILES.keySet()));
  }
}
