package dev.aeon.engine;

import dev.aeon.engine.slb.SemanticLookasideBuffer;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.PreparedQuery;
import dev.aeon.index.atlas.SearchParams;
import dev.aeon.index.atlas.SearchResult;
import dev.aeon.query.trace.TraceGraph;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.agrona.collections.LongHashSet;
import org.roaringbitmap.RoaringBitmap;

/**
 * Everything that reads a namespace: recall (with the lookaside buffer), events, history, queries and
 * statistics. Nothing here takes the writer's lock; the stores publish their state to readers.
 */
final class Reads {

  /** Key of the lookaside ring for recalls that name no session. */
  private static final String ANY_SESSION = "";
  /** Candidates a lookaside entry keeps; also the most events remembered after it that a hit rescans. */
  static final int SLB_CANDIDATES = 32;
  /** The dictionary ids one page of {@link #sessions} looks at, per session it may hold. */
  static final long PAGE_LOOKS_PER_SESSION = 10;

  private final Stores stores;
  private final AeonOptions options;
  private final SemanticLookasideBuffer slb;
  private final java.util.function.LongSupplier nextId;
  /** {@link #apiEvent}, made once rather than at every lookup. */
  private final dev.aeon.query.trace.Event.Factory<Event> toApiEvent = this::apiEvent;

  /** {@code nextId} tells the id the next remembered event will get (the lookaside buffer's watermark). */
  Reads(Stores stores, AeonOptions options, java.util.function.LongSupplier nextId) {
    this.stores = stores;
    this.options = options;
    this.nextId = nextId;
    this.slb = new SemanticLookasideBuffer(options.slbEntriesPerSession(), options.slbThreshold(),
        options.slbMaxBytes());
  }

  SemanticLookasideBuffer slb() {
    return slb;
  }

  /** The recall {@code r} of {@code q}, its vector (or its text embedded: {@link #embedQuery}). */
  List<Recalled> recall(Recall r, float[] q) {
    AtlasIndex atlas = stores.atlas();
    if (atlas == null) {
      Inputs.checkVector(q, 0);
      return List.of(); // nothing with a vector was remembered yet
    }
    Inputs.checkVector(q, atlas.dimension());
    PreparedQuery query = atlas.prepare(q);
    RoaringBitmap filter = RecallFilter.allowList(stores.trace.graph(), r);
    if (filter != null && filter.isEmpty()) {
      return List.of();
    }
    SearchParams params = r.nprobe > 0 ? SearchParams.nprobe(r.nprobe)
        : r.targetRecall > 0 ? SearchParams.targetRecall(r.targetRecall) : SearchParams.defaults();
    SearchResult found = search(atlas, query, r, params, filter);
    List<Recalled> out = visible(found);
    // A writer puts a new event into the index before the trace, and takes a forgotten one out of the index
    // first too: an id the trace does not hold at this moment is skipped, and the index is asked again for
    // as many more (a few times at most: each search may meet the next write), so that k events come back
    // whenever k are there.
    for (int tries = 0; out.size() < r.k && out.size() < found.size() && tries < 4; tries++) {
      int more = found.size() - out.size();
      found = atlas.search(query, r.k > Integer.MAX_VALUE - more ? Integer.MAX_VALUE : r.k + more, params, filter);
      out = visible(found);
    }
    return out.size() > r.k ? new ArrayList<>(out.subList(0, r.k)) : out;
  }

  /** The events of the result that the trace holds, with their scores, best first. */
  private List<Recalled> visible(SearchResult found) {
    List<Recalled> out = new ArrayList<>(found.size());
    for (int i = 0; i < found.size(); i++) {
      Event e = eventOrNull(found.ids()[i]);
      if (e != null) {
        out.add(new Recalled(e, found.scores()[i]));
      }
    }
    return out;
  }

  /**
   * A search, through the lookaside buffer when the recall may use it. A hit scores exactly the similar
   * query's candidates and every event remembered since (an allow-list small enough for the index to scan
   * it exactly); a miss searches the index, asking for {@link #SLB_CANDIDATES} so that the next similar
   * query has candidates to spare, and caches them. Entries are kept per session, so only recalls
   * filtered by nothing but their session use the buffer: candidates found under one filter say nothing
   * about another. An entry one of whose candidates was forgotten since does not answer (what is left
   * ranked below it), nor does a hit that finds fewer than {@code k} events: the index is searched after all.
   * Recalls among fewer than {@link AeonOptions#slbMinVectors} vectors (a small namespace), or events (a small
   * session of a large one: its events are the filter), bypass the buffer: there a search costs about what a
   * hit does.
   */
  private SearchResult search(AtlasIndex atlas, PreparedQuery q, Recall r, SearchParams params,
      RoaringBitmap filter) {
    boolean viaSlb = r.useSlb && slb.enabled() && r.filtersOnlyBySession()
        && (filter == null ? atlas.size() : filter.getLongCardinality()) >= options.slbMinVectors();
    String key = r.session == null ? ANY_SESSION : r.session;
    long watermark = nextId.getAsLong();
    SemanticLookasideBuffer.Probe probe = null;
    if (viaSlb) {
      probe = SemanticLookasideBuffer.probe(q);
      SearchResult fromCache = fromCache(atlas, q, r, params, filter, slb.lookup(key, probe), watermark);
      slb.counted(fromCache != null);
      if (fromCache != null) {
        return fromCache;
      }
    }
    // With the buffer, the extra candidates come from the exact re-ranking a search of k does anyway (its
    // depths are unchanged), so a miss searches about as much as a search without the buffer.
    int fetch = viaSlb ? Math.max(r.k, SLB_CANDIDATES) : r.k;
    SearchResult fresh = atlas.search(q, fetch, viaSlb ? atlas.resolve(params).withDepthsFor(r.k) : params, filter);
    if (viaSlb && !fresh.exactScan()) {
      slb.store(key, probe, fresh.ids(), watermark, r.k);
    }
    return fresh.size() <= r.k ? fresh : firstK(fresh, r.k);
  }

  /** A hit's answer: the cached candidates and the events remembered since, scored exactly; else null. */
  private static SearchResult fromCache(AtlasIndex atlas, PreparedQuery q, Recall r, SearchParams params,
      RoaringBitmap filter, SemanticLookasideBuffer.Entry hit, long watermark) {
    if (hit == null || r.k > hit.candidates().length || watermark - hit.idWatermark() > SLB_CANDIDATES
        || deeper(atlas.resolve(params), r.k, hit.rankedFor())) {
      return null;
    }
    RoaringBitmap allowed = new RoaringBitmap();
    for (long id : hit.candidates()) {
      if (!atlas.contains(id)) {
        // Forgotten since: the candidates left ranked below it for the cached query, so they no longer hold
        // the best of a similar one (with most forgotten, a hit would return what is left whatever the query).
        return null;
      }
      allowed.add((int) id); // ids are unsigned 32-bit (Memory.MAX_ID)
    }
    if (hit.idWatermark() < watermark) { // everything remembered since
      // Not add(from, to) of an empty range: once every id is used both are MAX_ID + 1, which it refuses.
      allowed.add(hit.idWatermark(), watermark);
    }
    if (filter != null) {
      allowed.and(filter);
    }
    // Every leaf may be probed: the index then scores the few allowed ids one by one, exactly, even where
    // forgets left leaves of one vector each (and a search of a few leaves would miss some of them).
    SearchResult found = atlas.search(q, r.k, params.withNprobe(Integer.MAX_VALUE), allowed);
    return found.size() >= Math.min(r.k, atlas.size()) ? found : null;
  }

  /**
   * Whether a search for {@code k} results looks deeper (re-ranks or sketches more candidates) than the one
   * for {@code rankedFor} that found a cached entry's candidates: those past its own k were ranked by the
   * shallower search, and answering the larger k from them lost what the deeper search finds (after a
   * recall of 1, about 1.2% of a recall of 32 of the same query).
   */
  private static boolean deeper(SearchParams p, int k, int rankedFor) {
    return p.effectiveRerankDepth(k) > p.effectiveRerankDepth(rankedFor)
        || p.effectiveSketchDepth(k) > p.effectiveSketchDepth(rankedFor);
  }

  private static SearchResult firstK(SearchResult r, int k) {
    return new SearchResult(Arrays.copyOf(r.ids(), k), Arrays.copyOf(r.scores(), k), r.leafIds(),
        r.leafVersions(), r.missingLeaves(), r.exactScan());
  }

  float[] embedQuery(String text) {
    if (options.embedder() == null) {
      throw new IllegalArgumentException("recall by text needs an embedder (AeonOptions.withEmbedder)");
    }
    return Inputs.embedded(options.embedder().embedQuery(text));
  }

  Optional<Event> get(long id) {
    return Optional.ofNullable(eventOrNull(id));
  }

  /**
   * The event of {@code id}, or null if the trace does not hold it. Without the Optionals of {@link #get}, the
   * lambda that chained them and the trace's own event record: a recall looks up each of its results so.
   */
  private Event eventOrNull(long id) {
    return stores.trace.get(id, toApiEvent);
  }

  List<Event> history(String session, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    List<Event> out = new ArrayList<>();
    for (dev.aeon.query.trace.Event e : stores.trace.history(session, limit)) {
      toEvent(e).ifPresent(out::add);
    }
    return out;
  }

  /**
   * Walks the trace's dictionary from the cursor: a session's dictionary id never changes while it has live events
   * (ids are logged with their string; a compaction frees only names no live event uses, and one used again after
   * it takes a new id), so the position is a cursor that survives writes and restarts.
   */
  SessionPage sessions(long cursor, int limit) {
    if (cursor < 0 || limit < 1) {
      throw new IllegalArgumentException("the cursor must not be negative and the limit must be at least 1: "
          + cursor + ", " + limit);
    }
    TraceGraph g = stores.trace.graph();
    int n = g.stringCount();
    List<String> out = new ArrayList<>(Math.min(limit, 1024));
    // Most names may be roles, link types or forgotten sessions: a page looks at a bounded number of them.
    long end = Math.min(n, cursor + PAGE_LOOKS_PER_SESSION * limit);
    long id = cursor;
    for (; id < end && out.size() < limit; id++) {
      if (g.isLiveSession((int) id)) {
        String name = g.string((int) id); // null if forgotten since, and freed by a compaction
        if (name != null) {
          out.add(name);
        }
      }
    }
    return new SessionPage(out, id < n ? id : 0);
  }

  /** Runs a statement; events in the result come back as {@link Event}s, edges as {@link Link}s. */
  QueryResult query(String statement, Map<String, Object> parameters) {
    var result = stores.trace.query(statement, parameters == null ? Map.of() : parameters, options.queryTimeLimit());
    List<List<Object>> rows = new ArrayList<>(result.rows().size());
    for (List<Object> row : result.rows()) {
      rows.add(row.stream().map(this::toApi).toList());
    }
    return new QueryResult(result.columns(), rows);
  }

  private Object toApi(Object value) {
    return switch (value) {
      case dev.aeon.query.trace.Event e -> toEvent(e).orElse(null);
      case dev.aeon.query.trace.Edge e -> new Link(e.type(), e.from(), e.to(), e.validFrom(), e.validTo());
      case List<?> l -> l.stream().map(this::toApi).toList();
      case Map<?, ?> m -> { // a map literal may hold nodes and relationships too: {event: e}
        Map<Object, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(k, toApi(x)));
        yield Collections.unmodifiableMap(out);
      }
      case null -> null;
      default -> value;
    };
  }

  /** Refs of every live event's text: what a blob collection keeps. Called under the write lock. */
  java.util.function.LongPredicate liveBlobRefs() {
    TraceGraph g = stores.trace.graph();
    LongHashSet live = new LongHashSet();
    for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
      if (g.isLive(slot)) {
        live.add(g.blobRef(slot));
      }
    }
    return live::contains;
  }

  List<String> inconsistencies() {
    List<String> problems = new ArrayList<>();
    TraceGraph g = stores.trace.graph();
    AtlasIndex atlas = stores.atlas();
    long withVector = 0;
    for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
      if (!g.isLive(slot)) {
        continue;
      }
      long id = g.id(slot);
      try {
        stores.blobs.readString(g.blobRef(slot));
      } catch (RuntimeException e) {
        problems.add("event " + id + ": text unreadable: " + e.getMessage());
      }
      boolean hasVector = g.vectorId(slot) != dev.aeon.query.trace.Event.NO_VECTOR;
      boolean indexed = atlas != null && atlas.contains(id);
      if (hasVector != indexed) {
        problems.add("event " + id
            + (hasVector ? " has a vector missing from the index" : " is indexed but has no vector"));
      }
      withVector += hasVector ? 1 : 0;
    }
    long indexedCount = atlas == null ? 0 : atlas.size();
    if (indexedCount != withVector) {
      problems.add("the index holds " + indexedCount + " vectors, the trace " + withVector);
    }
    return problems;
  }

  MemoryStats stats(Checkpoints checkpoints) {
    TraceGraph g = stores.trace.graph();
    AtlasIndex atlas = stores.atlas();
    long walBytes = 0;
    for (Path segment : stores.wal.segmentFiles().values()) {
      walBytes += segment.toFile().length();
    }
    return new MemoryStats(g.liveCount(), atlas == null ? 0 : atlas.size(), g.liveEdgeCount(), g.liveSessionCount(),
        walBytes, stores.wal.lastLsn(), stores.wal.checkpointLsn(), stores.blobs.stats().liveBytes(),
        slb.hits(), slb.misses(), slb.sessions(), slb.bytes(), checkpoints.count(), checkpoints.longestPause(),
        checkpoints.meanPauseMicros(), stores.model.name(), stores.epochs.pending(), stores.wal.forces(),
        LogFlusherStats.of(stores.wal.flusherStats()), atlas == null ? 0 : atlas.mergesWaiting());
  }

  private Optional<Event> toEvent(dev.aeon.query.trace.Event e) {
    return Optional.ofNullable(eventOrNull(e));
  }

  /** The API's event of the trace's {@code e}, or null if it was forgotten while its text was read. */
  private Event eventOrNull(dev.aeon.query.trace.Event e) {
    return apiEvent(e.id(), e.session(), e.role(), e.tsMicros(), e.blobRef(), e.vectorId(), e.attributes());
  }

  /** The API's event of a trace event's fields, or null if it was forgotten while its text was read. */
  private Event apiEvent(long id, String session, String role, long tsMicros, long blobRef, long vectorId,
      Map<String, Object> attributes) {
    String text = Stores.readText(stores.blobs, blobRef);
    return text == null ? null
        : new Event(id, session, role, tsMicros, text, vectorId != dev.aeon.query.trace.Event.NO_VECTOR, attributes);
  }
}
