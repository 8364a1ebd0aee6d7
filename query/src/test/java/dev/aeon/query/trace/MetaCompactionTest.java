package dev.aeon.query.trace;

import static dev.aeon.common.testing.FileBytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.FileBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A compaction ({@link Trace#compact}) writes the meta log anew: every live event keeps its attributes, names
 * and links exactly, in memory and after a reopen, while a forgotten event's attributes and the names only
 * forgotten events used leave every file. The swap of the meta file is crash-safe at every step.
 */
class MetaCompactionTest {

  private static final List<String> SESSIONS = List.of("s0", "s1", "s2", "s3", "s4", "s5");
  private static final List<String> ROLES = List.of("user", "assistant", "tool", "r3", "r4");
  private static final List<String> TYPES = List.of("T0", "T1", "T2", "T3");

  @TempDir Path dir;

  /** Random operations against one trace, ids handed out in order. */
  private static final class Ops {
    final Random random;
    long nextId = 1;

    Ops(long seed) {
      random = new Random(seed);
    }

    long anyId() {
      return 1 + random.nextInt((int) Math.max(1, nextId - 1));
    }

    Object value() {
      return switch (random.nextInt(5)) {
        case 0 -> "v" + random.nextInt(1000);
        case 1 -> random.nextLong();
        case 2 -> random.nextDouble();
        case 3 -> random.nextBoolean();
        default -> Instant.ofEpochSecond(random.nextInt(1 << 30), random.nextInt(1000) * 1000L);
      };
    }

    Map<String, Object> attributes(boolean removals) {
      Map<String, Object> m = new HashMap<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        m.put("k" + random.nextInt(5), removals && random.nextInt(4) == 0 ? null : value());
      }
      return m;
    }

    void run(Trace t, int n) {
      for (int i = 0; i < n; i++) {
        int op = random.nextInt(100);
        if (op < 55 || nextId < 3) {
          long id = nextId++;
          t.append(new Event(id, SESSIONS.get(random.nextInt(SESSIONS.size())), ROLES.get(random.nextInt(ROLES.size())),
              id * 10, id * 100, random.nextBoolean() ? id : Event.NO_VECTOR, attributes(false)));
        } else if (op < 72) {
          t.updateAttributes(anyId(), attributes(true));
        } else if (op < 88) {
          long from = random.nextInt(100);
          t.addEdge(TYPES.get(random.nextInt(TYPES.size())), anyId(), anyId(), from,
              random.nextBoolean() ? Edge.OPEN : from + 1 + random.nextInt(500));
        } else if (op < 93) {
          t.invalidateEdges(TYPES.get(random.nextInt(TYPES.size())), anyId(), anyId(), random.nextInt(600));
        } else if (op < 99) {
          t.forget(anyId());
        } else {
          t.forgetSession(SESSIONS.get(random.nextInt(SESSIONS.size())));
        }
      }
    }
  }

  /** Everything a reader can see of the trace's events, attributes, names and links, as text. */
  private static String state(Trace t, long maxId) {
    StringBuilder sb = new StringBuilder();
    sb.append("live ").append(t.eventCount()).append(", max id ").append(t.maxEventId()).append('\n');
    for (long id = 1; id <= maxId; id++) {
      Optional<Event> e = t.get(id);
      if (e.isEmpty()) {
        continue;
      }
      Event ev = e.get();
      Map<String, String> attrs = new TreeMap<>();
      ev.attributes().forEach((k, v) -> attrs.put(k, v + " (" + v.getClass().getSimpleName() + ")"));
      sb.append(ev.id()).append(' ').append(ev.session()).append(' ').append(ev.role()).append(' ')
          .append(ev.tsMicros()).append(' ').append(ev.blobRef()).append(' ').append(ev.vectorId()).append(' ')
          .append(attrs).append('\n');
      for (long asOf : new long[] {Trace.CURRENT, 0, 50, 300, 700}) {
        sb.append("  as of ").append(asOf).append(": ").append(t.neighbours(id, Direction.BOTH, null, asOf))
            .append('\n');
      }
    }
    for (String s : names()) {
      sb.append("history ").append(s).append(' ').append(t.history(s, 100_000).stream().map(Event::id).toList())
          .append('\n');
    }
    List<String> labels = new ArrayList<>(ROLES);
    labels.add("secret_role");
    for (String r : labels) {
      sb.append("label ").append(r).append(' ').append(t.query("MATCH (e:" + r + ") RETURN e.id", Map.of()).rows())
          .append('\n');
    }
    return sb.toString();
  }

  private static List<String> names() {
    List<String> all = new ArrayList<>(SESSIONS);
    all.addAll(ROLES);
    all.add("secret-session");
    all.add("secret_role");
    return all;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 20261206})
  void compactionKeepsEveryLiveEventExactly(long seed) throws IOException {
    System.out.println("MetaCompactionTest seed " + seed);
    Ops ops = new Ops(seed);
    String before;
    try (Trace t = Trace.open(dir)) {
      ops.run(t, 500);
      t.flush(1);
      before = state(t, ops.nextId);
      long metaBefore = Files.size(dir.resolve(Trace.META_FILE));
      t.compact(2);
      assertEquals(before, state(t, ops.nextId), "in memory, after the compaction");
      assertEquals(List.of("meta-1.trace"), metaFiles());
      assertTrue(Files.size(dir.resolve("meta-1.trace")) < metaBefore, "the log shrank");
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(2, t.checkpointLsn());
      assertEquals(before, state(t, ops.nextId), "reopened after the compaction");
      // Names that only forgotten events used, used again; then compacted twice with appends between.
      ops.run(t, 400);
      t.compact(3);
      ops.run(t, 200);
      t.flush(4);
      before = state(t, ops.nextId);
      ops.run(t, 50);
      t.compact(5);
      assertEquals(List.of("meta-3.trace"), metaFiles());
      String after = state(t, ops.nextId);
      t.close();
      try (Trace again = Trace.open(dir)) {
        assertEquals(after, state(again, ops.nextId), "reopened after three compactions");
      }
    }
    assertFalse(before.isEmpty());
  }

  @Test
  void forgottenAttributesAndNamesLeaveEveryFile() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(new Event(1, "kept", "user", 10, 1, Event.NO_VECTOR, Map.of("colour", "kept-value")));
      t.append(new Event(2, "secret-session", "secret_role", 20, 2, Event.NO_VECTOR, Map.of("pin", "secret-v1")));
      t.updateAttributes(2, Map.of("pin", "secret-v2"));
      t.updateAttributes(2, Map.of("other", "secret-v3"));
      t.addEdge("SECRET_LINK", 2, 1);
      t.updateAttributes(1, Map.of("colour", "kept-now"));
      t.flush(1);
      assertTrue(filesContaining("secret-v1").size() > 0, "on disk before the forget");
      assertEquals(1, t.forgetSession("secret-session").count());
      t.compact(2);
      for (String gone : List.of("secret-v1", "secret-v2", "secret-v3", "secret-session", "secret_role",
          "SECRET_LINK", "kept-value")) {
        assertEquals(List.of(), filesContaining(gone), gone);
      }
      assertEquals(List.of(Path.of("meta-1.trace")), filesContaining("kept-now"));
      // The freed names used again before a reopen, then after one.
      t.append(new Event(3, "secret-session", "secret_role", 30, 3, Event.NO_VECTOR, Map.of()));
      t.addEdge("SECRET_LINK", 3, 1);
      t.flush(3);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(3L), t.history("secret-session", 10).stream().map(Event::id).toList());
      assertEquals("secret_role", t.get(3).orElseThrow().role());
      assertEquals(1, t.neighbours(3, Direction.OUT, "SECRET_LINK", Trace.CURRENT).size());
      t.forget(3);
      t.compact(4);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(), t.history("secret-session", 10));
      assertEquals(List.of(), filesContaining("secret-session"));
      t.append(new Event(4, "secret-session", "secret_role", 40, 4, Event.NO_VECTOR, Map.of("a", 1L)));
      t.addEdge("SECRET_LINK", 4, 1);
      t.flush(5);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(4L), t.history("secret-session", 10).stream().map(Event::id).toList());
      assertEquals(Map.of("a", 1L), t.get(4).orElseThrow().attributes());
      assertEquals(1, t.neighbours(4, Direction.OUT, "SECRET_LINK", Trace.CURRENT).size());
      assertEquals(Map.of("colour", "kept-now"), t.get(1).orElseThrow().attributes());
    }
  }

  /**
   * Copies the directory at each step of the swap, as a crash there would leave it, and opens each copy: it is
   * the state before the compaction's checkpoint (its own is not written) or after it, never damaged, and
   * holds one meta file once open.
   */
  @Test
  void aCrashAtAnyStepOfTheSwapLeavesTheStateBeforeOrAfter() throws IOException {
    Ops ops = new Ops(7);
    Map<String, Path> copies = new LinkedHashMap<>();
    String atFirst;
    String atSecond;
    try (Trace t = Trace.open(dir)) {
      ops.run(t, 300);
      t.flush(1);
      atFirst = state(t, ops.nextId);
      ops.run(t, 100); // forgets and attribute changes after the first checkpoint, in the log only
      atSecond = state(t, ops.nextId);
      assertFalse(atFirst.equals(atSecond));
      t.compactionStep = step -> copies.put(step, copy(step));
      t.compact(2);
    }
    assertEquals(List.of("meta written", "checkpoint written", "old meta deleted"), List.copyOf(copies.keySet()));
    Path torn = copy(copies.get("meta written"), "torn");
    Path newMeta = torn.resolve("meta-1.trace");
    try (var ch = java.nio.channels.FileChannel.open(newMeta, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    copies.put("meta written, torn", torn);
    for (Map.Entry<String, Path> c : copies.entrySet()) {
      boolean after = !c.getKey().startsWith("meta written");
      try (Trace t = Trace.open(c.getValue())) {
        assertEquals(after ? 2 : 1, t.checkpointLsn(), c.getKey());
        assertEquals(after ? atSecond : atFirst, state(t, ops.nextId), c.getKey());
        assertEquals(List.of(after ? "meta-1.trace" : Trace.META_FILE), metaFiles(c.getValue()), c.getKey());
        if (!after) { // the log replays from the first checkpoint, and a compaction runs again
          t.compactionStep = step -> { };
          t.compact(3);
        }
      }
      try (Trace t = Trace.open(c.getValue())) {
        assertEquals(after ? atSecond : atFirst, state(t, ops.nextId), c.getKey() + ", opened again");
      }
    }
  }

  /**
   * A checkpoint staged before a compaction's stage and committed after it writes the meta file it staged (the
   * old one, still there); the compaction's commit then replaces it. Committed after the compaction's, it is
   * ignored, as an older stage always is.
   */
  @Test
  void aCheckpointStagedBeforeACompactionCommitsTheOldFile() throws IOException {
    for (boolean olderFirst : new boolean[] {true, false}) {
      Path d = dir.resolve("older-first-" + olderFirst);
      Ops ops = new Ops(13);
      try (Trace t = Trace.open(d)) {
        ops.run(t, 200);
        StagedCheckpoint older = t.stageCheckpoint(1);
        String atOlder = state(t, ops.nextId);
        ops.run(t, 100);
        StagedCheckpoint compaction = t.stageCheckpoint(2, true);
        String atCompaction = state(t, ops.nextId);
        ops.run(t, 50);
        if (olderFirst) {
          older.commit();
          try (Trace copy = Trace.open(copy(d, "older"))) {
            assertEquals(atOlder, state(copy, ops.nextId));
          }
        }
        compaction.commit();
        older.commit(); // ignored
        assertEquals(List.of("meta-1.trace"), metaFiles(d));
        try (Trace copy = Trace.open(copy(d, "compacted-" + olderFirst))) {
          assertEquals(2, copy.checkpointLsn());
          assertEquals(atCompaction, state(copy, ops.nextId));
        }
      }
    }
  }

  /** A directory whose checkpoint is of version 1 (before compactions) opens as generation 0, and compacts. */
  @Test
  void aVersionOneCheckpointStillOpens() throws IOException {
    Ops ops = new Ops(11);
    String state;
    try (Trace t = Trace.open(dir)) {
      ops.run(t, 200);
      t.flush(1);
      state = state(t, ops.nextId);
    }
    Path file = dir.resolve(Checkpoint.FILE);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(CheckpointDescriptor.VERSION, b.getInt(FileHeader.VERSION_OFFSET));
    b.putInt(FileHeader.VERSION_OFFSET, 1).putInt(FileHeader.PARAM_OFFSET, 0);
    b.putInt(FileHeader.CRC_OFFSET, FileHeader.crc(b, 0, FileHeader.CRC_OFFSET));
    Files.write(file, b.array());
    Files.write(dir.resolve("meta-1.trace"), new byte[] {1, 2, 3}); // not named by it: deleted
    try (Trace t = Trace.open(dir)) {
      assertEquals(state, state(t, ops.nextId));
      assertEquals(List.of(Trace.META_FILE), metaFiles());
      t.compact(2);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(state, state(t, ops.nextId));
    }
    b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(FileHeader.VERSION_OFFSET, CheckpointDescriptor.VERSION + 1);
    b.putInt(FileHeader.CRC_OFFSET, FileHeader.crc(b, 0, FileHeader.CRC_OFFSET));
    Files.write(file, b.array());
    assertThrows(TraceVersionException.TooNew.class, () -> Trace.open(dir).close());
  }

  /**
   * A checkpoint naming the last meta generation a compaction could reach only after 2^31 of them is damage: it
   * opened, and every compact() then failed with a bare ArithmeticException (the fuzz review's probe).
   */
  @Test
  void aCheckpointNamingTheLastGenerationIsCorrupt() throws IOException {
    try (Trace t = Trace.open(dir)) {
      new Ops(12).run(t, 50);
      t.compact(1);
    }
    Path file = dir.resolve(Checkpoint.FILE);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(FileHeader.PARAM_OFFSET, Integer.MAX_VALUE);
    b.putInt(FileHeader.CRC_OFFSET, FileHeader.crc(b, 0, FileHeader.CRC_OFFSET));
    Files.write(file, b.array());
    Files.move(dir.resolve("meta-1.trace"), dir.resolve("meta-" + Integer.MAX_VALUE + ".trace"));
    TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
    assertTrue(e.getMessage().contains("meta generation " + Integer.MAX_VALUE), e.getMessage());
  }

  /**
   * After a reopen a forgotten event's freed names are gone (null in the dictionary), so a read that met its slot
   * must see that it is forgotten before it materialises the event: get of a forgotten id, and a history whose
   * session also held a forgotten event of a freed role, threw a NullPointerException from the Event's
   * constructor instead of leaving the event out.
   */
  @Test
  void readsThatMeetAForgottenEventWithFreedNamesLeaveItOut() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(Event.of(1, "gone", "user", 10, 1));
      t.append(Event.of(2, "kept", "user", 20, 2));
      t.append(Event.of(3, "kept", "gone_role", 30, 3));
      t.forget(1);
      t.forget(3);
      t.compact(1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(Optional.empty(), t.get(1));
      assertEquals(Optional.empty(), t.get(3));
      assertEquals(List.of(2L), t.history("kept", 10).stream().map(Event::id).toList());
      assertEquals(List.of(2L), t.range(0, 100, 10).stream().map(Event::id).toList());
    }
  }

  /**
   * Earlier versions kept a freed name in memory until a reopen and, used again before it, logged it again under
   * its freed id (a STRING frame after the FREED one): such a log still opens, with the name under that id, and
   * the name goes on working. Now a freed name used again takes a new id.
   */
  @Test
  void aNameAnEarlierVersionLoggedAgainUnderItsFreedIdStillOpens() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(Event.of(1, "gone", "user", 10, 1));
      t.append(Event.of(2, "kept", "user", 20, 2));
      t.forget(1);
      t.compact(1);
      assertEquals(-1, t.graph().stringId("gone"));
    }
    // The dictionary: NEXT, gone (id 1, freed), user, kept. Appended as an earlier version did for "gone":
    Path meta = dir.resolve("meta-1.trace");
    byte[] name = "gone".getBytes(StandardCharsets.UTF_8);
    ByteBuffer frame = ByteBuffer.allocate(MetaRecordDescriptor.PAYLOAD_OFFSET + 4 + name.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(4 + name.length).putInt(0).put(MetaRecordDescriptor.KIND_STRING).putInt(1).put(name);
    frame.putInt(MetaRecordDescriptor.CRC_OFFSET, FileHeader.crc(frame, MetaRecordDescriptor.KIND_OFFSET,
        frame.capacity()));
    Files.write(meta, frame.array(), java.nio.file.StandardOpenOption.APPEND);
    Checkpoint cp = Checkpoint.read(dir);
    new Checkpoint(cp.lsn(), cp.maxId(), cp.eventCount(), cp.edgeBytes(), Files.size(meta), cp.metaGeneration())
        .write(dir);
    try (Trace t = Trace.open(dir)) {
      assertEquals(1, t.graph().stringId("gone"));
      t.append(Event.of(3, "gone", "user", 30, 3));
      assertEquals(1, t.graph().sessionId(t.graph().slotOf(3)));
      assertEquals(List.of(3L), t.history("gone", 10).stream().map(Event::id).toList());
      t.flush(2);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(List.of(3L), t.history("gone", 10).stream().map(Event::id).toList());
      assertEquals(Optional.empty(), t.get(1));
    }
  }

  /** A live event naming a string the meta log holds as freed is refused, not handed out without a name. */
  @Test
  void aFreedStringThatALiveEventUsesIsCorrupt() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(Event.of(1, "gone", "user", 10, 1));
      t.append(Event.of(2, "kept", "user", 20, 2));
      t.forget(1);
      t.compact(1);
    }
    // The dictionary: NEXT, gone, user, kept. The frame of "kept" (id 3), which event 2 names, becomes a freed one.
    Path meta = dir.resolve("meta-1.trace");
    byte[] all = Files.readAllBytes(meta);
    byte[] kept = "kept".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(all, kept);
    int frame = at - Integer.BYTES - MetaRecordDescriptor.PAYLOAD_OFFSET;
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(3, b.getInt(frame + MetaRecordDescriptor.PAYLOAD_OFFSET));
    ByteBuffer freed = ByteBuffer.allocate(MetaRecordDescriptor.PAYLOAD_OFFSET + 4).order(ByteOrder.LITTLE_ENDIAN);
    freed.putInt(4).putInt(0).put(MetaRecordDescriptor.KIND_FREED).putInt(3);
    freed.putInt(MetaRecordDescriptor.CRC_OFFSET, FileHeader.crc(freed, MetaRecordDescriptor.KIND_OFFSET,
        freed.capacity()));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(all, 0, frame);
    out.write(freed.array());
    out.write(all, at + kept.length, all.length - at - kept.length);
    Files.write(meta, out.toByteArray());
    Checkpoint cp = Checkpoint.read(dir);
    new Checkpoint(cp.lsn(), cp.maxId(), cp.eventCount(), cp.edgeBytes(), out.size(), cp.metaGeneration()).write(dir);
    TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
    assertEquals(meta, e.file());
    assertTrue(e.problem().contains("event 2 names a session or role whose string the meta file holds as freed"),
        e.problem());
  }

  private Path copy(String step) {
    try {
      return copy(dir, step.replace(' ', '-'));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path copy(Path from, String name) throws IOException {
    Path to = dir.resolveSibling(dir.getFileName() + "-" + name);
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private List<String> metaFiles() throws IOException {
    return metaFiles(dir);
  }

  private static List<String> metaFiles(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> Checkpoint.metaGeneration(n) >= 0).sorted()
          .toList();
    }
  }

  private List<Path> filesContaining(String text) throws IOException {
    return FileBytes.filesContaining(dir, text.getBytes(StandardCharsets.UTF_8));
  }
}
