package dev.aeon.engine.slb;

import dev.aeon.index.atlas.PreparedQuery;
import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.VectorKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per session, a ring of the last queries and the candidates that answered them. A new query close
 * enough to a cached one (cosine at least the threshold, less float rounding) is a hit: instead of
 * descending the index, its search scores exactly the cached candidates plus every event remembered since
 * (ids at or above the entry's watermark). Forgotten events drop out because the index and the trace no longer hold
 * them, so a hit never returns one, and an entry one of whose candidates was forgotten does not answer (the search
 * does, {@code Reads.fromCache}); new events are always scored, so a hit misses only what the similar query
 * ranked below its candidates.
 *
 * <p>Most lookups find nothing similar, so a lookup must cost little next to the search it may save: the
 * ring keeps its queries' INT8 codes side by side and scores them all in one bulk kernel call. Only slots
 * whose estimate could reach the threshold within the quantization's error bound are compared exactly,
 * so a lookup finds the same entry a comparison with every cached query in FP32 would.
 *
 * <p>Readers never lock. A store overwrites the oldest slot in place (stores of a session are serialized);
 * a lookup that reads a slot while it is being overwritten may misjudge its estimate and miss that entry,
 * but it never returns an entry its exact comparison did not accept. Total memory is bounded: when the
 * estimate passes {@code maxBytes}, the least recently used sessions are dropped; an entry that would make its
 * ring alone pass it is not cached, and within a ring the oldest entries make room for a new one.
 */
public final class SemanticLookasideBuffer {

  /** Absorbs float rounding in an estimate and its error bound (relative errors of about 1e-7 on values near 1). */
  private static final float ROUNDING_SLACK = 1e-3f;
  /**
   * The rounding of an exact cosine in float (a few ulps of 1): a cached query this close under the threshold passes.
   */
  static final float EXACT_ROUNDING = 1e-6f;
  private static final VectorKernels KERNELS = Kernels.best();
  /** The most codes one ring's array holds (a JVM refuses arrays of quite Integer.MAX_VALUE elements). */
  private static final long MAX_RING_CODES = Integer.MAX_VALUE - 8;

  /**
   * A cached query (unit length), the ids its search ranked best, the first event id remembered after that
   * search, and the number of results that search was as deep as ({@code rankedFor}): candidates past it
   * were ranked by a search that looked no deeper than a search for {@code rankedFor} does.
   */
  public record Entry(float[] query, long[] candidates, long idWatermark, int rankedFor) {
    long bytes() {
      return 64 + 4L * query.length + 8L * candidates.length;
    }
  }

  /**
   * A query made ready for lookups: the prepared query its search uses too (unit length, quantized once)
   * and the sum of its codes' absolute values. A lookup screens the ring with the codes, and the store
   * that follows a miss keeps them.
   */
  public static final class Probe {
    final PreparedQuery prepared;
    final int magnitude;

    private Probe(PreparedQuery prepared) {
      this.prepared = prepared;
      magnitude = magnitude(prepared.codes());
    }
  }

  /** One session's ring of {@code capacity} slots; slot {@code s} holds codes {@code [s*dim, (s+1)*dim)}. */
  private static final class Ring {
    final int dim;
    final byte[] codes;
    final float[] scales;
    /** Per slot, the sum of the codes' absolute values: the error bound of an estimate needs it. */
    final int[] codeMagnitudes;
    final AtomicReferenceArray<Entry> entries;
    /** Slots in use: they are filled in order, so these are the first ones. */
    volatile int filled;
    /** The slot the next store overwrites; guarded by the map's lock for this session, as is bytes. */
    int next;
    long bytes;
    volatile long lastUsed;

    Ring(int capacity, int dim) {
      this.dim = dim;
      codes = new byte[capacity * dim];
      scales = new float[capacity];
      codeMagnitudes = new int[capacity];
      entries = new AtomicReferenceArray<>(capacity);
      bytes = emptyBytes(capacity, dim);
    }

    /** What a ring holds before its first entry: its codes, scales, magnitudes and entry references. */
    static long emptyBytes(int capacity, int dim) {
      return 64 + (long) capacity * (dim + 24);
    }

    /** What the ring would hold once {@link #put} overwrote its oldest slot with {@code entry}. */
    long bytesWith(Entry entry) {
      Entry replaced = entries.get(next);
      return bytes + entry.bytes() - (replaced == null ? 0 : replaced.bytes());
    }

    /**
     * Empties the oldest slots, after the one {@link #put} overwrites, until the ring with {@code entry} fits
     * in {@code budget}; returns the change in bytes. Readers skip an empty slot.
     */
    long makeRoom(Entry entry, long budget) {
      long delta = 0;
      for (int i = 1; i < scales.length && bytesWith(entry) > budget; i++) {
        Entry dropped = entries.getAndSet((next + i) % scales.length, null);
        if (dropped != null) {
          bytes -= dropped.bytes();
          delta -= dropped.bytes();
        }
      }
      return delta;
    }

    /** Overwrites the oldest slot with {@code entry}, whose query is {@code probe}'s; returns the change in bytes. */
    long put(Probe probe, Entry entry) {
      int slot = next;
      scales[slot] = probe.prepared.scale();
      codeMagnitudes[slot] = probe.magnitude;
      MemorySegment.copy(probe.prepared.codes(), 0, MemorySegment.ofArray(codes), (long) slot * dim, dim);
      Entry replaced = entries.getAndSet(slot, entry);
      filled = Math.max(filled, slot + 1);
      next = (slot + 1) % scales.length;
      long delta = entry.bytes() - (replaced == null ? 0 : replaced.bytes());
      bytes += delta;
      return delta;
    }
  }

  private final int entriesPerSession;
  private final float threshold;
  private final long maxBytes;
  private final Map<String, Ring> rings = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong clock = new AtomicLong();
  private final AtomicLong hits = new AtomicLong(), misses = new AtomicLong();

  public SemanticLookasideBuffer(int entriesPerSession, float threshold, long maxBytes) {
    this.entriesPerSession = entriesPerSession;
    this.threshold = threshold;
    this.maxBytes = maxBytes;
  }

  public boolean enabled() {
    return entriesPerSession > 0;
  }

  /** Prepares a query for {@link #lookup} and {@link #store}, from the work its search shares. */
  public static Probe probe(PreparedQuery query) {
    return new Probe(query);
  }

  /** The cached entry most similar to the probe's query if it passes the threshold, else null. */
  public Entry lookup(String session, Probe probe) {
    Ring ring = rings.get(session);
    if (ring == null || ring.dim != probe.prepared.dimension()) {
      return null;
    }
    ring.lastUsed = clock.incrementAndGet();
    int n = ring.filled;
    int[] dots = new int[n];
    KERNELS.bulkDotI8(probe.prepared.int8(), MemorySegment.ofArray(ring.codes), 0, n, dots);
    Entry best = null;
    // Less the exact comparison's own rounding: the dot product of a float unit vector with itself comes out
    // up to two ulps below 1, so at a threshold of 1 a query would often miss its identical cached one.
    float bestScore = threshold - EXACT_ROUNDING;
    for (int slot = 0; slot < n; slot++) {
      float scales = ring.scales[slot] * probe.prepared.scale();
      // Each code is off by at most half its scale, so |estimate - exact| <= scales / 2 *
      // (sum |codes| + sum |query codes| + dim / 2).
      float error = scales / 2 * (ring.codeMagnitudes[slot] + probe.magnitude + ring.dim / 2f) + ROUNDING_SLACK;
      if (dots[slot] * scales + error < bestScore) {
        continue;
      }
      Entry e = ring.entries.get(slot);
      if (e != null) {
        float exact = Kernels.dot(e.query, probe.prepared.unitVector());
        if (exact >= bestScore) {
          bestScore = exact;
          best = e;
        }
      }
    }
    return best;
  }

  /** Counts a lookup: a hit only if its entry actually answered the query. */
  public void counted(boolean hit) {
    (hit ? hits : misses).incrementAndGet();
  }

  /**
   * Remembers what answered a query of this session: the ids a search as deep as one for all of them
   * ranked best, and the first event id remembered after that search.
   */
  public void store(String session, Probe probe, long[] candidates, long idWatermark) {
    store(session, probe, candidates, idWatermark, candidates.length);
  }

  /**
   * Remembers what answered a query of this session: the ids its search ranked best, the first event id
   * remembered after that search, and how many results that search's depths were for.
   */
  public void store(String session, Probe probe, long[] candidates, long idWatermark, int rankedFor) {
    int dim = probe.prepared.dimension();
    Entry entry = new Entry(probe.prepared.unitVector(), candidates, idWatermark, rankedFor);
    if (Ring.emptyBytes(entriesPerSession, dim) + entry.bytes() > maxBytes
        || (long) entriesPerSession * dim > MAX_RING_CODES) {
      // A ring that alone passes the budget would be evicted as soon as it was made, after evicting every
      // other session; and one of more codes than an array holds cannot even be allocated, whatever the
      // budget (a budget of Long.MAX_VALUE admits any ring).
      return;
    }
    rings.compute(session, (s, ring) -> {
      if (ring != null && ring.dim == dim) {
        // The ring's oldest entries make room: refusing the entry instead would freeze a ring full of large
        // entries, which would then answer only the queries it already holds.
        bytes.addAndGet(ring.makeRoom(entry, maxBytes));
      } else {
        if (ring != null) {
          bytes.addAndGet(-ring.bytes);
        }
        ring = new Ring(entriesPerSession, entry.query.length);
        bytes.addAndGet(ring.bytes);
      }
      bytes.addAndGet(ring.put(probe, entry));
      ring.lastUsed = clock.incrementAndGet();
      return ring;
    });
    if (bytes.get() > maxBytes) {
      evictLeastRecentlyUsed();
    }
  }

  private void evictLeastRecentlyUsed() {
    while (bytes.get() > maxBytes && !rings.isEmpty()) {
      String oldest = null;
      long oldestUse = Long.MAX_VALUE;
      for (Map.Entry<String, Ring> e : rings.entrySet()) {
        if (e.getValue().lastUsed < oldestUse) {
          oldestUse = e.getValue().lastUsed;
          oldest = e.getKey();
        }
      }
      if (oldest != null) {
        clear(oldest);
      }
    }
  }

  /** Forgets every cached query (e.g. when a session is forgotten). */
  public void clear(String session) {
    // Under the map's lock for the session, so that a concurrent store's bytes are counted before these go.
    rings.computeIfPresent(session, (s, ring) -> {
      bytes.addAndGet(-ring.bytes);
      return null;
    });
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  public long bytes() {
    return bytes.get();
  }

  public int sessions() {
    return rings.size();
  }

  private static int magnitude(MemorySegment codes) {
    int sum = 0;
    for (long i = 0, n = codes.byteSize(); i < n; i++) {
      sum += Math.abs(codes.get(ValueLayout.JAVA_BYTE, i));
    }
    return sum;
  }
}
