package dev.aeon.query.trace;

import dev.aeon.common.FirstFailure;
import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import dev.aeon.query.exec.QueryResult;
import dev.aeon.query.exec.QueryRunner;
import dev.aeon.query.lang.QueryException;
import org.agrona.collections.IntArrayList;
import org.roaringbitmap.RoaringBitmap;

/**
 * The episodic trace of one memory directory: events, typed edges between them, and their indexes.
 *
 * <p>Files (each starts with a {@link FileHeader}): {@code events.trace} (fixed-size records, mapped),
 * {@code edges.trace} (append-only edge segment), {@code meta.trace} (strings, attributes, forgets; after
 * a compaction {@code meta-<n>.trace}, the one the checkpoint names) and {@code checkpoint.trace}. The state
 * on disk is exactly the state of the last {@link #flush(long)}:
 * opening cuts every file back to the lengths that flush recorded and rebuilds the in-memory indexes, so
 * the engine replays its write-ahead log from {@link #checkpointLsn()} onwards, and each mutation is
 * applied exactly once. {@link #append} also ignores ids it has already seen.
 *
 * <p>Threads: one writer at a time (mutators synchronise on a writer lock that readers never take) and
 * any number of concurrent readers, which see a consistent prefix of the appends (see {@link TraceGraph}).
 */
public final class Trace implements AutoCloseable {

  /** The {@code asOf} that means "edges not invalidated", the default view of queries. */
  public static final long CURRENT = Long.MIN_VALUE;
  /** The most bytes one event's attributes may take encoded. */
  public static final int MAX_ATTRIBUTE_BYTES = AttributeCodec.MAX_BYTES;
  /**
   * The properties every event has in the query language ({@code Evaluator.nodeProperty}): an attribute of one
   * of these names would be hidden by the event's own, so the engine refuses such names for new attributes.
   */
  public static final Set<String> EVENT_PROPERTIES = Set.of("id", "session", "role", "ts", "text", "vector_id");
  static final String EVENTS_FILE = "events.trace";
  static final String EDGES_FILE = "edges.trace";
  static final String META_FILE = "meta.trace";
  private static final int MAX_STRING_BYTES = 1024;

  private final Path dir;
  private final EventFile events;
  private final AppendFile edges;
  /** The meta log appended to: replaced by a compaction (under both locks), read by commits without the first. */
  private volatile AppendFile meta;
  /** The generation of {@link #meta} ({@link Checkpoint#metaFile}). Write lock. */
  private int metaGeneration;
  /**
   * Meta files a compaction replaced that a checkpoint may still name (its own is not written yet): closed and
   * deleted once one names a later generation. Checkpoint lock.
   */
  private final List<Retired> retired = new ArrayList<>();
  private record Retired(AppendFile file, int generation) {}
  /** Called at each step of a compaction's swap of the meta file: a test copies the directory there. */
  Consumer<String> compactionStep = step -> { };
  private final TraceGraph graph;
  private final Object writeLock = new Object();
  private volatile long maxId;
  /** Orders checkpoint writes, which run outside {@link #writeLock} ({@link StagedCheckpoint#commit()}). */
  private final Object checkpointLock = new Object();
  private long stages; // write lock
  private long stagedLsn = -1; // write lock: the LSN of the last staged checkpoint
  private long checkpointSequence = -1; // checkpoint lock: the stage the checkpoint on disk names
  private volatile Checkpoint committed; // written under the checkpoint lock: the checkpoint on disk
  private final QueryRunner queries;
  private boolean closed;

  private Trace(Path dir, EventFile events, AppendFile edges, AppendFile meta, Checkpoint cp, TextResolver text,
      VectorRecall vectors) {
    this.dir = dir;
    this.events = events;
    this.edges = edges;
    this.meta = meta;
    this.metaGeneration = cp.metaGeneration();
    this.graph = new TraceGraph(events);
    this.maxId = cp.maxId();
    this.committed = cp;
    this.queries = new QueryRunner(graph, text, vectors);
  }

  /** Opens a trace whose queries can read neither texts nor vectors (for tools and tests). */
  public static Trace open(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    return open(dir, blobRef -> null, VectorRecall.NONE);
  }

  /**
   * The log position named by the checkpoint in {@code dir}, read without opening the trace (which cuts
   * its files back to that checkpoint); -1 if there is none, as {@link #checkpointLsn()}.
   */
  public static long checkpointLsn(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    return Files.isDirectory(dir) ? Checkpoint.read(dir).lsn() : Checkpoint.EMPTY.lsn();
  }

  /**
   * Opens (creating if needed) the trace in {@code dir} as of its last flush; queries resolve event
   * texts through {@code text} and vector steps through {@code vectors}.
   */
  public static Trace open(Path dir, TextResolver text, VectorRecall vectors) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(vectors, "vectors");
    DurableFiles.createDirectories(dir);
    Checkpoint cp = Checkpoint.read(dir);
    EventFile events = EventFile.open(dir.resolve(EVENTS_FILE));
    AppendFile edges = null;
    AppendFile meta = null;
    try {
      edges = AppendFile.open(dir.resolve(EDGES_FILE), EdgeRecordDescriptor.FORMAT, EdgeRecordDescriptor.LENGTH,
          cp.edgeBytes());
      meta = AppendFile.open(dir.resolve(Checkpoint.metaFile(cp.metaGeneration())), MetaRecordDescriptor.FORMAT, 0,
          cp.metaBytes());
      Trace t = new Trace(dir, events, edges, meta, cp, text, vectors);
      new TraceLoader(t.graph, events, edges, meta).load(cp.eventCount());
      cp.checkMaxId(dir, cp.eventCount() == 0 ? Long.MIN_VALUE : events.id(cp.eventCount() - 1));
      if (t.graph.dictionary.size() == 0) {
        t.intern(Edge.NEXT);
      }
      deleteMetaFilesOtherThan(dir, cp.metaGeneration());
      DurableFiles.deleteLeftoverOfReplace(dir.resolve(Checkpoint.FILE)); // a crash's part of a checkpoint
      return t;
    } catch (IOException | RuntimeException e) {
      closeQuietly(events, e);
      closeQuietly(edges, e);
      closeQuietly(meta, e);
      throw e;
    }
  }

  /**
   * Deletes the meta files of other generations than the checkpoint's: the one a compaction replaced (a crash
   * came before its deletion), or one it wrote that no checkpoint came to name. Neither is read again, and the
   * replaced one holds what the compaction erased.
   */
  private static void deleteMetaFilesOtherThan(Path dir, int generation) throws IOException {
    List<Path> others = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.forEach(f -> {
        int g = Checkpoint.metaGeneration(f.getFileName().toString());
        if (g >= 0 && g != generation) {
          others.add(f);
        }
      });
    }
    for (Path f : others) {
      Files.deleteIfExists(f);
    }
  }

  private static void closeQuietly(AutoCloseable c, Exception e) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
    }
  }

  /** The slot-level read API (for the query executor). */
  public TraceGraph graph() {
    return graph;
  }

  public Path directory() {
    return dir;
  }

  // ------------------------------------------------------------------------------------ mutations

  /**
   * Appends an event. Returns false, changing nothing, if its id is not larger than every id appended
   * before (a replayed append). Attribute values must be String, Long/Integer, Double/Float, Boolean or
   * Instant, and no string (session, role, attribute key or value) may hold an unpaired surrogate
   * (IllegalArgumentException otherwise).
   */
  public boolean append(Event event) {
    Objects.requireNonNull(event, "event");
    Map<String, Object> attrs = normalise(event.attributes(), Map.of());
    byte[] encoded = attrs.isEmpty() ? null : AttributeCodec.encode(attrs);
    synchronized (writeLock) {
      checkOpen();
      if (event.id() <= maxId) {
        return false;
      }
      int slot = graph.slotCount();
      int[] ids = {graph.dictionary.id(event.session()), graph.dictionary.id(event.role())}; // as the record holds them
      try {
        // The record before its attributes: a record that cannot be written (the events file cannot grow) leaves
        // nothing, and one whose attributes cannot be logged lies past the last slot, where the next append
        // overwrites it. Attributes logged first stayed in the meta log, and went to the next event of this id.
        if (ids[0] >= 0 && ids[1] >= 0) {
          // The common case, a known session and role: no name to log first and take back, so no NewNames.
          logAllOrNothing(meta, () -> writeEvent(slot, event, ids, encoded));
        } else {
          // New names are logged before the record, and taken back with the attributes (NewNames).
          NewNames names = new NewNames(graph.dictionary, meta);
          logAllOrNothing(meta, () -> {
            ids[0] = names.id(event.session());
            ids[1] = names.id(event.role());
            writeEvent(slot, event, ids, encoded);
          });
          names.register();
        }
      } catch (IOException x) {
        throw new UncheckedIOException("cannot append event " + event.id() + " to " + dir, x);
      }
      graph.publish(slot, ids[0], ids[1], event.tsMicros(), attrs);
      maxId = event.id();
      return true;
    }
  }

  /** Writes {@code event}'s record at {@code slot}, its session's and role's {@code ids}, then its attributes. */
  private void writeEvent(int slot, Event event, int[] ids, byte[] encoded) throws IOException {
    events.write(slot, event.id(), event.tsMicros(), event.blobRef(), event.vectorId(), ids[0], ids[1]);
    if (encoded != null) {
      appendAttributes(meta, event.id(), encoded);
    }
  }

  // ------------------------------------------------------------- checks a caller may make first
  // A caller that logs its writes before applying them (the engine) makes these checks before logging,
  // so that a write this trace would refuse never reaches the log.

  /**
   * Throws IllegalArgumentException unless {@code type} may be stored: not empty, not the implicit NEXT, no
   * unpaired surrogate.
   */
  public static void checkEdgeType(String type) {
    Objects.requireNonNull(type, "type");
    if (type.isEmpty() || type.equals(Edge.NEXT)) {
      throw new IllegalArgumentException("edge type '" + type + "' cannot be stored (NEXT is implicit)");
    }
    AttributeCodec.utf8("edge type", type);
  }

  /** Throws IllegalArgumentException unless {@link #addEdge} would take this type and validity. */
  public static void checkEdge(String type, long validFrom, long validTo) {
    checkEdgeType(type);
    if (validFrom >= validTo) {
      throw new IllegalArgumentException("validFrom " + validFrom + " is not before validTo " + validTo);
    }
  }

  /**
   * Throws IllegalArgumentException unless {@link #invalidateEdges} can end links of {@code type} at
   * {@code atMicros}: an end of Long.MAX_VALUE means "open", so the links would stay current.
   */
  public static void checkInvalidation(String type, long atMicros) {
    checkEdgeType(type);
    if (atMicros == Edge.OPEN) {
      throw new IllegalArgumentException("cannot invalidate at " + Edge.OPEN
          + ", the largest time: a link valid until then is open");
    }
  }

  /**
   * Throws IllegalArgumentException unless {@link #append} would take these attributes: supported
   * value types, at most 256 of them, at most 32,760 bytes encoded, no unpaired surrogate in a key or string.
   */
  public static void checkAttributes(Map<String, Object> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    AttributeCodec.encode(normalise(attributes, Map.of()));
  }

  /**
   * Throws IllegalArgumentException unless {@link #updateAttributes} would take these changes to event
   * {@code id}: the event's attributes merged with them must be storable. Nothing to check for an event
   * that does not exist (the update would return false).
   */
  public void checkAttributeUpdate(long id, Map<String, Object> changes) {
    Objects.requireNonNull(changes, "changes");
    synchronized (writeLock) {
      int slot = graph.slotOf(id);
      if (slot >= 0) {
        AttributeCodec.encode(normalise(changes, graph.attributes(slot)));
      }
    }
  }

  /**
   * Adds a stored edge {@code from -[type]-> to} valid in {@code [validFrom, validTo)}. Returns false if
   * either event does not exist (or was forgotten). NEXT edges are implicit and cannot be added.
   */
  public boolean addEdge(String type, long from, long to, long validFrom, long validTo) {
    checkEdge(type, validFrom, validTo);
    synchronized (writeLock) {
      checkOpen();
      int f = graph.slotOf(from);
      int t = graph.slotOf(to);
      if (f < 0 || t < 0) {
        return false;
      }
      int typeId = graph.stringId(type);
      if (typeId >= 0) {
        // The common case, a known type: no name to log first and take back, so none of NewNames' allocations and
        // second lookup on the path of every link.
        try {
          writeEdge(EdgeRecordDescriptor.OP_ADD, typeId, from, to, validFrom, validTo);
        } catch (IOException x) {
          throw new UncheckedIOException("cannot add an edge in " + dir, x);
        }
      } else {
        NewNames names = new NewNames(graph.dictionary, meta);
        // A new type's name is logged in the meta log before the edge's record, and taken back if that fails.
        logAllOrNothing(meta, "cannot add an edge", () -> writeEdge(EdgeRecordDescriptor.OP_ADD, names.id(type), from,
            to, validFrom, validTo));
        names.register();
        typeId = graph.stringId(type);
      }
      graph.adjacency.add(typeId, f, t, validFrom, validTo);
      return true;
    }
  }

  /** Adds an edge valid forever. */
  public boolean addEdge(String type, long from, long to) {
    return addEdge(type, from, to, Edge.SINCE_EVER, Edge.OPEN);
  }

  /**
   * Ends at {@code atMicros} the validity of the not yet invalidated edges {@code from -[type]-> to}
   * (the fact is superseded, not deleted: {@code AS OF} an earlier time still sees it). Returns how many. All or
   * nothing: each edge's record is logged before any edge ends in the graph, and one that fails part way takes its
   * records back ({@link #logAllOrNothing}; FailedInvalidationTest).
   */
  public int invalidateEdges(String type, long from, long to, long atMicros) {
    checkInvalidation(type, atMicros);
    synchronized (writeLock) {
      checkOpen();
      IntArrayList hits = currentEdgeList(type, from, to);
      logAllOrNothing(edges, "cannot invalidate an edge", () -> {
        for (int i = 0; i < hits.size(); i++) {
          writeEdge(EdgeRecordDescriptor.OP_INVALIDATE, 0, hits.getInt(i), 0, 0, atMicros);
        }
      });
      for (int i = 0; i < hits.size(); i++) {
        graph.adjacency.setValidTo(hits.getInt(i), atMicros);
      }
      return hits.size();
    }
  }

  /**
   * The edges {@code from -[type]-> to} not yet invalidated, those {@link #invalidateEdges} would end.
   *
   * @param count how many there are
   * @param latestStart the latest {@code validFrom} among them; Long.MIN_VALUE when there are none
   */
  public record CurrentEdges(int count, long latestStart) {}

  /** The edges {@code from -[type]-> to} not yet invalidated, for the single writer to check an invalidation. */
  public CurrentEdges currentEdges(String type, long from, long to) {
    Objects.requireNonNull(type, "type");
    long latestStart = Long.MIN_VALUE;
    IntArrayList edges = currentEdgeList(type, from, to);
    for (int i = 0; i < edges.size(); i++) {
      latestStart = Math.max(latestStart, graph.adjacency.validFrom(edges.getInt(i)));
    }
    return new CurrentEdges(edges.size(), latestStart);
  }

  private IntArrayList currentEdgeList(String type, long from, long to) {
    IntArrayList hits = new IntArrayList();
    int f = graph.slotOf(from);
    int t = graph.slotOf(to);
    int typeId = graph.stringId(type);
    if (f < 0 || t < 0 || typeId < 0) {
      return hits;
    }
    graph.adjacency.visit(f, true, typeId, CURRENT, (e, ty, fs, ts, vf, vt) -> {
      if (ts == t) {
        hits.addInt(e);
      }
      return true;
    });
    return hits;
  }

  /** Forgets an event and its edges; returns what was removed (empty if it did not exist). */
  public Forgotten forget(long id) {
    synchronized (writeLock) {
      checkOpen();
      int slot = graph.slotOf(id);
      return slot < 0 ? Forgotten.NOTHING : forgetSlots(new int[] {slot});
    }
  }

  /**
   * Forgets the events of these ids that exist, and their edges: every slot is marked forgotten before any of
   * their edges and attributes go. The marks are set one by one (the set is not copied), so a reader during the
   * call may find some of these events forgotten and others not yet, each one whole or gone.
   */
  public Forgotten forgetAll(long[] ids) {
    Objects.requireNonNull(ids, "ids");
    synchronized (writeLock) {
      checkOpen();
      if (ids.length == 1) { // the engine's forget of one event: no set to put it in
        int slot = graph.slotOf(ids[0]);
        return slot < 0 ? Forgotten.NOTHING : forgetSlots(new int[] {slot});
      }
      RoaringBitmap slots = new RoaringBitmap();
      for (long id : ids) {
        int slot = graph.slotOf(id);
        if (slot >= 0) {
          slots.add(slot);
        }
      }
      return slots.isEmpty() ? Forgotten.NOTHING : forgetSlots(slots.toArray());
    }
  }

  /** Forgets every event of a session and their edges: its slots are read from the session's list. */
  public Forgotten forgetSession(String session) {
    Objects.requireNonNull(session, "session");
    synchronized (writeLock) {
      checkOpen();
      int[] slots = liveSessionSlots(session);
      return slots.length == 0 ? Forgotten.NOTHING : forgetSlots(slots);
    }
  }

  /**
   * The ids of a session's live events, oldest first, read from its list without making the events: what the
   * engine removes from the vector index before it forgets the session here.
   */
  public long[] liveSessionIds(String session) {
    Objects.requireNonNull(session, "session");
    int[] slots = liveSessionSlots(session);
    long[] ids = new long[slots.length];
    for (int i = 0; i < slots.length; i++) {
      ids[i] = graph.id(slots[i]);
    }
    return ids;
  }

  /** How many live events a session has (a count the graph keeps: no event is read). */
  public int liveSessionCount(String session) {
    Objects.requireNonNull(session, "session");
    return graph.liveEventsIn(graph.stringId(session));
  }

  /** The live slots of a session, in append order. */
  private int[] liveSessionSlots(String session) {
    SlotList list = graph.sessionSlots(graph.stringId(session));
    if (list == null) {
      return new int[0];
    }
    int n = list.size();
    int[] slots = new int[n];
    int live = 0;
    for (int i = 0; i < n; i++) {
      int slot = list.get(i);
      if (graph.isLive(slot)) {
        slots[live++] = slot;
      }
    }
    return live == n ? slots : Arrays.copyOf(slots, live);
  }

  /**
   * Logs a forget record per slot, then forgets them all in the graph: all or nothing ({@link #logAllOrNothing};
   * FailedForgetTest).
   */
  private Forgotten forgetSlots(int[] slots) {
    long[] ids = new long[slots.length];
    long[] blobRefs = new long[slots.length];
    logAllOrNothing(meta, "cannot forget", () -> {
      for (int i = 0; i < slots.length; i++) {
        ids[i] = graph.id(slots[i]);
        blobRefs[i] = graph.blobRef(slots[i]);
        appendForget(meta, ids[i]);
      }
    });
    int edgesRemoved = graph.forget(slots);
    return new Forgotten(ids, blobRefs, edgesRemoved);
  }

  /** Appends the records of one change to a log ({@link #logAllOrNothing}). */
  @FunctionalInterface
  private interface Records {
    void append() throws IOException;
  }

  /**
   * Appends a change's records to {@code log}, all of them or none: those appended before one that cannot be (a full
   * device, once the buffer must be written out) are taken back ({@link AppendFile#rollBackTo}). Left, the next
   * checkpoint named them while the graph had not taken the change, and a reopen applied part of it: a forget's
   * records forgot events the trace had shown live up to that checkpoint. The caller changes the graph once this has
   * returned. The engine fails its namespace on such a failure, and its reopen cuts the logs back anyway; a caller
   * of the trace alone (a tool, a test) goes on with the trace as it was. {@code failure} says what could not be done.
   */
  private void logAllOrNothing(AppendFile log, String failure, Records records) {
    try {
      logAllOrNothing(log, records);
    } catch (IOException x) {
      throw new UncheckedIOException(failure + " in " + dir, x);
    }
  }

  /** {@link #logAllOrNothing(AppendFile, String, Records)}, its I/O error thrown as it is. */
  private static void logAllOrNothing(AppendFile log, Records records) throws IOException {
    long logged = log.length();
    try {
      records.append();
    } catch (IOException | RuntimeException | Error e) {
      log.rollBackTo(logged);
      throw e;
    }
  }

  /**
   * Sets attributes of an event: each entry replaces the attribute of that name, a null value removes
   * it. Returns false if the event does not exist.
   */
  public boolean updateAttributes(long id, Map<String, Object> changes) {
    Objects.requireNonNull(changes, "changes");
    synchronized (writeLock) {
      checkOpen();
      int slot = graph.slotOf(id);
      if (slot < 0) {
        return false;
      }
      Map<String, Object> merged = normalise(changes, graph.attributes(slot));
      byte[] encoded = AttributeCodec.encode(merged);
      try {
        appendAttributes(meta, id, encoded);
      } catch (IOException x) {
        throw new UncheckedIOException("cannot update attributes in " + dir, x);
      }
      graph.setAttributes(slot, merged);
      return true;
    }
  }

  /**
   * Makes the current state durable and records that it corresponds to the engine's log position
   * {@code lsn}: forces every file, then atomically replaces the checkpoint. After a crash the trace
   * reopens in exactly this state.
   */
  public void flush(long lsn) {
    synchronized (writeLock) {
      stageCheckpoint(lsn).commit();
    }
  }

  /** A {@link #flush} that compacts the meta log: see {@link #stageCheckpoint(long, boolean)}. */
  public void compact(long lsn) {
    synchronized (writeLock) {
      stageCheckpoint(lsn, true).commit();
    }
  }

  /**
   * The first half of a {@link #flush}: under the trace's lock, writes the buffered appends out to the
   * operating system and returns the checkpoint of the current state at {@code lsn}, which
   * {@link StagedCheckpoint#commit()} forces and writes without that lock.
   */
  public StagedCheckpoint stageCheckpoint(long lsn) {
    return stageCheckpoint(lsn, false);
  }

  /**
   * As {@link #stageCheckpoint(long)}; if {@code compact}, it also writes the meta log anew with only what the
   * current state needs (the strings that live events and edges use, the current attributes of live events,
   * the ids of forgotten ones) to a file of the next generation, forced before this returns. Appends go on in
   * the new file. The checkpoint that {@link StagedCheckpoint#commit()} writes names it, and then the old
   * file, with every attribute map and name of the forgotten events, is deleted. Until then a crash leaves
   * the old file in force, and opening deletes the new one.
   */
  public StagedCheckpoint stageCheckpoint(long lsn, boolean compact) {
    synchronized (writeLock) {
      checkOpen();
      long last = Math.max(stagedLsn, committed.lsn()); // committed: the one opened, before any stage
      if (lsn < last) {
        // The state already holds the mutations up to the later LSN: named as of an earlier one, replay
        // would apply those again, and not all of them are idempotent (an edge would be added twice)
        throw new IllegalArgumentException("checkpoint at LSN " + lsn + " after one at LSN " + last
            + ": LSNs of checkpoints never go back");
      }
      stagedLsn = lsn;
      try {
        long edgeBytes = edges.writeBuffered();
        if (compact) {
          rewriteMeta();
        }
        long metaBytes = meta.writeBuffered();
        return new StagedCheckpoint(this, new Checkpoint(lsn, maxId, graph.slotCount(), edgeBytes, metaBytes,
            metaGeneration), meta, stages++);
      } catch (IOException x) {
        throw new UncheckedIOException("cannot flush the trace in " + dir, x);
      }
    }
  }

  /**
   * Unless a later stage's checkpoint is already written: forces what the staged checkpoint names (the
   * files only grow, so a force now writes it as it was at the stage) and writes it.
   */
  void commit(StagedCheckpoint staged) {
    synchronized (checkpointLock) {
      if (staged.sequence <= checkpointSequence) {
        return;
      }
      Checkpoint cp = staged.checkpoint;
      try {
        events.force(committed.eventCount(), cp.eventCount());
        edges.forceWritten();
        staged.meta.forceWritten(); // the file it names: a later compaction's stage may have replaced it
        cp.write(dir);
      } catch (IOException x) {
        throw new UncheckedIOException("cannot write the trace's checkpoint in " + dir, x);
      }
      committed = cp;
      checkpointSequence = staged.sequence;
      compactionStep.accept("checkpoint written");
      deleteRetired(cp.metaGeneration());
    }
  }

  /**
   * Writes the meta log anew under the next generation and appends to it from now on (write lock). The old
   * file stays until a checkpoint names a later generation ({@link #deleteRetired}).
   */
  private void rewriteMeta() throws IOException {
    int generation = Math.addExact(metaGeneration, 1);
    Path file = dir.resolve(Checkpoint.metaFile(generation));
    Files.deleteIfExists(file); // written by a compaction that failed before its checkpoint: no checkpoint names it
    AppendFile next = AppendFile.open(file, MetaRecordDescriptor.FORMAT, 0, -1);
    BitSet freed = new BitSet();
    try {
      BitSet used = stringsInUse();
      Dictionary d = graph.dictionary;
      for (int id = 0, n = d.size(); id < n; id++) {
        String s = d.string(id);
        if (s != null && used.get(id)) {
          appendString(next, id, s.getBytes(StandardCharsets.UTF_8));
        } else {
          // Its id stays taken: forgotten events' records, and removed edges' records, still name it.
          appendMeta(next, MetaRecordDescriptor.KIND_FREED, le(4).putInt(id).flip()); // the id, no bytes
          if (s != null) {
            freed.set(id);
          }
        }
      }
      for (int slot = 0, n = graph.slotCount(); slot < n; slot++) {
        if (!graph.isLive(slot)) {
          // The loader must still know it is forgotten: its record stays in the events file.
          appendForget(next, graph.id(slot));
        } else if (!graph.attributes(slot).isEmpty()) {
          appendAttributes(next, graph.id(slot), AttributeCodec.encode(graph.attributes(slot)));
        }
      }
      next.writeBuffered();
      next.forceWritten();
      DurableFiles.fsyncDirectory(dir); // its name must be durable before a checkpoint names it
    } catch (IOException | RuntimeException e) {
      closeQuietly(next, e);
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    compactionStep.accept("meta written");
    synchronized (checkpointLock) {
      retired.add(new Retired(meta, metaGeneration));
    }
    meta = next;
    metaGeneration = generation;
    // Erased from the files, the names go from memory too, with the lists kept under their ids: else a process
    // that creates and forgets sessions held all of them, and their names, until a reopen. Used again, a name
    // takes a new id, logged in the new file. Not before the swap: a compaction that failed changes nothing.
    graph.release(freed);
  }

  /** The dictionary ids that live events (session, role), stored edges not removed (type) and NEXT use. */
  private BitSet stringsInUse() {
    BitSet used = new BitSet();
    used.set(TraceGraph.NEXT_TYPE);
    for (int slot = 0, n = graph.slotCount(); slot < n; slot++) {
      if (graph.isLive(slot)) {
        used.set(graph.sessionId(slot));
        used.set(graph.roleId(slot));
      }
    }
    Adjacency a = graph.adjacency;
    for (int e = 0, n = a.count(); e < n; e++) {
      int type = a.type(e);
      if (type != Adjacency.REMOVED) { // invalidated edges included: AS OF an earlier time reads them
        used.set(type);
      }
    }
    return used;
  }

  /**
   * Closes and deletes the meta files replaced by a compaction once the checkpoint on disk names a later
   * generation (checkpoint lock). No stage that names one can commit any more: its sequence is older.
   */
  private void deleteRetired(int committedGeneration) {
    IOException failure = null;
    for (var it = retired.iterator(); it.hasNext(); ) {
      Retired r = it.next();
      if (r.generation() < committedGeneration) {
        it.remove();
        try (AppendFile f = r.file()) {
          Files.deleteIfExists(f.path());
        } catch (IOException x) {
          failure = FirstFailure.of(failure, x);
        }
      }
    }
    if (failure != null) {
      // The checkpoint is written; opening deletes the file, since no checkpoint names it any more.
      throw new UncheckedIOException("the trace in " + dir + " is checkpointed, but a meta file its compaction"
          + " replaced could not be deleted", failure);
    }
    compactionStep.accept("old meta deleted");
  }

  /**
   * Zeroes the whole event records the events file holds after the last appended event, and returns their ids
   * in order. Opening reads only the events its checkpoint names; a caller that replays a log calls this after
   * the replay, before appending: what is left was appended before a crash and is not in the log, either never
   * acknowledged or lost with a damaged log. Zeroed, they are reported once.
   */
  public long[] clearEventsPastTheEnd() throws IOException {
    synchronized (writeLock) {
      checkOpen();
      return events.clearWholeRecordsAfter(graph.slotCount());
    }
  }

  /** The log position of the last flush (-1 before the first): replay mutations after it. */
  public long checkpointLsn() {
    return committed.lsn();
  }

  /** The largest event id appended ({@link Long#MIN_VALUE} if none). */
  public long maxEventId() {
    return maxId;
  }

  // ---------------------------------------------------------------------------------------- reads

  /**
   * Whether the trace holds the live event {@code id}: {@link #get} without making the event (its names, attributes
   * and record), which a writer's check that an event exists does not need.
   */
  public boolean contains(long id) {
    return graph.slotOf(id) >= 0;
  }

  public Optional<Event> get(long id) {
    return Optional.ofNullable(get(id, Event::new));
  }

  /** What {@code factory} makes of the live event {@code id}, or null if the trace does not hold it. */
  public <T> T get(long id, Event.Factory<T> factory) {
    Objects.requireNonNull(factory, "factory");
    int slot = graph.slotOf(id);
    return slot < 0 ? null : graph.liveEvent(slot, factory);
  }

  /**
   * The newest {@code limit} live events of a session, newest first (in append order).
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public List<Event> history(String session, int limit) {
    Objects.requireNonNull(session, "session");
    requireLimit(limit);
    List<Event> out = new ArrayList<>(Math.min(limit, 1024));
    SlotList list = graph.sessionSlots(graph.stringId(session));
    if (list == null) {
      return out;
    }
    for (int i = list.size() - 1; i >= 0 && out.size() < limit; i--) {
      Event e = graph.liveEvent(list.get(i));
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** A negative limit is a caller's mistake, refused as {@code Memory.history} refuses it, not an empty answer. */
  private static void requireLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
  }

  /**
   * Up to {@code limit} live events with {@code fromMicros <= ts <= toMicros}, oldest first.
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public List<Event> range(long fromMicros, long toMicros, int limit) {
    requireLimit(limit);
    List<Event> out = new ArrayList<>();
    if (limit == 0) {
      return out;
    }
    graph.timeScan(fromMicros, toMicros, false, (ts, slot) -> {
      Event e = graph.liveEvent(slot); // the scan checked an earlier forgotten set
      if (e != null) {
        out.add(e);
      }
      return out.size() < limit;
    });
    return out;
  }

  /**
   * The edges of an event in a direction, of one type (null: any, including NEXT), valid at
   * {@code asOf} ({@link #CURRENT}: not invalidated), newest stored edge first after NEXT.
   */
  public List<Neighbour> neighbours(long id, Direction dir, String type, long asOf) {
    Objects.requireNonNull(dir, "dir");
    List<Neighbour> out = new ArrayList<>();
    int slot = graph.slotOf(id);
    int typeId = type == null ? -1 : graph.stringId(type);
    if (slot < 0 || (type != null && typeId < 0)) {
      return out;
    }
    graph.visitEdges(slot, dir, typeId, asOf, (e, t, f, to, vf, vt) -> {
      String name = graph.string(t);
      if (name == null) {
        return true; // removed with a forgotten event since the visit found it, and its type freed by a compaction
      }
      Edge edge = new Edge(name, graph.id(f), graph.id(to), vf, vt);
      out.add(new Neighbour(edge, f == slot && dir != Direction.IN ? edge.to() : edge.from()));
      return true;
    });
    return out;
  }

  /**
   * Runs a statement of the query language (docs/query-language.md) with its parameters (String, Long,
   * Integer, Double, Boolean, Instant, float[], List, Map; null: none). Concurrent with the writer; any problem with
   * the statement is a {@link QueryException}.
   */
  public QueryResult query(String statement, Map<String, Object> params) {
    return queries.query(statement, params);
  }

  /**
   * As {@link #query(String, Map)}, stopped with a {@code QueryException} after {@code timeLimit} (zero: none;
   * negative: IllegalArgumentException).
   */
  public QueryResult query(String statement, Map<String, Object> params, java.time.Duration timeLimit) {
    return queries.query(statement, params, timeLimit);
  }

  /** The plan a statement would run, one operator per line ({@code params} null: none). */
  public String explain(String statement, Map<String, Object> params) {
    return queries.explain(statement, params);
  }

  /** Live events. */
  public int eventCount() {
    return graph.liveCount();
  }

  /** Bytes of the trace's files as they would be after a flush. */
  public long diskBytes() {
    return events.diskBytes(graph.slotCount()) + edges.diskBytes() + meta.diskBytes() + CheckpointDescriptor.LENGTH;
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      List<AppendFile> replaced;
      synchronized (checkpointLock) {
        replaced = retired.stream().map(Retired::file).toList();
        retired.clear();
      }
      AppendFile current = meta;
      try (events; edges; current) {
        // closing without flush keeps the last checkpoint authoritative; see the class comment
        for (AppendFile f : replaced) {
          f.close(); // the checkpoint on disk may still name it (its compaction did not commit): kept
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the trace in " + dir + " is closed");
    }
  }


  private static Map<String, Object> normalise(Map<String, Object> changes, Map<String, Object> base) {
    if (changes.isEmpty()) {
      return base;
    }
    Map<String, Object> out = new LinkedHashMap<>(base);
    for (Map.Entry<String, Object> e : new HashMap<>(changes).entrySet()) {
      Objects.requireNonNull(e.getKey(), "attribute name");
      if (e.getValue() == null) {
        out.remove(e.getKey());
      } else {
        out.put(e.getKey(), AttributeCodec.normalise(e.getKey(), e.getValue()));
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * The dictionary id of {@code s}, adding (and logging) it if new, or freed by a compaction: then under a new id,
   * as ids are never handed out twice. Writer only.
   */
  int intern(String s) throws IOException {
    NewNames names = new NewNames(graph.dictionary, meta);
    int id = names.id(s);
    names.register();
    return id;
  }

  /** Logs {@code s} as the string of dictionary id {@code id} ({@link NewNames}). */
  static void logName(AppendFile meta, int id, String s) throws IOException {
    // Refused, not logged as '?': read back, it would be another name, or the name of another id, and the
    // trace would not open again ("string logged again").
    byte[] utf8 = AttributeCodec.utf8("name", s);
    if (utf8.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException("name longer than " + MAX_STRING_BYTES + " bytes: "
          + s.substring(0, 40) + "...");
    }
    appendString(meta, id, utf8);
  }

  private static void appendString(AppendFile meta, int id, byte[] utf8) throws IOException {
    appendMeta(meta, MetaRecordDescriptor.KIND_STRING, le(4 + utf8.length).putInt(id).put(utf8).flip());
  }

  private static void appendAttributes(AppendFile meta, long eventId, byte[] encoded) throws IOException {
    appendMeta(meta, MetaRecordDescriptor.KIND_ATTRS, le(8 + encoded.length).putLong(eventId).put(encoded).flip());
  }

  private static void appendForget(AppendFile meta, long eventId) throws IOException {
    appendMeta(meta, MetaRecordDescriptor.KIND_FORGET, le(8).putLong(eventId).flip());
  }

  private static void appendMeta(AppendFile meta, byte kind, ByteBuffer payload) throws IOException {
    int n = payload.remaining();
    if (n > MetaRecordDescriptor.MAX_PAYLOAD) { // a record that TraceLoader would refuse: the file lost
      throw new IllegalStateException("meta record of " + n + " bytes, at most " + MetaRecordDescriptor.MAX_PAYLOAD);
    }
    ByteBuffer b = meta.reserve(MetaRecordDescriptor.PAYLOAD_OFFSET + n);
    CRC32C crc = new CRC32C();
    crc.update(kind);
    crc.update(payload.duplicate());
    b.putInt(n).putInt((int) crc.getValue()).put(kind).put(payload);
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  private void writeEdge(int op, int type, long a, long b, long validFrom, long validTo) throws IOException {
    ByteBuffer buf = edges.reserve(EdgeRecordDescriptor.LENGTH);
    int start = buf.position();
    buf.putInt(op).putInt(type).putLong(a).putLong(b).putLong(validFrom).putLong(validTo).putInt(0);
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().limit(buf.position()).position(start));
    buf.putInt((int) crc.getValue());
  }
}
