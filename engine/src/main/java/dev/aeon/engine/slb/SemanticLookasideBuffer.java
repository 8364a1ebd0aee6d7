package dev.aeon.engine.slb;

import dev.aeon.index.kernel.Kernels;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per session, a ring of the last queries and the candidates that answered them. A new query close
 * enough to a cached one (cosine at least the threshold) is a hit: instead of descending the index, its
 * search scores exactly the cached candidates plus every event remembered since (ids at or above the
 * entry's watermark). Forgotten events drop out because the index and the trace no longer hold them, so
 * a hit never returns one; new events are always scored, so a hit misses only what the similar query
 * ranked below its candidates.
 *
 * <p>Readers never lock: each session's ring is an immutable array replaced on every store
 * (copy-on-write of at most {@code entriesPerSession} references). Total memory is bounded: when the
 * estimate passes {@code maxBytes}, the least recently used sessions are dropped.
 */
public final class SemanticLookasideBuffer {

  /**
   * A cached query (unit length), the ids its search ranked best, and the first event id remembered
   * after that search.
   */
  public record Entry(float[] query, long[] candidates, long idWatermark) {
    long bytes() {
      return 64 + 4L * query.length + 8L * candidates.length;
    }
  }

  private static final class Ring {
    final Entry[] entries;
    final int next;
    final long bytes;
    volatile long lastUsed;

    Ring(Entry[] entries, int next, long bytes, long lastUsed) {
      this.entries = entries;
      this.next = next;
      this.bytes = bytes;
      this.lastUsed = lastUsed;
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

  /** The cached entry most similar to {@code unitQuery} if it passes the threshold, else null. */
  public Entry lookup(String session, float[] unitQuery) {
    Ring ring = rings.get(session);
    Entry best = null;
    float bestScore = threshold;
    if (ring != null) {
      ring.lastUsed = clock.incrementAndGet();
      for (Entry e : ring.entries) {
        if (e != null && e.query.length == unitQuery.length) {
          float s = Kernels.dot(e.query, unitQuery);
          if (s >= bestScore) {
            bestScore = s;
            best = e;
          }
        }
      }
    }
    return best;
  }

  /** Counts a lookup: a hit only if its entry actually answered the query. */
  public void counted(boolean hit) {
    (hit ? hits : misses).incrementAndGet();
  }

  /** Remembers what answered a query of this session. */
  public void store(String session, Entry entry) {
    rings.compute(session, (s, old) -> {
      Entry[] entries = old == null ? new Entry[entriesPerSession] : Arrays.copyOf(old.entries, entriesPerSession);
      int slot = old == null ? 0 : old.next;
      long size = old == null ? 0 : old.bytes;
      if (entries[slot] != null) {
        size -= entries[slot].bytes();
      }
      entries[slot] = entry;
      size += entry.bytes();
      bytes.addAndGet(size - (old == null ? 0 : old.bytes));
      return new Ring(entries, (slot + 1) % entriesPerSession, size, clock.incrementAndGet());
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
      Ring removed = oldest == null ? null : rings.remove(oldest);
      if (removed != null) {
        bytes.addAndGet(-removed.bytes);
      }
    }
  }

  /** Forgets every cached query (e.g. when a session is forgotten). */
  public void clear(String session) {
    Ring removed = rings.remove(session);
    if (removed != null) {
      bytes.addAndGet(-removed.bytes);
    }
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
}
