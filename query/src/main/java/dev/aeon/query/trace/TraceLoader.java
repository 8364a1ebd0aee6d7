package dev.aeon.query.trace;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * Rebuilds the in-memory indexes of a trace from its checkpointed files, checking every checksum:
 * strings first (events and edges refer to them), then events, edges, and finally the attribute
 * updates and forgets in their logged order.
 */
final class TraceLoader {

  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final TraceGraph graph;
  private final EventFile events;
  private final AppendFile edges;
  private final AppendFile meta;

  TraceLoader(TraceGraph graph, EventFile events, AppendFile edges, AppendFile meta) {
    this.graph = graph;
    this.events = events;
    this.edges = edges;
    this.meta = meta;
  }

  /** A logged attribute map or forget, applied after events and edges. */
  private record Change(long eventId, Map<String, Object> attributes) {}

  void load(int eventCount) throws IOException {
    List<Change> changes;
    try (Arena arena = Arena.ofConfined()) {
      changes = readMeta(meta.map(arena));
      loadEvents(eventCount);
      loadEdges(edges.map(arena));
    }
    // Forgets are applied together at the end, once every attribute change is (attributes cannot change after a
    // forget): one forget of all the slots, whose edges are loaded by now.
    RoaringBitmap forgets = new RoaringBitmap();
    for (Change c : changes) {
      int slot = graph.slotOf(c.eventId());
      if (slot < 0) {
        continue; // attributes logged for an event appended after this point of the log: cannot happen
      }
      if (c.attributes() == null) {
        forgets.add(slot);
      } else {
        graph.setAttributes(slot, c.attributes());
      }
    }
    if (!forgets.isEmpty()) {
      graph.forget(forgets.toArray());
    }
    checkNoFreedStringInUse(eventCount);
    releaseFreedLists();
  }

  /**
   * Drops the session and role lists that loading the events built under the ids the meta file holds as freed:
   * they hold only forgotten slots, and the compaction that freed the ids had dropped them
   * ({@link TraceGraph#release}).
   */
  private void releaseFreedLists() {
    Dictionary d = graph.dictionary;
    BitSet freed = new BitSet();
    for (int id = 0, n = d.size(); id < n; id++) {
      if (d.string(id) == null) {
        freed.set(id);
      }
    }
    graph.release(freed);
  }

  /**
   * A compaction frees only the strings that no live event or edge uses: one that does would be handed out
   * as a null name (an event without session, an edge without type).
   */
  private void checkNoFreedStringInUse(int eventCount) throws TraceCorruptException {
    Dictionary d = graph.dictionary;
    // Id 0 is the implicit NEXT type (interned first, never freed): freed or another name, the links between
    // a session's events would come out without a type, or with that name, and [:NEXT] would find none.
    if (d.size() > 0 && !Edge.NEXT.equals(d.string(TraceGraph.NEXT_TYPE))) {
      throw new TraceCorruptException(meta.path(), FileHeader.LENGTH, "dictionary id 0 is "
          + (d.string(TraceGraph.NEXT_TYPE) == null ? "freed" : "'" + d.string(TraceGraph.NEXT_TYPE) + "'")
          + ", not the implicit " + Edge.NEXT);
    }
    for (int slot = 0; slot < eventCount; slot++) {
      if (graph.isLive(slot) && (d.string(events.session(slot)) == null || d.string(events.role(slot)) == null)) {
        throw new TraceCorruptException(meta.path(), FileHeader.LENGTH, "event " + events.id(slot)
            + " names a session or role whose string the meta file holds as freed");
      }
    }
    for (int e = 0; e < graph.adjacency.count(); e++) {
      int type = graph.adjacency.type(e);
      if (type != Adjacency.REMOVED && d.string(type) == null) {
        throw new TraceCorruptException(meta.path(), FileHeader.LENGTH, "a link between "
            + events.id(graph.adjacency.from(e)) + " and " + events.id(graph.adjacency.to(e))
            + " has a type whose string the meta file holds as freed");
      }
    }
  }

  private List<Change> readMeta(MemorySegment m) throws IOException {
    List<Change> changes = new ArrayList<>();
    long size = m.byteSize();
    for (long at = 0; at < size; ) {
      long offset = FileHeader.LENGTH + at;
      if (size - at < MetaRecordDescriptor.PAYLOAD_OFFSET) {
        throw new TraceCorruptException(meta.path(), offset, "truncated frame header");
      }
      int length = m.get(INT, at + MetaRecordDescriptor.LENGTH_OFFSET);
      int crc = m.get(INT, at + MetaRecordDescriptor.CRC_OFFSET);
      if (length < 0 || length > MetaRecordDescriptor.MAX_PAYLOAD
          || length + 1 > size - at - MetaRecordDescriptor.KIND_OFFSET) {
        throw new TraceCorruptException(meta.path(), offset, "frame length " + length + " out of range");
      }
      ByteBuffer frame = m.asSlice(at + MetaRecordDescriptor.KIND_OFFSET, length + 1).asByteBuffer()
          .order(ByteOrder.LITTLE_ENDIAN);
      at += MetaRecordDescriptor.PAYLOAD_OFFSET + length;
      CRC32C c = new CRC32C();
      c.update(frame.duplicate());
      if ((int) c.getValue() != crc) {
        throw new TraceCorruptException(meta.path(), offset, "frame checksum mismatch");
      }
      byte kind = frame.get();
      try {
        switch (kind) {
          case MetaRecordDescriptor.KIND_STRING -> {
            int id = frame.getInt();
            byte[] utf8 = new byte[frame.remaining()];
            frame.get(utf8);
            graph.dictionary.restore(id, new String(utf8, StandardCharsets.UTF_8));
          }
          case MetaRecordDescriptor.KIND_ATTRS ->
              changes.add(new Change(frame.getLong(), AttributeCodec.decode(frame)));
          case MetaRecordDescriptor.KIND_FORGET -> changes.add(new Change(frame.getLong(), null));
          case MetaRecordDescriptor.KIND_FREED -> {
            graph.dictionary.restoreFreed(frame.getInt());
            if (frame.hasRemaining()) {
              throw new IllegalStateException("freed id frame of " + (frame.limit() - 1) + " bytes");
            }
          }
          default -> throw new TraceCorruptException(meta.path(), offset, "unknown frame kind " + kind);
        }
      } catch (RuntimeException e) {
        throw new TraceCorruptException(meta.path(), offset, "malformed frame: " + e.getMessage());
      }
    }
    return changes;
  }

  private void loadEvents(int count) throws IOException {
    events.mapExisting(count);
    long previous = Long.MIN_VALUE;
    for (int slot = 0; slot < count; slot++) {
      events.verify(slot);
      long id = events.id(slot);
      int session = events.session(slot);
      int role = events.role(slot);
      long recordOffset = EventRecordDescriptor.FIRST_RECORD + (long) slot * EventRecordDescriptor.LENGTH;
      if (id <= previous && slot > 0) {
        throw new TraceCorruptException(events.path(), recordOffset, "event id " + id + " not after " + previous);
      }
      if (session < 0 || session >= graph.dictionary.size() || role < 0 || role >= graph.dictionary.size()) {
        throw new TraceCorruptException(events.path(), recordOffset, "unknown session or role id");
      }
      previous = id;
      graph.publish(slot, session, role, events.ts(slot), Map.of());
    }
  }

  private void loadEdges(MemorySegment b) throws IOException {
    long size = b.byteSize();
    if (size % EdgeRecordDescriptor.LENGTH != 0) {
      throw new TraceCorruptException(edges.path(), FileHeader.LENGTH + size, "partial edge record");
    }
    for (long at = 0; at < size; at += EdgeRecordDescriptor.LENGTH) {
      long offset = FileHeader.LENGTH + at;
      CRC32C c = new CRC32C();
      c.update(b.asSlice(at, EdgeRecordDescriptor.CRC_OFFSET).asByteBuffer());
      if ((int) c.getValue() != b.get(INT, at + EdgeRecordDescriptor.CRC_OFFSET)) {
        throw new TraceCorruptException(edges.path(), offset, "edge record checksum mismatch");
      }
      int op = b.get(INT, at + EdgeRecordDescriptor.OP_OFFSET);
      long a = b.get(LONG, at + EdgeRecordDescriptor.A_OFFSET);
      long vt = b.get(LONG, at + EdgeRecordDescriptor.VALID_TO_OFFSET);
      if (op == EdgeRecordDescriptor.OP_ADD) {
        int type = b.get(INT, at + EdgeRecordDescriptor.TYPE_OFFSET);
        int from = graph.slotOf(a);
        int to = graph.slotOf(b.get(LONG, at + EdgeRecordDescriptor.B_OFFSET));
        if (from < 0 || to < 0 || type <= 0 || type >= graph.dictionary.size()) {
          throw new TraceCorruptException(edges.path(), offset, "edge refers to an unknown event or type");
        }
        graph.adjacency.add(type, from, to, b.get(LONG, at + EdgeRecordDescriptor.VALID_FROM_OFFSET), vt);
      } else if (op == EdgeRecordDescriptor.OP_INVALIDATE && a >= 0 && a < graph.adjacency.count()) {
        graph.adjacency.setValidTo((int) a, vt);
      } else {
        throw new TraceCorruptException(edges.path(), offset, "bad edge record op " + op);
      }
    }
  }
}
