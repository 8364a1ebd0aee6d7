package dev.aeon.engine;

import dev.aeon.query.trace.SlotList;
import dev.aeon.query.trace.TraceGraph;
import java.util.Map;
import java.util.Objects;
import org.roaringbitmap.RoaringBitmap;

/**
 * Turns a recall's filters (session, roles, time range, attributes) into the allow-list of event ids the
 * vector index scores. It starts from the most selective index the trace has (a session, else roles,
 * else the time index) rather than from every event.
 */
final class RecallFilter {

  private RecallFilter() {}

  /** The allowed ids, or null when the recall has no filter. */
  static RoaringBitmap allowList(TraceGraph g, Recall r) {
    boolean byTime = r.fromMicros != Long.MIN_VALUE || r.toMicros != Long.MAX_VALUE;
    if (r.session == null && r.roles.isEmpty() && !byTime && r.attributes.isEmpty()) {
      return null;
    }
    if (r.session != null && r.roles.isEmpty() && !byTime && r.attributes.isEmpty()) {
      return g.liveSessionIds(g.stringId(r.session));
    }
    RoaringBitmap allowed = new RoaringBitmap();
    if (r.session != null) {
      addMatching(g, g.sessionSlots(g.stringId(r.session)), r, allowed);
    } else if (!r.roles.isEmpty()) {
      for (String role : r.roles) {
        addMatching(g, g.roleSlots(g.stringId(role)), r, allowed);
      }
    } else if (byTime) {
      g.timeScan(r.fromMicros, r.toMicros, false, (ts, slot) -> {
        addIfMatching(g, slot, r, allowed);
        return true;
      });
    } else {
      for (int slot = 0, n = g.slotCount(); slot < n; slot++) {
        addIfMatching(g, slot, r, allowed);
      }
    }
    return allowed;
  }

  private static void addMatching(TraceGraph g, SlotList slots, Recall r, RoaringBitmap allowed) {
    if (slots == null) {
      return;
    }
    for (int i = 0, n = slots.size(); i < n; i++) {
      addIfMatching(g, slots.get(i), r, allowed);
    }
  }

  private static void addIfMatching(TraceGraph g, int slot, Recall r, RoaringBitmap allowed) {
    if (!g.isLive(slot)) {
      return;
    }
    long ts = g.ts(slot);
    if (ts < r.fromMicros || ts > r.toMicros) {
      return;
    }
    if (r.session != null && !r.session.equals(g.session(slot))) {
      return;
    }
    if (!r.roles.isEmpty()) {
      // null once the event is forgotten and a compaction freed its role; the set's contains(null) would throw
      String role = g.role(slot);
      if (role == null || !r.roles.contains(role)) {
        return;
      }
    }
    if (!r.attributes.isEmpty()) {
      Map<String, Object> attributes = g.attributes(slot);
      for (Map.Entry<String, Object> want : r.attributes.entrySet()) {
        if (!sameValue(attributes.get(want.getKey()), want.getValue())) {
          return;
        }
      }
    }
    allowed.add((int) g.id(slot)); // ids are unsigned 32-bit (Memory.MAX_ID)
  }

  /**
   * Attribute equality across number types: 3L matches 3.0. Exact: whole numbers compare
   * as longs, and a whole number equals a double only if the double is exactly it (as doubles, 2^53 + 1
   * would equal 2^53).
   */
  private static boolean sameValue(Object stored, Object wanted) {
    if (stored instanceof Number a && wanted instanceof Number b) {
      boolean wholeA = isWhole(a);
      if (wholeA && isWhole(b)) {
        return a.longValue() == b.longValue();
      }
      if (wholeA || isWhole(b)) {
        long whole = (wholeA ? a : b).longValue();
        double d = (wholeA ? b : a).doubleValue();
        return d == (double) whole && d < 0x1p63 && (long) d == whole;
      }
      return a.doubleValue() == b.doubleValue();
    }
    return Objects.equals(stored, wanted);
  }

  private static boolean isWhole(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }
}
