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
import dev.aeon.query.trace.Neighbour;
import dev.aeon.query.trace.Trace;
import dev.aeon.query.trace.TraceCorruptException;
import dev.aeon.query.trace.TraceVersionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Trace files whose checksums hold but whose content is wrong (a writer's bug, a crafted file, another
 * release's writer): the fuzzer's bytes pick one of two real traces (one never compacted, with its meta log
 * in {@code meta.trace}; one compacted, whose checkpoint names meta generation 1 and whose
 * {@code meta-1.trace} holds FREED frames) and change its checkpoint (a field or the meta generation of its
 * header), an event record, an edge record or the meta frames; every checksum is computed again so that the
 * damage reaches the loading, and the directory is opened. It must either be refused with the trace's format
 * exception naming the file, or open into a trace that answers reads and queries, takes appends, and opens
 * again, with the same events, after a flush (a compaction, for the compacted trace).
 * Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TraceFilesFuzzTest {

  // The layouts of the files (the trace's descriptors, which are package-private).
  private static final String CHECKPOINT = "checkpoint.trace";
  private static final String EVENTS = "events.trace";
  private static final String EDGES = "edges.trace";
  private static final String META = "meta.trace";
  private static final String META_1 = "meta-1.trace";
  private static final int HEADER = 32;
  private static final int HEADER_VERSION = 20;
  /** The checkpoint's header param: the generation of the meta file it names. */
  private static final int HEADER_PARAM = 24;
  private static final int HEADER_CRC = 28;
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
  private static final Path DIR;

  /**
   * The files of one valid trace by name, the name of its meta file, and how many event records its
   * checkpoint counts; {@code compacted}: a flush of an opened copy compacts it again.
   */
  private record ValidTrace(String name, Map<String, byte[]> files, String meta, int events, boolean compacted) {}

  private static final ValidTrace PLAIN;
  private static final ValidTrace COMPACTED;

  static {
    try {
      DIR = FuzzFiles.tempDirectory("aeon-trace-fuzz");
      PLAIN = buildValidTrace();
      COMPACTED = buildCompactedTrace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    FuzzFiles.deleteTree(DIR);
  }

  /** One of the two traces, one of its four files changed where the fuzzer says, its checksums recomputed. */
  @FuzzTest(maxDuration = "60s")
  void traceFilesWithValidChecksumsAndDamagedContent(FuzzedDataProvider data) throws IOException {
    ValidTrace valid = data.consumeBoolean() ? COMPACTED : PLAIN;
    Map<String, byte[]> files = copy(valid);
    switch (data.consumeInt(0, 3)) {
      case 0 -> {
        byte[] cp = files.get(CHECKPOINT);
        ByteBuffer b = le(cp);
        int edits = data.consumeInt(1, 3);
        for (int i = 0; i < edits; i++) {
          int field = data.consumeInt(0, CHECKPOINT_FIELDS.length + 1);
          if (field < CHECKPOINT_FIELDS.length) {
            int at = HEADER + 8 * field;
            b.putLong(at, data.consumeBoolean() ? b.getLong(at) + data.consumeInt(-64, 64) : data.consumeLong());
          } else {
            // The header's meta generation, or its version (version 1 has no generation: it names meta.trace).
            int at = field == CHECKPOINT_FIELDS.length ? HEADER_PARAM : HEADER_VERSION;
            b.putInt(at, data.consumeBoolean() ? b.getInt(at) + data.consumeInt(-2, 2) : data.consumeInt());
          }
        }
        fixCheckpoint(cp);
      }
      case 1 -> files.put(EVENTS, damageRecords(files.get(EVENTS), FIRST_EVENT, EVENT_FIELDS, data));
      case 2 -> files.put(EDGES, damageRecords(files.get(EDGES), HEADER, EDGE_FIELDS, data));
      default -> {
        byte[] meta = files.get(valid.meta());
        if (data.consumeBoolean()) {
          int edits = data.consumeInt(1, 4);
          for (int i = 0; i < edits; i++) {
            meta[data.consumeInt(HEADER, meta.length - 1)] = data.consumeByte();
          }
          fixMetaFrames(meta);
        } else {
          meta = editMetaFrames(meta, data);
          files.put(valid.meta(), meta);
          fixCheckpointMetaBytes(files.get(CHECKPOINT), meta.length);
        }
      }
    }
    check(valid, files);
  }

  /**
   * Interesting values in every field of the checkpoint (and its header's version and meta generation), of
   * the first, a middle and the last event record, and of the edge records (every one of the plain trace's,
   * three of the compacted one's), each with valid checksums: zero, -1, 1, the extremes, one more or less.
   */
  @Test
  void everyFieldWithInterestingValues() throws IOException {
    List<String> failures = new ArrayList<>();
    int checks = 0;
    for (ValidTrace valid : List.of(PLAIN, COMPACTED)) {
      checks += interestingValues(valid, failures);
    }
    assertTrue(failures.isEmpty(),
        failures.size() + " of " + checks + " checks failed:\n" + String.join("\n", failures));
  }

  /**
   * Each meta frame of the compacted trace dropped, duplicated, or turned from a STRING into a FREED frame
   * of its id and back, with the checkpoint's meta length following the file's.
   */
  @Test
  void compactedMetaFramesDroppedDuplicatedOrTurned() throws IOException {
    List<String> failures = new ArrayList<>();
    int checks = 0;
    List<Frame> frames = frames(COMPACTED.files().get(COMPACTED.meta()));
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      List<List<Frame>> variants = new ArrayList<>();
      List<Frame> dropped = new ArrayList<>(frames);
      dropped.remove(i);
      variants.add(dropped);
      List<Frame> duplicated = new ArrayList<>(frames);
      duplicated.add(f);
      variants.add(duplicated);
      if (f.kind() == KIND_STRING || f.kind() == KIND_FREED) {
        List<Frame> turned = new ArrayList<>(frames);
        turned.set(i, f.kind() == KIND_STRING ? new Frame(KIND_FREED, Arrays.copyOf(f.payload(), 4))
            : new Frame(KIND_STRING, concat(f.payload(), "x".getBytes(StandardCharsets.UTF_8))));
        variants.add(turned);
      }
      for (int v = 0; v < variants.size(); v++) {
        Map<String, byte[]> files = copy(COMPACTED);
        byte[] meta = write(COMPACTED.files().get(COMPACTED.meta()), variants.get(v));
        files.put(COMPACTED.meta(), meta);
        fixCheckpointMetaBytes(files.get(CHECKPOINT), meta.length);
        checks += run(COMPACTED, files, "meta frame " + i + " (kind " + f.kind() + ") "
            + new String[] {"dropped", "duplicated", "turned"}[v], failures);
      }
    }
    assertTrue(failures.isEmpty(),
        failures.size() + " of " + checks + " checks failed:\n" + String.join("\n", failures));
  }

  private static int interestingValues(ValidTrace valid, List<String> failures) throws IOException {
    int checks = 0;
    byte[] checkpoint = valid.files().get(CHECKPOINT);
    for (int f = 0; f < CHECKPOINT_FIELDS.length; f++) {
      int at = HEADER + 8 * f;
      for (long v : values(le(checkpoint).getLong(at), 8)) {
        Map<String, byte[]> files = copy(valid);
        le(files.get(CHECKPOINT)).putLong(at, v);
        fixCheckpoint(files.get(CHECKPOINT));
        checks += run(valid, files, "checkpoint " + CHECKPOINT_FIELDS[f] + " = " + v, failures);
      }
    }
    for (int at : new int[] {HEADER_PARAM, HEADER_VERSION}) {
      for (long v : values(le(checkpoint).getInt(at), 4)) {
        Map<String, byte[]> files = copy(valid);
        le(files.get(CHECKPOINT)).putInt(at, (int) v);
        fixCheckpoint(files.get(CHECKPOINT));
        checks += run(valid, files, "checkpoint header " + (at == HEADER_PARAM ? "generation" : "version")
            + " = " + v, failures);
      }
    }
    int edges = (valid.files().get(EDGES).length - HEADER) / RECORD;
    for (String file : new String[] {EVENTS, EDGES}) {
      int first = file.equals(EVENTS) ? FIRST_EVENT : HEADER;
      // Every edge record of the plain trace; of the compacted one (its check compacts too) the first, a middle
      // and the last, appended after its compaction, to keep the test quick.
      int[] records = file.equals(EVENTS) ? new int[] {0, valid.events() / 2, valid.events() - 1}
          : valid.compacted() ? new int[] {0, edges / 2, edges - 1}
          : java.util.stream.IntStream.range(0, edges).toArray();
      for (int r : records) {
        for (int[] field : file.equals(EVENTS) ? EVENT_FIELDS : EDGE_FIELDS) {
          int at = first + r * RECORD + field[0];
          ByteBuffer b = le(valid.files().get(file));
          for (long v : values(field[1] == 8 ? b.getLong(at) : b.getInt(at), field[1])) {
            Map<String, byte[]> files = copy(valid);
            put(files.get(file), at, field[1], v);
            fixRecords(files.get(file), first);
            checks += run(valid, files, file + " record " + r + " bytes " + field[0] + ".. = " + v, failures);
          }
        }
      }
    }
    return checks;
  }

  @Test
  void theValidTracesOpen() throws IOException {
    check(PLAIN, copy(PLAIN));
    check(COMPACTED, copy(COMPACTED));
  }

  private static int run(ValidTrace valid, Map<String, byte[]> files, String what, List<String> failures)
      throws IOException {
    try {
      check(valid, files);
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
   * histories, ranges and neighbours, runs queries, appends and flushes (compacts, if {@code valid} is the
   * compacted trace), and opens it again, with the same events.
   */
  private static void check(ValidTrace valid, Map<String, byte[]> files) throws IOException {
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
    List<Event> live = new ArrayList<>();
    try (trace) {
      int count = trace.eventCount();
      assertTrue(count >= 0 && count <= valid.events(), count + " events");
      for (int slot = 0; slot < trace.graph().slotCount(); slot++) {
        long id = trace.graph().id(slot);
        if (trace.graph().isLive(slot)) {
          Event e = trace.get(id).orElseThrow(() -> new AssertionError("a live event cannot be read by its id"));
          assertEquals(id, e.id());
          live.add(e);
          for (Neighbour n : trace.neighbours(id, Direction.BOTH, null, Trace.CURRENT)) {
            assertNotNull(n.edge().type(), "a link of event " + id + " without a type: " + n);
          }
          trace.neighbours(id, Direction.OUT, "CAUSES", 0);
        }
      }
      for (String session : new String[] {"s0", "s1", "s2", "gone", "back", "nobody"}) {
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
      if (valid.compacted()) {
        trace.compact(Math.max(trace.checkpointLsn(), 0));
      } else {
        trace.flush(Math.max(trace.checkpointLsn(), 0));
      }
    }
    try (Trace again = Trace.open(DIR)) {
      Event e = again.get(added).orElseThrow(() -> new AssertionError("the event appended after opening is lost"));
      assertEquals("new", e.attributes().get("kind"));
      for (Event before : live) {
        assertEquals(Optional.of(before), again.get(before.id()), "event " + before.id() + " after the reopen");
      }
    }
  }

  private static void assertDescribes(StoreFileException e) {
    assertNotNull(e.file(), e.toString());
    assertEquals(DIR, e.file().getParent(), e.toString());
    assertTrue(e.getMessage().contains(e.file().toString()), e.getMessage());
    assertTrue(e.offset() >= 0, e.getMessage());
  }

  /**
   * Changes fields of the records (fixed-size, from {@code first}) that the fuzzer picks, or any byte; checksums
   * recomputed.
   */
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

  /** Recomputes the checksums of the checkpoint's header and of its record. */
  private static void fixCheckpoint(byte[] cp) {
    le(cp).putInt(HEADER_CRC, crc(cp, 0, HEADER_CRC));
    le(cp).putInt(CHECKPOINT_CRC, crc(cp, HEADER, CHECKPOINT_CRC));
  }

  /** The checkpoint naming {@code length} bytes of the meta file, so that frames added or removed are read. */
  private static void fixCheckpointMetaBytes(byte[] cp, long length) {
    le(cp).putLong(HEADER + 8 * 4, length);
    fixCheckpoint(cp);
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

  private static final byte KIND_STRING = 1;
  private static final byte KIND_ATTRS = 2;
  private static final byte KIND_FORGET = 3;
  private static final byte KIND_FREED = 4;

  /** A meta frame: its kind byte and its payload. */
  private record Frame(byte kind, byte[] payload) {}

  /** The frames of a valid meta file. */
  private static List<Frame> frames(byte[] meta) {
    List<Frame> frames = new ArrayList<>();
    ByteBuffer b = le(meta);
    for (int at = HEADER; at < meta.length; ) {
      int length = b.getInt(at);
      frames.add(new Frame(meta[at + 8], Arrays.copyOfRange(meta, at + 9, at + 9 + length)));
      at += 9 + length;
    }
    return frames;
  }

  /** A meta file of {@code frames}, checksums computed, behind the header of {@code meta}. */
  private static byte[] write(byte[] meta, List<Frame> frames) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(meta, 0, HEADER);
    for (Frame f : frames) {
      byte[] frame = new byte[9 + f.payload().length];
      frame[8] = f.kind();
      System.arraycopy(f.payload(), 0, frame, 9, f.payload().length);
      le(frame).putInt(0, f.payload().length).putInt(4, crc(frame, 8, frame.length));
      out.write(frame, 0, frame.length);
    }
    return out.toByteArray();
  }

  /**
   * Frames of the meta file dropped, duplicated, moved, or of another kind, as the fuzzer says (a STRING made
   * FREED keeps its id; any frame made a STRING keeps its payload as id and name): a log whose frames are each
   * well formed, in an order or combination no writer makes.
   */
  private static byte[] editMetaFrames(byte[] meta, FuzzedDataProvider data) {
    List<Frame> frames = frames(meta);
    int edits = data.consumeInt(1, 3);
    for (int i = 0; i < edits && !frames.isEmpty(); i++) {
      int at = data.consumeInt(0, frames.size() - 1);
      Frame f = frames.get(at);
      switch (data.consumeInt(0, 3)) {
        case 0 -> frames.remove(at);
        case 1 -> frames.add(data.consumeInt(0, frames.size()), f);
        case 2 -> frames.add(data.consumeInt(0, frames.size() - 1), frames.remove(at));
        default -> {
          byte kind = data.consumeByte(KIND_STRING, KIND_FREED);
          byte[] payload = f.payload();
          if (kind == KIND_FREED || kind == KIND_FORGET) {
            payload = Arrays.copyOf(payload, kind == KIND_FREED ? 4 : 8);
          }
          frames.set(at, new Frame(kind, payload));
        }
      }
    }
    return write(meta, frames);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int crc(byte[] b, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    return (int) c.getValue();
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Map<String, byte[]> copy(ValidTrace valid) {
    Map<String, byte[]> copy = new LinkedHashMap<>();
    valid.files().forEach((name, bytes) -> copy.put(name, bytes.clone()));
    return copy;
  }

  /**
   * A trace of {@value #EVENT_COUNT} events in three sessions, some with attributes, edges of two types,
   * an invalidated edge, an attribute update and a forgotten event, flushed; then appends after the flush,
   * which the checkpoint does not name.
   */
  private static ValidTrace buildValidTrace() throws IOException {
    Map<String, byte[]> files = build(t -> {
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
    }, EVENT_COUNT);
    assertEquals(List.of(CHECKPOINT, EDGES, EVENTS, META), List.copyOf(files.keySet()));
    return new ValidTrace("plain", files, META, EVENT_COUNT, false);
  }

  /**
   * A trace of {@value #EVENT_COUNT} events, some in sessions, with a role and linked by an edge type that
   * only events forgotten later use, with attributes and attribute updates, compacted at LSN 42: its meta log
   * is {@code meta-1.trace}, those names FREED frames in it. Then one of the freed names is used again (a
   * STRING frame under a new id) and it is flushed, and appended to after the flush, which the checkpoint does
   * not name.
   */
  private static ValidTrace buildCompactedTrace() throws IOException {
    Map<String, byte[]> files = build(t -> {
      int n = EVENT_COUNT - 2;
      for (int i = 1; i <= n; i++) {
        boolean gone = i % 5 == 0; // forgotten below, with every name only they use
        String session = gone ? (i % 10 == 0 ? "gone" : "back") : "s" + (i % 3);
        Map<String, Object> attrs = i % 3 == 0 ? Map.of("kind", "note", "n", (long) i) : Map.of("secret", "x" + i);
        assertTrue(t.append(new Event(i * 10L, session, gone ? "ghost" : i % 2 == 0 ? "user" : "assistant",
            i * 5L, i, i % 4 == 0 ? i : Event.NO_VECTOR, attrs)));
      }
      for (int i = 1; i < n; i += 4) {
        assertTrue(t.addEdge("CAUSES", i * 10L, (i + 1) * 10L));
      }
      assertTrue(t.addEdge("LOST", 50, 100)); // only between forgotten events
      assertTrue(t.addEdge("SUPERSEDES", 60, 20, 0, 1_000));
      t.invalidateEdges("CAUSES", 10, 20, 100);
      t.updateAttributes(30, Map.of("kind", "updated"));
      t.updateAttributes(40, Map.of("secret", "changed"));
      t.updateAttributes(50, Map.of("secret", "of a forgotten event"));
      for (int i = 5; i <= n; i += 5) {
        t.forget(i * 10L);
      }
      t.compact(42);
      // "back" was freed: used again, it is logged again under a new id.
      assertTrue(t.append(new Event((n + 1) * 10L, "back", "user", (n + 1) * 5L, n + 1, Event.NO_VECTOR,
          Map.of("kind", "note"))));
      assertTrue(t.append(Event.of((n + 2) * 10L, "s1", "assistant", (n + 2) * 5L, n + 2)));
      assertTrue(t.addEdge("CAUSES", (n + 1) * 10L, (n + 2) * 10L));
      t.flush(43);
    }, EVENT_COUNT);
    assertEquals(List.of(CHECKPOINT, EDGES, EVENTS, META_1), List.copyOf(files.keySet()));
    assertEquals(1, le(files.get(CHECKPOINT)).getInt(HEADER_PARAM), "the checkpoint's meta generation");
    long freed = frames(files.get(META_1)).stream().filter(f -> f.kind() == KIND_FREED).count();
    assertEquals(4, freed, "FREED frames for 'gone', 'back', 'ghost' and 'LOST' ('back' is logged again after)");
    return new ValidTrace("compacted", files, META_1, EVENT_COUNT, true);
  }

  private interface Writes {
    void to(Trace t) throws IOException;
  }

  /**
   * The files of a trace {@code writes} made, then one event appended after its last flush (cut off at open);
   * the event file as far as its {@code events} records reach (it is mapped and grown megabytes at a time).
   */
  private static Map<String, byte[]> build(Writes writes, int events) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Path source = FuzzFiles.tempDirectory("aeon-trace-fuzz-source");
    try {
      try (Trace t = Trace.open(source)) {
        writes.to(t);
        assertTrue(t.append(Event.of(t.maxEventId() + 1_000, "s0", "user", 1, 1))); // after the checkpoint
      }
      try (Stream<Path> list = Files.list(source)) {
        for (Path f : list.sorted().toList()) {
          byte[] bytes = Files.readAllBytes(f);
          String name = f.getFileName().toString();
          files.put(name, name.equals(EVENTS) ? Arrays.copyOf(bytes, FIRST_EVENT + events * RECORD) : bytes);
        }
      }
    } finally {
      FuzzFiles.deleteTree(source);
    }
    return files;
  }
}
