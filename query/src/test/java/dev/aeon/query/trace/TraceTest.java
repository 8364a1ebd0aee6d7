package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {

  @TempDir Path dir;

  private static Event ev(long id, String session, String role, long ts) {
    return Event.of(id, session, role, ts, 1000 + id);
  }

  @Test
  void historyIsNewestFirstAndSkipsForgotten() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= 10; i++) {
        assertTrue(t.append(ev(i, i % 2 == 0 ? "a" : "b", "user", i * 10)));
      }
      assertEquals(List.of(10L, 8L, 6L), t.history("a", 3).stream().map(Event::id).toList());
      assertFalse(t.forget(8).isEmpty());
      assertEquals(List.of(10L, 6L, 4L), t.history("a", 3).stream().map(Event::id).toList());
      assertTrue(t.history("nobody", 5).isEmpty());
      assertTrue(t.get(8).isEmpty());
      assertEquals(1007, t.get(7).orElseThrow().blobRef());
    }
  }

  /**
   * A session's live ids and count, which the engine reads to forget it, are those history finds, also after some
   * of its events were forgotten and after a reopen (which counts them from the loaded state); a session forget
   * returns the ids and blob refs of the events it removed, in slot order.
   */
  @Test
  void aSessionsLiveIdsAndCountAreThoseOfItsHistory() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= 9; i++) {
        assertTrue(t.append(ev(i, i % 3 == 0 ? "c" : "d", "user", i * 10)));
      }
      assertFalse(t.forget(2).isEmpty());
      assertArrayEquals(new long[] {1, 4, 5, 7, 8}, t.liveSessionIds("d"));
      assertEquals(5, t.liveSessionCount("d"));
      assertEquals(0, t.liveSessionCount("nobody"));
      assertArrayEquals(new long[0], t.liveSessionIds("nobody"));
      t.flush(1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(5, t.liveSessionCount("d"));
      assertEquals(3, t.liveSessionCount("c"));
      Forgotten gone = t.forgetSession("d");
      assertArrayEquals(new long[] {1, 4, 5, 7, 8}, gone.ids());
      assertArrayEquals(new long[] {1001, 1004, 1005, 1007, 1008}, gone.blobRefs());
      assertEquals(5, gone.count());
      assertEquals(0, t.liveSessionCount("d"));
      assertArrayEquals(new long[0], t.liveSessionIds("d"));
      assertTrue(t.forgetSession("d").isEmpty());
      assertEquals(List.of(9L, 6L, 3L), t.history("c", 10).stream().map(Event::id).toList());
    }
  }

  /**
   * contains is true exactly where get finds the event: live ones, not forgotten ones (nor after a reopen), nor others.
   */
  @Test
  void containsHoldsTheLiveEventsOnly() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= 5; i++) {
        assertTrue(t.append(ev(i * 2, "s" + i % 2, "user", i * 10)));
      }
      assertFalse(t.forgetAll(new long[] {4, 8}).isEmpty());
      assertFalse(t.forgetSession("s1").isEmpty()); // 2, 6, 10
    }
    try (Trace t = Trace.open(dir)) {
      assertTrue(t.append(ev(12, "s", "user", 60)));
      for (long id = -1; id <= 13; id++) {
        assertEquals(t.get(id).isPresent(), t.contains(id), "event " + id);
      }
      assertTrue(t.contains(12));
      assertFalse(t.contains(4));
    }
  }

  /** A reader's factory gets every field of a live event, as the record has them, and is not asked for others. */
  @Test
  void aFactoryMakesLiveEventsOnly() throws IOException {
    try (Trace t = Trace.open(dir)) {
      assertTrue(t.append(new Event(1, "s", "user", 10, 1001, 7, Map.of("topic", "home"))));
      assertTrue(t.append(ev(2, "s", "tool", 20)));
      assertTrue(t.append(ev(3, "s", "user", 30)));
      assertFalse(t.forget(3).isEmpty());
      Event.Factory<Event> copy = Event::new;
      assertEquals(t.get(1).orElseThrow(), t.get(1, copy));
      assertEquals(new Event(1, "s", "user", 10, 1001, 7, Map.of("topic", "home")), t.get(1, copy));
      assertEquals(ev(2, "s", "tool", 20), t.get(2, copy));
      Event.Factory<Event> none = (id, session, role, ts, blobRef, vectorId, attributes) -> {
        throw new AssertionError("asked to make event " + id);
      };
      assertNull(t.get(3, none), "forgotten");
      assertNull(t.get(4, none), "never appended");
      assertNull(t.get(2, (id, session, role, ts, blobRef, vectorId, attributes) -> null), "the factory's null");
    }
  }

  /** Every name in EVENT_PROPERTIES reads the event's own property, never an attribute of that name. */
  @Test
  void eventPropertiesHideAttributesOfTheirNames() throws IOException {
    Map<String, Object> attributes = new java.util.HashMap<>();
    for (String name : Trace.EVENT_PROPERTIES) {
      attributes.put(name, "attribute " + name);
    }
    attributes.put("other", "attribute other");
    try (Trace t = Trace.open(dir)) {
      assertTrue(t.append(new Event(1, "s", "user", 1, 1, Event.NO_VECTOR, attributes)));
      for (String name : Trace.EVENT_PROPERTIES) {
        Object read = t.query("MATCH (e) RETURN e." + name, Map.of()).rows().getFirst().getFirst();
        assertNotEquals("attribute " + name, read, name);
      }
      assertEquals("attribute other", t.query("MATCH (e) RETURN e.other", Map.of()).rows().getFirst().getFirst());
    }
  }

  /**
   * Attributes up to the record's limit, encoded, are stored and read back; one byte more is refused. (An
   * encoded map of the record's whole payload, 32,768 bytes, was accepted, and with the event's id beside
   * it made a record the reader refused: the trace could not be opened again.)
   */
  @Test
  void attributesFillTheirRecordExactly() throws IOException {
    // count (2) + key length (2) + "k" (1) + tag (1) + string length (4) + the string
    String fits = "x".repeat(AttributeCodec.MAX_BYTES - 10);
    Map<String, Object> all = Map.of("s", "text", "l", 7L, "d", 0.5, "b", true, "t", Instant.ofEpochSecond(3));
    try (Trace t = Trace.open(dir)) {
      assertThrows(IllegalArgumentException.class,
          () -> t.append(new Event(1, "s", "user", 1, 1, Event.NO_VECTOR, Map.of("k", fits + "x"))));
      assertTrue(t.append(new Event(1, "s", "user", 1, 1, Event.NO_VECTOR, Map.of("k", fits))));
      assertTrue(t.append(new Event(2, "s", "user", 2, 2, Event.NO_VECTOR, all)));
      t.flush(1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(fits, t.get(1).orElseThrow().attributes().get("k"));
      assertEquals(all, t.get(2).orElseThrow().attributes());
    }
  }

  /**
   * A range whose start is after its end holds nothing. Once the time index had sorted runs (512 events),
   * the scan returned events after the start, or before the end descending, and then ran off its arrays.
   */
  @Test
  void aRangeThatEndsBeforeItStartsIsEmpty() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= 2000; i++) {
        t.append(ev(i, "s", "user", i * 10L));
      }
      assertEquals(List.of(), t.range(15_000, 5_000, 10));
      List<Long> seen = new java.util.ArrayList<>();
      for (boolean descending : new boolean[] {false, true}) {
        t.graph().timeScan(15_000, 5_000, descending, (ts, slot) -> seen.add(ts));
      }
      assertEquals(List.of(), seen);
      assertEquals(0, t.graph().timeCount(15_000, 5_000));
      assertEquals(List.of(500L, 501L), t.range(5_000, 5_010, 10).stream().map(Event::id).toList());
    }
  }

  /** Long.MIN_VALUE and Long.MAX_VALUE are timestamps like any other (the scan used them for "nothing"). */
  @Test
  void timeComparisonsFindEventsAtTheExtremeTimestamps() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", Long.MIN_VALUE));
      t.append(ev(2, "s", "user", 0));
      t.append(ev(3, "s", "user", Long.MAX_VALUE));
      Map<String, Object> p = Map.of("min", Long.MIN_VALUE, "max", Long.MAX_VALUE, "huge", 1e30, "tiny", -1e30);
      java.util.function.Function<String, List<Object>> ids =
          where -> t.query("MATCH (e) WHERE " + where + " RETURN e.id ORDER BY e.id", p).column("e.id");
      assertEquals(List.of(3L), ids.apply("e.ts = $max"));
      assertEquals(List.of(3L), ids.apply("e.ts >= $max"));
      assertEquals(List.of(1L), ids.apply("e.ts <= $min"));
      assertEquals(List.of(1L), ids.apply("e.ts BETWEEN $min AND $min"));
      assertEquals(List.of(), ids.apply("e.ts > $max"));
      assertEquals(List.of(), ids.apply("e.ts < $min"));
      assertEquals(List.of(1L, 2L, 3L), ids.apply("e.ts < $huge"));
      assertEquals(List.of(), ids.apply("e.ts > $huge"));
      assertEquals(List.of(1L, 2L, 3L), ids.apply("e.ts > $tiny"));
      assertEquals(List.of(2L), ids.apply("e.ts > $min AND e.ts < $max"));
    }
  }

  @Test
  void liveSessionIdsSkipForgottenEventsAndOtherSessions() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= 200_000; i += 3) { // spans several bitmap containers
        assertTrue(t.append(ev(i, i % 2 == 0 ? "a" : "b", "user", i)));
      }
      java.util.TreeSet<Integer> expected = new java.util.TreeSet<>();
      for (int i = 1; i <= 200_000; i += 3) {
        if (i % 2 == 0) {
          expected.add(i);
        }
      }
      for (int id : new int[] {4, 7, 100_000, 199_996, 131_074}) {
        if (!t.forget(id).isEmpty()) {
          expected.remove(id);
        }
      }
      TraceGraph g = t.graph();
      assertEquals(List.copyOf(expected), boxed(g.liveSessionIds(g.stringId("a")).toArray()));
      assertEquals(List.copyOf(expected), boxed(g.liveSessionIds(g.stringId("a")).toArray()), "kept ids");
      assertTrue(g.liveSessionIds(g.stringId("nobody")).isEmpty());
      // The kept ids follow the session's growth and every forget.
      assertTrue(t.append(ev(200_002, "a", "user", 200_002)));
      expected.add(200_002);
      assertEquals(List.copyOf(expected), boxed(g.liveSessionIds(g.stringId("a")).toArray()));
      assertFalse(t.forget(10).isEmpty());
      expected.remove(10);
      assertEquals(List.copyOf(expected), boxed(g.liveSessionIds(g.stringId("a")).toArray()));
      assertTrue(t.append(ev(200_003, "b", "user", 200_003)));
      assertFalse(t.forget(200_003).isEmpty()); // another session's forget
      assertEquals(List.copyOf(expected), boxed(g.liveSessionIds(g.stringId("a")).toArray()));
    }
  }

  private static List<Integer> boxed(int[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }

  @Test
  void lookupByIdWorksForUnevenlySpreadIds() throws IOException {
    // slotOf interpolates between ids: extreme and clustered ids must still be found, absent ones not
    long[] ids = {Long.MIN_VALUE + 1, -5, 0, 1, 2, 3, 1_000, 1_001, 1L << 40, (1L << 40) + 7, Long.MAX_VALUE - 1};
    try (Trace t = Trace.open(dir)) {
      for (long id : ids) {
        assertTrue(t.append(ev(id, "s", "user", 1)));
      }
      for (long id : ids) {
        assertEquals(id, t.get(id).orElseThrow().id());
      }
      for (long absent : new long[] {Long.MIN_VALUE, -4, 4, 999, 1_002, (1L << 40) + 1, Long.MAX_VALUE}) {
        assertTrue(t.get(absent).isEmpty(), "id " + absent);
      }
    }
  }

  @Test
  void timestampAttributesMustFitInEpochMicros() throws IOException {
    try (Trace t = Trace.open(dir)) {
      Event far = new Event(1, "s", "user", 1, 1, Event.NO_VECTOR, Map.of("at", Instant.MAX));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.append(far));
      assertTrue(e.getMessage().startsWith("attribute 'at' is a timestamp"), e.getMessage());
      assertTrue(t.append(Event.of(1, "s", "user", 1, 1)));
      assertThrows(IllegalArgumentException.class, () -> t.updateAttributes(1, Map.of("at", Instant.MIN)));
    }
  }

  @Test
  void replayedAppendIsIgnored() throws IOException {
    try (Trace t = Trace.open(dir)) {
      assertTrue(t.append(ev(5, "s", "user", 1)));
      assertFalse(t.append(ev(5, "s", "user", 1)));
      assertFalse(t.append(ev(3, "s", "user", 1)));
      assertEquals(1, t.eventCount());
    }
  }

  @Test
  void rangeUsesTimeOrderNotAppendOrder() throws IOException {
    try (Trace t = Trace.open(dir)) {
      long[] ts = {50, 10, 40, 20, 30};
      for (int i = 0; i < 2000; i++) {
        t.append(ev(i + 1, "s" + (i % 7), "user", ts[i % 5] + i * 100L));
      }
      List<Event> r = t.range(20_000, 30_000, 1000);
      assertFalse(r.isEmpty());
      for (int i = 1; i < r.size(); i++) {
        assertTrue(r.get(i - 1).tsMicros() <= r.get(i).tsMicros());
      }
      long expected = 0;
      for (int i = 0; i < 2000; i++) {
        long v = ts[i % 5] + i * 100L;
        expected += v >= 20_000 && v <= 30_000 ? 1 : 0;
      }
      assertEquals(expected, r.size());
      assertEquals(5, t.range(0, Long.MAX_VALUE, 5).size());
    }
  }

  @Test
  void edgesNextAndValidity() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", 1));
      t.append(ev(2, "s", "assistant", 2));
      t.append(ev(3, "s", "user", 3));
      t.append(ev(4, "m", "memory", 4));
      assertTrue(t.addEdge("REFERS_TO", 1, 4));
      assertTrue(t.addEdge("SUPERSEDES", 3, 1, 100, Edge.OPEN));
      assertFalse(t.addEdge("REFERS_TO", 1, 99));
      assertThrows(IllegalArgumentException.class, () -> t.addEdge("NEXT", 1, 2));
      assertEquals(List.of(2L), t.neighbours(1, Direction.OUT, "NEXT", Trace.CURRENT).stream().map(Neighbour::eventId)
          .toList());
      assertEquals(List.of(1L), t.neighbours(2, Direction.IN, "NEXT", Trace.CURRENT).stream().map(Neighbour::eventId)
          .toList());
      assertEquals(2, t.neighbours(1, Direction.OUT, null, Trace.CURRENT).size());
      assertEquals(1, t.invalidateEdges("SUPERSEDES", 3, 1, 200));
      assertTrue(t.neighbours(3, Direction.OUT, "SUPERSEDES", Trace.CURRENT).isEmpty());
      assertEquals(1, t.neighbours(3, Direction.OUT, "SUPERSEDES", 150).size());
      assertTrue(t.neighbours(3, Direction.OUT, "SUPERSEDES", 250).isEmpty());
      assertTrue(t.neighbours(3, Direction.OUT, "SUPERSEDES", 50).isEmpty());
      Forgotten f = t.forget(2);
      assertEquals(0, f.edges());
      assertEquals(List.of(3L), t.neighbours(1, Direction.OUT, "NEXT", Trace.CURRENT).stream().map(Neighbour::eventId)
          .toList());
      Forgotten g = t.forget(4);
      assertEquals(1, g.edges());
      assertEquals(1004, g.blobRefs()[0]);
      assertTrue(t.neighbours(1, Direction.OUT, "REFERS_TO", Trace.CURRENT).isEmpty());
    }
  }

  /** A staged checkpoint names the state at its stage, whatever is appended before its commit. */
  @Test
  void aStagedCheckpointRestoresTheStateAtItsStage() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", 10));
      t.append(ev(2, "s", "assistant", 20));
      StagedCheckpoint staged = t.stageCheckpoint(10);
      t.append(ev(3, "s", "user", 30)); // between stage and commit: not in this checkpoint
      t.addEdge("REPLIES_TO", 3, 2);
      t.forget(1);
      assertEquals(-1, t.checkpointLsn(), "nothing is in force before the commit");
      staged.commit();
      assertEquals(10, t.checkpointLsn());
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(10, t.checkpointLsn());
      assertEquals(List.of(2L, 1L), t.history("s", 10).stream().map(Event::id).toList());
      assertTrue(t.neighbours(2, Direction.IN, "REPLIES_TO", Trace.CURRENT).isEmpty());
    }
  }

  @Test
  void anOlderStagedCheckpointNeverReplacesANewerOne() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", 10));
      StagedCheckpoint older = t.stageCheckpoint(10);
      t.append(ev(2, "s", "user", 20));
      StagedCheckpoint newer = t.stageCheckpoint(20);
      newer.commit();
      older.commit();
      assertEquals(20, t.checkpointLsn());
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(20, t.checkpointLsn());
      assertEquals(2, t.eventCount());
    }
  }

  @Test
  void reopenRestoresTheFlushedStateOnly() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(new Event(1, "s", "user", 10, 7, 42, Map.of("mood", "calm", "n", 3, "ok", true,
          "at", Instant.ofEpochSecond(5), "x", 1.5)));
      t.append(ev(2, "s", "assistant", 20));
      t.append(ev(3, "s2", "tool", 30));
      t.addEdge("CAUSED_BY", 2, 1, 5, 50);
      t.addEdge("CAUSED_BY", 3, 2);
      t.invalidateEdges("CAUSED_BY", 3, 2, 40);
      t.updateAttributes(2, Map.of("k", "v"));
      t.forget(3);
      t.flush(77);
      assertThrows(IllegalArgumentException.class, () -> t.flush(76)); // the state is past 76 already
      t.flush(77); // again at the same LSN: nothing changed since
      t.append(ev(4, "s", "user", 40)); // after the flush: gone at reopen
      t.addEdge("CAUSED_BY", 4, 1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(77, t.checkpointLsn());
      assertEquals(3, t.maxEventId()); // 3 was forgotten, but ids are never reused
      assertEquals(2, t.eventCount());
      Event e1 = t.get(1).orElseThrow();
      assertEquals(Map.of("mood", "calm", "n", 3L, "ok", true, "at", Instant.ofEpochSecond(5), "x", 1.5),
          e1.attributes());
      assertEquals(42, e1.vectorId());
      assertEquals(Map.of("k", "v"), t.get(2).orElseThrow().attributes());
      assertTrue(t.get(3).isEmpty());
      assertTrue(t.get(4).isEmpty());
      List<Neighbour> n = t.neighbours(2, Direction.OUT, "CAUSED_BY", 10);
      assertEquals(1, n.size());
      assertEquals(new Edge("CAUSED_BY", 2, 1, 5, 50), n.getFirst().edge());
      assertTrue(t.append(ev(4, "s", "user", 40)));
      assertEquals(List.of(4L, 2L, 1L), t.history("s", 10).stream().map(Event::id).toList());
    }
  }

  @Test
  void corruptRecordIsReportedWithFileAndOffset() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", 10));
      t.append(ev(2, "s", "user", 20));
      t.flush(1);
    }
    long offset = EventRecordDescriptor.FIRST_RECORD + EventRecordDescriptor.LENGTH + EventRecordDescriptor.TS_OFFSET;
    flipByte(dir.resolve(Trace.EVENTS_FILE), offset);
    TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir));
    assertTrue(e.getMessage().contains("events.trace"), e.getMessage());
    assertEquals(EventRecordDescriptor.FIRST_RECORD + EventRecordDescriptor.LENGTH, e.offset());
  }

  @Test
  void flippedBitsInEdgesMetaAndCheckpointAreCaught() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(new Event(1, "s", "user", 10, 1, -1, Map.of("a", "b")));
      t.append(ev(2, "s", "user", 20));
      t.addEdge("X", 1, 2);
      t.flush(1);
    }
    long[][] cases = {
        {0, FileHeader.LENGTH + EdgeRecordDescriptor.A_OFFSET},
        {1, FileHeader.LENGTH + MetaRecordDescriptor.PAYLOAD_OFFSET + 1},
        {2, CheckpointDescriptor.EVENT_COUNT_OFFSET},
        {1, 3}};
    String[] files = {Trace.EDGES_FILE, Trace.META_FILE, Checkpoint.FILE};
    for (long[] c : cases) {
      Path f = dir.resolve(files[(int) c[0]]);
      flipByte(f, c[1]);
      TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir), f + " " + c[1]);
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
      flipByte(f, c[1]);
      Trace.open(dir).close();
    }
  }

  /**
   * A flipped bit in a header's format name, in a letter or in the padding after it, is damage, not another
   * format (the padding's was reported as "format 'trace.events', expected 'trace.events'").
   */
  @Test
  void aDamagedFormatNameIsReportedAsAChecksumMismatch() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", 10));
      t.flush(1);
    }
    Path events = dir.resolve(Trace.EVENTS_FILE);
    for (long offset : new long[] {FileHeader.NAME_OFFSET, FileHeader.NAME_OFFSET + FileHeader.NAME_LENGTH - 1}) {
      flipByte(events, offset);
      TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir));
      assertEquals(FileHeader.CRC_OFFSET, e.offset(), e.getMessage());
      assertTrue(e.getMessage().endsWith("header checksum mismatch"), e.getMessage());
      flipByte(events, offset);
    }
    Trace.open(dir).close();
  }

  /**
   * Edges and meta files past 2 GiB are read like smaller ones (they were refused with an
   * IllegalArgumentException from the JDK, whose buffers end at 2 GiB, so the trace could not be opened
   * again). Sparse files stand in for them: the reader passes the real records and stops at the first of
   * the zeros beyond, naming its offset.
   */
  @Test
  void filesBeyondTwoGibibytesAreRead() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(new Event(1, "s", "user", 10, 1, -1, Map.of("a", "b")));
      t.append(ev(2, "s", "user", 20));
      t.addEdge("X", 1, 2);
      t.addEdge("X", 2, 1);
      t.flush(1);
    }
    Checkpoint cp = Checkpoint.read(dir);
    long records = (1L << 31) / EdgeRecordDescriptor.LENGTH + 1;
    long bigEdges = FileHeader.LENGTH + records * EdgeRecordDescriptor.LENGTH;
    long bigMeta = (1L << 31) + 100;
    Object[][] cases = {
        {Trace.EDGES_FILE, new Checkpoint(cp.lsn(), cp.maxId(), cp.eventCount(), bigEdges, cp.metaBytes()),
            cp.edgeBytes()},
        {Trace.META_FILE, new Checkpoint(cp.lsn(), cp.maxId(), cp.eventCount(), cp.edgeBytes(), bigMeta),
        cp.metaBytes()}};
    for (Object[] c : cases) {
      Path f = dir.resolve((String) c[0]);
      Checkpoint big = (Checkpoint) c[1];
      try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(Math.max(big.edgeBytes(), big.metaBytes())); // sparse: no disk blocks
      }
      big.write(dir);
      TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir), f.toString());
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
      assertEquals((long) c[2], e.offset(), e.getMessage());
      cp.write(dir);
      try (Trace t = Trace.open(dir)) { // cuts the file back to the checkpoint
        assertEquals(2, t.neighbours(1, Direction.BOTH, "X", Trace.CURRENT).size());
        assertEquals(Map.of("a", "b"), t.get(1).orElseThrow().attributes());
      }
    }
  }

  @Test
  void tornTailAfterTheCheckpointIsDiscarded() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(ev(1, "s", "user", 10));
      t.addEdge("X", 1, 1);
      t.flush(5);
    }
    // half an edge record and a half frame appended after the checkpoint, as a crash mid-write leaves
    try (FileChannel ch = FileChannel.open(dir.resolve(Trace.EDGES_FILE), StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7}));
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(Trace.META_FILE), StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9}));
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(1, t.neighbours(1, Direction.OUT, "X", Trace.CURRENT).size());
      assertTrue(t.addEdge("Y", 1, 1));
      t.flush(6);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(2, t.neighbours(1, Direction.OUT, null, Trace.CURRENT).size());
    }
  }

  @Test
  void badInputIsRejectedClearly() throws IOException {
    try (Trace t = Trace.open(dir)) {
      assertThrows(IllegalArgumentException.class, () ->
          t.append(new Event(1, "s", "user", 1, 1, -1, Map.of("x", new Object()))));
      assertThrows(IllegalArgumentException.class, () -> t.addEdge("X", 1, 2, 5, 5));
      assertThrows(IllegalArgumentException.class, () -> t.append(Event.of(1, "s".repeat(2000), "user", 1, 1)));
      assertEquals(0, t.eventCount());
      assertFalse(t.updateAttributes(42, Map.of("a", 1)));
      assertTrue(t.forget(42).isEmpty());
    }
  }

  /**
   * UTF-8 writes an unpaired surrogate as '?': stored, "a\uD800" and "a\uDBFF" were logged as the same name
   * "a?", and the trace did not open again ("string 'a?' is logged again"); an attribute read back changed.
   */
  @Test
  void stringsWithUnpairedSurrogatesAreRefused() throws IOException {
    String smile = "\uD83D\uDE00"; // a pair: well-formed
    try (Trace t = Trace.open(dir)) {
      assertThrows(IllegalArgumentException.class, () -> t.append(Event.of(1, "a\uD800", "user", 1, 1)));
      assertThrows(IllegalArgumentException.class, () -> t.append(Event.of(1, "a", "\uDC00user", 1, 1)));
      assertThrows(IllegalArgumentException.class, () ->
          t.append(new Event(1, "a", "user", 1, 1, -1, Map.of("k", "v\uDBFF"))));
      assertThrows(IllegalArgumentException.class, () ->
          t.append(new Event(1, "a", "user", 1, 1, -1, Map.of("k\uD800", "v"))));
      assertThrows(IllegalArgumentException.class, () -> Trace.checkAttributes(Map.of("k", "\uDE00" + smile)));
      assertThrows(IllegalArgumentException.class, () -> Trace.checkEdgeType("T" + smile.charAt(0)));
      assertEquals(0, t.eventCount());
      assertTrue(t.append(new Event(1, "a" + smile, "user", 1, 1, -1, Map.of("k" + smile, "v" + smile))));
      assertTrue(t.append(Event.of(2, "a" + smile, "user", 2, 2)));
      assertThrows(IllegalArgumentException.class, () -> t.addEdge("T\uD800", 1, 2));
      assertThrows(IllegalArgumentException.class, () -> t.updateAttributes(1, Map.of("k", "\uDFFF")));
      assertTrue(t.addEdge("T" + smile, 1, 2));
      t.flush(0);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(Map.of("k" + smile, "v" + smile), t.get(1).orElseThrow().attributes());
      assertEquals(2, t.history("a" + smile, 5).size());
      assertEquals(1, t.neighbours(1, Direction.OUT, "T" + smile, Trace.CURRENT).size());
    }
  }

  /**
   * Events appended after the last flush and left in the events file by a crash, of which a replay appends only
   * the first again (the log lost the rest), are found after the replay: the replay's appends must not zero them.
   */
  @Test
  void eventsPastAReplayedAppendAreStillFoundAfterIt() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (long id = 1; id <= 10; id++) {
        assertTrue(t.append(Event.of(id, "s", "user", id, id)));
        if (id == 3) {
          t.flush(0);
        }
      }
    } // closed without a flush: the records of events 4 to 10 stay in the file, as after a crash
    try (Trace t = Trace.open(dir)) {
      assertEquals(3, t.eventCount());
      assertTrue(t.append(Event.of(4, "s", "user", 4, 4))); // the replay of what the log still held
      assertTrue(t.append(Event.of(5, "s", "user", 5, 5)));
      assertArrayEquals(new long[] {6, 7, 8, 9, 10}, t.clearEventsPastTheEnd());
      assertArrayEquals(new long[0], t.clearEventsPastTheEnd(), "reported once");
      assertTrue(t.append(Event.of(6, "s", "user", 60, 6)));
      t.flush(1);
    }
    try (Trace t = Trace.open(dir)) {
      assertEquals(6, t.eventCount());
      assertEquals(60, t.get(6).orElseThrow().tsMicros());
      assertArrayEquals(new long[0], t.clearEventsPastTheEnd());
    }
  }

  @Test
  void versionsAreCheckedBothWays() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.flush(0);
    }
    Path file = dir.resolve(Trace.EDGES_FILE);
    writeHeaderVersion(file, 2);
    assertThrows(TraceVersionException.TooNew.class, () -> Trace.open(dir));
    writeHeaderVersion(file, 0);
    assertThrows(TraceVersionException.TooOld.class, () -> Trace.open(dir));
  }

  private static void writeHeaderVersion(Path file, int version) throws IOException {
    ByteBuffer h = FileHeader.write(EdgeRecordDescriptor.FORMAT, EdgeRecordDescriptor.LENGTH);
    h.putInt(FileHeader.VERSION_OFFSET, version);
    h.putInt(FileHeader.CRC_OFFSET, FileHeader.crc(h, 0, FileHeader.CRC_OFFSET));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(h, 0);
    }
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x10));
      ch.write(b.rewind(), offset);
    }
  }
}
