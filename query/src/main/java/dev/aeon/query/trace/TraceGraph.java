package dev.aeon.query.trace;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.roaringbitmap.RoaringBitmap;

/**
 * The read side of a {@link Trace} at slot level, for the query executor: events are addressed by their
 * slot (append position), indexes are lists of slots. Every method is lock-free and safe to call while
 * the single writer appends: a reader sees a prefix of the appended events ({@link #slotCount()}), and
 * the set of forgotten slots only grows, a bit set in place per forgotten slot ({@link ForgottenSlots}).
 *
 * <p>A compaction drops the names that only forgotten events and removed edges used, with the session and role
 * lists kept under their ids ({@link #release}). A reader that holds such an id, or the slot of an event it found
 * live before the forget, then finds the name null (ids are never handed out again: never another name) and the
 * lists gone (null); it takes the event, or the edge, as forgotten, which it is.
 */
public final class TraceGraph {

  /** Dictionary id of the implicit {@link Edge#NEXT} type (interned first in every trace). */
  public static final int NEXT_TYPE = 0;

  final EventFile events;
  final Dictionary dictionary = new Dictionary();
  final Adjacency adjacency = new Adjacency();
  private final ObjectColumn<SlotList> sessions = new ObjectColumn<>();
  private final ObjectColumn<SlotList> roles = new ObjectColumn<>();
  private final ObjectColumn<Map<String, Object>> attributes = new ObjectColumn<>();
  /** Each slot's position in its session's list: NEXT edges are found without searching the list. */
  private final IntColumn sessionPos = new IntColumn(0);
  /** Each session's number of live events, by its dictionary id: sessions are listed without reading events. */
  private final IntColumn sessionLive = new IntColumn(0);
  private volatile int liveSessions;
  private final TimeIndex time = new TimeIndex();
  private final ForgottenSlots forgotten = new ForgottenSlots();
  /**
   * Number of forgets, counted once each forget's slots are all in {@link #forgotten}: the version of the set that
   * the cache of large sessions' live ids is valid for.
   */
  private volatile long forgets;

  /** A large session's live ids, valid while the session has {@code size} slots and nothing else is forgotten. */
  private record SessionIds(int size, long forgets, RoaringBitmap ids) {}

  private static final int CACHED_SESSION_MIN = 1024;
  private static final int CACHED_SESSIONS_MAX = 16;
  private final ConcurrentHashMap<Integer, SessionIds> sessionIds = new ConcurrentHashMap<>();
  private volatile int slots;
  private volatile int live;
  /** Called at each step of a forget with what it has just done: a test reads the graph there. */
  Consumer<String> forgetStep = step -> { };

  TraceGraph(EventFile events) {
    this.events = events;
  }

  // ---------------------------------------------------------------- writer side (package-private)

  /** Indexes the event just written at {@code slot} and publishes it. */
  void publish(int slot, int session, int role, long ts, Map<String, Object> attrs) {
    SlotList sessionList = list(sessions, session);
    sessionPos.setRelease(slot, sessionList.size());
    sessionList.add(slot, ts);
    addLive(session, 1);
    list(roles, role).add(slot, ts);
    time.add(ts, slot);
    if (!attrs.isEmpty()) {
      attributes.set(slot, attrs);
    }
    live++;
    slots = slot + 1;
  }

  private static SlotList list(ObjectColumn<SlotList> column, int id) {
    SlotList l = column.get(id);
    if (l == null) {
      l = new SlotList();
      column.set(id, l);
    }
    return l;
  }

  private void addLive(int session, int delta) {
    int before = sessionLive.getAcquireOr(session, 0);
    sessionLive.setRelease(session, before + delta);
    if ((before > 0) != (before + delta > 0)) {
      liveSessions += delta; // the session's first live event, or its last one forgotten
    }
  }

  void setAttributes(int slot, Map<String, Object> attrs) {
    attributes.set(slot, attrs.isEmpty() ? null : attrs);
  }

  /**
   * Writer only: drops the strings of these dictionary ids, which no live event and no stored edge uses (a
   * compaction freed them in the meta log), and the session and role lists kept under them, which hold only
   * forgotten slots. A process that creates and forgets sessions without end then holds none of theirs: only
   * the slots of their events, as the events file does. A reader holding a list goes on reading it (nothing in
   * it is live); see the class comment for one holding an id or a slot.
   */
  void release(BitSet ids) {
    for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
      dictionary.free(id);
      if (sessions.get(id) != null) { // set only where a list is: a set past the column's end would grow it
        sessions.set(id, null);
      }
      if (roles.get(id) != null) {
        roles.set(id, null);
      }
      sessionIds.remove(id); // a reader may put it back (all its ids forgotten): it goes with the cache's clear()
    }
  }

  /** Forgets the slots (all live) and their edges; returns the number of edges removed. */
  int forget(int[] slotsToForget) {
    // The forgotten set first, all the slots, then the edges and attributes: a reader that finds a slot live (or
    // an edge not removed) before its bit's store sees the event whole, and one that finds an edge removed or an
    // attribute map gone sees the slot forgotten too (release stores after the bit's, read with acquire loads).
    // The other order let readers find a live event without its attributes or its links, a state that never was.
    for (int s : slotsToForget) {
      forgotten.add(s);
    }
    forgets++; // the writer's alone
    live -= slotsToForget.length;
    forgetStep.accept("forgotten");
    int edges = 0;
    for (int s : slotsToForget) {
      addLive(events.session(s), -1);
      edges += adjacency.removeAll(s);
      forgetStep.accept("edges removed");
      attributes.set(s, null);
      forgetStep.accept("attributes cleared");
    }
    return edges;
  }

  // ---------------------------------------------------------------- reader side

  /** Number of slots published (live or forgotten); slots are {@code 0 .. slotCount()-1}. */
  public int slotCount() {
    return slots;
  }

  /** Number of events not forgotten. */
  public int liveCount() {
    return live;
  }

  /** Number of sessions with at least one live event. */
  public int liveSessionCount() {
    return liveSessions;
  }

  /** Number of dictionary ids: every session's id is below it. */
  public int stringCount() {
    return dictionary.size();
  }

  /** How many live events the session of dictionary id {@code id} has (0 for -1, the id of no string). */
  public int liveEventsIn(int id) {
    return id < 0 ? 0 : sessionLive.getAcquireOr(id, 0);
  }

  /** Whether the string of dictionary id {@code id} names a session with at least one live event. */
  public boolean isLiveSession(int id) {
    return id >= 0 && sessionLive.getAcquireOr(id, 0) > 0;
  }

  public boolean isLive(int slot) {
    return slot >= 0 && slot < slots && !forgotten.contains(slot);
  }

  /**
   * The slot of the live event {@code id}, or -1. Ids increase with slots, and engines hand them out
   * nearly densely, so a few interpolation probes land next to the slot; a binary search finishes, and
   * bounds the cost when ids are spread unevenly. Every probe is a read of the mapped records.
   */
  public int slotOf(long id) {
    int lo = 0;
    int hi = slots - 1;
    for (int probes = 0; lo <= hi; probes++) {
      int mid = (lo + hi) >>> 1;
      if (probes < 3) {
        long loId = events.id(lo);
        long hiId = events.id(hi);
        if (id < loId || id > hiId) {
          return -1;
        }
        double fraction = hiId == loId ? 0 : ((double) id - (double) loId) / ((double) hiId - (double) loId);
        mid = Math.clamp(lo + (long) (fraction * (hi - lo)), lo, hi);
      }
      long m = events.id(mid);
      if (m < id) {
        lo = mid + 1;
      } else if (m > id) {
        hi = mid - 1;
      } else {
        return forgotten.contains(mid) ? -1 : mid;
      }
    }
    return -1;
  }

  public long id(int slot) {
    return events.id(slot);
  }

  public long ts(int slot) {
    return events.ts(slot);
  }

  public long blobRef(int slot) {
    return events.blobRef(slot);
  }

  public long vectorId(int slot) {
    return events.vectorId(slot);
  }

  public int sessionId(int slot) {
    return events.session(slot);
  }

  public int roleId(int slot) {
    return events.role(slot);
  }

  /** The session of the event at a slot; null if a compaction freed it (only a forgotten event's is). */
  public String session(int slot) {
    return dictionary.string(events.session(slot));
  }

  /** The role of the event at a slot; null if a compaction freed it (only a forgotten event's is). */
  public String role(int slot) {
    return dictionary.string(events.role(slot));
  }

  public Map<String, Object> attributes(int slot) {
    Map<String, Object> a = attributes.get(slot);
    return a == null ? Map.of() : a;
  }

  /** The id of an interned string (session, role, edge type), or -1 if no event or edge ever used it. */
  public int stringId(String s) {
    return dictionary.id(s);
  }

  /** The string of a dictionary id; null once a compaction freed it (no live event or stored edge uses it). */
  public String string(int id) {
    return dictionary.string(id);
  }

  /**
   * The slots of a session in append order (forgotten ones included: check {@link #isLive}), or null: none, or
   * all forgotten and their name freed by a compaction.
   */
  public SlotList sessionSlots(int sessionId) {
    return sessionId < 0 ? null : sessions.get(sessionId);
  }

  /**
   * The ids of the live events of a session, for an allow-list; callers must not modify it. A large
   * session's ids are kept until the session grows or anything is forgotten, since recalls filtered by
   * one large session (a vector set, a long-running agent) would otherwise read all of its records
   * each time.
   */
  public RoaringBitmap liveSessionIds(int sessionId) {
    SlotList list = sessionSlots(sessionId);
    if (list == null) {
      return new RoaringBitmap();
    }
    int n = list.size();
    if (n < CACHED_SESSION_MIN) {
      return liveIds(list, n);
    }
    // Read before the set: ids computed while a forget sets its bits are kept under the count before it, which
    // the forget's end makes stale.
    long version = forgets;
    SessionIds cached = sessionIds.get(sessionId);
    if (cached != null && cached.size() == n && cached.forgets() == version) {
      return cached.ids();
    }
    RoaringBitmap ids = liveIds(list, n);
    if (sessionIds.size() >= CACHED_SESSIONS_MAX) {
      sessionIds.clear();
    }
    sessionIds.put(sessionId, new SessionIds(n, version, ids));
    return ids;
  }

  /** The ids of the live slots among the first {@code n} of {@code list}. */
  private RoaringBitmap liveIds(SlotList list, int n) {
    int[] buffer = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      int slot = list.get(i);
      if (!forgotten.contains(slot)) {
        buffer[m++] = (int) events.id(slot); // unsigned 32-bit, as the index's allow-lists name ids
      }
    }
    RoaringBitmap ids = new RoaringBitmap();
    ids.addN(buffer, 0, m); // ascending, as ids grow with slots
    return ids;
  }

  /** The slots of a role (label) in append order, or null (as {@link #sessionSlots}). */
  public SlotList roleSlots(int roleId) {
    return roleId < 0 ? null : roles.get(roleId);
  }

  /** Visits live events with {@code from <= ts <= to} in timestamp order; the visitor returns false to stop. */
  public void timeScan(long from, long to, boolean descending, TimeVisitor visitor) {
    int n = slots;
    time.scan(from, to, descending, s -> s < n && !forgotten.contains(s), visitor);
  }

  /** Estimated number of events with {@code from <= ts <= to}. */
  public long timeCount(long from, long to) {
    return time.count(from, to);
  }

  /** Number of stored edge records (removed ones included). */
  public int edgeCount() {
    return adjacency.count();
  }

  /** Number of edges between live events: invalidated ones included (AS OF sees them), removed ones not. */
  public int liveEdgeCount() {
    return adjacency.remaining();
  }

  /**
   * Visits the edges of {@code slot} in direction {@code dir} of type {@code typeId} ({@code < 0}: any,
   * including the implicit NEXT) valid at {@code asOf}; false if the visitor stopped. In both directions a self
   * link is visited once.
   */
  public boolean visitEdges(int slot, Direction dir, int typeId, long asOf, EdgeVisitor v) {
    if (typeId < 0 || typeId == NEXT_TYPE) {
      if (!visitNext(slot, dir, v)) {
        return false;
      }
      if (typeId == NEXT_TYPE) {
        return true;
      }
    }
    // A forget publishes its slots before it removes their edges: an edge not yet removed whose end is
    // forgotten is skipped, read after the edge (the set is read again for each edge).
    EdgeVisitor live = (e, t, f, to, vf, vt) -> !isLiveEdge(f, to) || v.visit(e, t, f, to, vf, vt);
    // A self link is on both lists of its slot: the outgoing pass has visited it
    EdgeVisitor in = dir.out() ? (e, t, f, to, vf, vt) -> f == to || live.visit(e, t, f, to, vf, vt) : live;
    return (!dir.out() || adjacency.visit(slot, true, typeId, asOf, live))
        && (!dir.in() || adjacency.visit(slot, false, typeId, asOf, in));
  }

  private boolean isLiveEdge(int from, int to) {
    return !forgotten.contains(from) && !forgotten.contains(to);
  }

  private boolean visitNext(int slot, Direction dir, EdgeVisitor v) {
    SlotList list = sessions.get(events.session(slot));
    if (list == null) {
      return true; // the slot is forgotten, and a compaction released its session: no NEXT links
    }
    int n = list.size();
    int pos = sessionPos.getAcquire(slot);
    ForgottenSlots f = forgotten;
    if (f.contains(slot)) {
      return true; // forgotten since a reader found it: no NEXT link, as its stored ones are removed
    }
    int published = slots; // the writer lists a slot in its session before it publishes the slot
    // Each walk looks at the slot again once it finds a live neighbour: the set only grows and is not a snapshot,
    // so the walk may have passed events forgotten after the slot (a forget of both sets its bits one by one), or
    // long after it found the slot live. Live then, it was live when the walk found the neighbour live and those
    // it passed forgotten: the link is of that moment. Without that look, one forget of events 2 and 3 of a
    // session could give 2 a NEXT link to 4 (ConcurrentReadersTest.aNextLinkSkipsOnlyEventsForgottenBeforeIt).
    if (dir.out()) {
      for (int i = pos + 1; i < n; i++) {
        int s = list.get(i);
        if (s >= published) {
          break; // and every later one: a session lists its slots in order
        }
        if (!f.contains(s)) {
          if (f.contains(slot)) {
            return true;
          }
          if (!v.visit(-1, NEXT_TYPE, slot, s, Edge.SINCE_EVER, Edge.OPEN)) {
            return false;
          }
          break;
        }
      }
    }
    if (dir.in()) {
      for (int i = pos - 1; i >= 0; i--) {
        int s = list.get(i);
        if (!f.contains(s)) {
          return f.contains(slot) || v.visit(-1, NEXT_TYPE, s, slot, Edge.SINCE_EVER, Edge.OPEN);
        }
      }
    }
    return true;
  }

  /**
   * The event at a slot if it is live, materialised, else null. Checked again after reading it, as a forget may
   * come between the first check and the read, and empty its attributes (and a compaction after it free its
   * names: {@link #event} is null then).
   */
  public Event liveEvent(int slot) {
    return liveEvent(slot, Event::new);
  }

  /** What {@code factory} makes of the event at a slot if it is live, checked again as {@link #liveEvent(int)}. */
  public <T> T liveEvent(int slot, Event.Factory<T> factory) {
    if (!isLive(slot)) {
      return null;
    }
    T e = event(slot, factory);
    return e != null && isLive(slot) ? e : null;
  }

  /**
   * The event at a slot, materialised; null if a compaction freed its session or role, which it does only for
   * forgotten events (a reader may hold the slot of one it found live before the forget).
   */
  public Event event(int slot) {
    return event(slot, Event::new);
  }

  /** What {@code factory} makes of the event at a slot; null as {@link #event(int)}. */
  private <T> T event(int slot, Event.Factory<T> factory) {
    String session = session(slot);
    String role = role(slot);
    if (session == null || role == null) {
      return null;
    }
    return factory.make(events.id(slot), session, role, events.ts(slot), events.blobRef(slot), events.vectorId(slot),
        attributes(slot));
  }

  /**
   * The edge of index {@code e} (a stored edge) as a record; its type is null if the edge was removed (with a
   * forgotten event).
   */
  public Edge edge(int e) {
    return new Edge(dictionary.string(adjacency.type(e)), events.id(adjacency.from(e)),
        events.id(adjacency.to(e)), adjacency.validFrom(e), adjacency.validTo(e));
  }

  /** An approximation of the heap this graph's indexes use, in bytes. */
  public long heapBytes() {
    long lists = 0;
    for (int i = 0; i < dictionary.size(); i++) {
      SlotList s = sessions.get(i);
      SlotList r = roles.get(i);
      lists += (s == null ? 0 : s.heapBytes()) + (r == null ? 0 : r.heapBytes());
    }
    return lists + sessions.heapBytes() + roles.heapBytes() + attributes.heapBytes() + time.heapBytes()
        + adjacency.heapBytes() + dictionary.heapBytes() + forgotten.heapBytes() + sessionPos.heapBytes()
        + sessionLive.heapBytes();
  }
}
