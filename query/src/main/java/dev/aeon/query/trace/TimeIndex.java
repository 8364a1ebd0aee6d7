package dev.aeon.query.trace;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Events by timestamp, for range queries that do not scan the store. Timestamps need not arrive in order
 * (an agent may import old conversations), so this is a tiny log-structured merge: appends go to a tail
 * of at most {@link #TAIL} entries; a full tail is sorted into a run and runs of similar size are merged,
 * so there are O(log n) runs. Each state is an immutable {@link State} published with one volatile store:
 * readers never lock and never see a half-merged run.
 */
final class TimeIndex {

  static final int TAIL = 512;

  /** Sorted runs of (ts, slot) keys packed as ts-major pairs, plus the unsorted tail. */
  private record State(long[][] runTs, int[][] runSlots, long[] tailTs, int[] tailSlots, int tailSize) {}

  private volatile State state = new State(new long[0][], new int[0][], new long[TAIL], new int[TAIL], 0);

  /** Writer only. */
  void add(long ts, int slot) {
    State s = state;
    s.tailTs[s.tailSize] = ts;
    s.tailSlots[s.tailSize] = slot;
    if (s.tailSize + 1 < TAIL) {
      state = new State(s.runTs, s.runSlots, s.tailTs, s.tailSlots, s.tailSize + 1);
      return;
    }
    long[] ts1 = s.tailTs.clone();
    int[] sl1 = s.tailSlots.clone();
    sortPairs(ts1, sl1);
    long[][] runTs = Arrays.copyOf(s.runTs, s.runTs.length + 1);
    int[][] runSlots = Arrays.copyOf(s.runSlots, s.runSlots.length + 1);
    runTs[runTs.length - 1] = ts1;
    runSlots[runSlots.length - 1] = sl1;
    int n = runTs.length;
    while (n >= 2 && runTs[n - 2].length <= runTs[n - 1].length * 2) {
      long[] mt = new long[runTs[n - 2].length + runTs[n - 1].length];
      int[] ms = new int[mt.length];
      merge(runTs[n - 2], runSlots[n - 2], runTs[n - 1], runSlots[n - 1], mt, ms);
      runTs[n - 2] = mt;
      runSlots[n - 2] = ms;
      n--;
    }
    state = new State(Arrays.copyOf(runTs, n), Arrays.copyOf(runSlots, n), new long[TAIL], new int[TAIL], 0);
  }

  /**
   * Visits the entries with {@code from <= ts <= to} that pass {@code live}, in increasing ts order
   * (ties by slot), or decreasing if {@code descending}.
   */
  void scan(long from, long to, boolean descending, IntPredicate live, TimeVisitor visitor) {
    if (from > to) {
      return; // an empty range: the bounds below would cross, and the walk run past them
    }
    State s = state;
    int runs = s.runTs.length;
    long[][] ts = Arrays.copyOf(s.runTs, runs + 1);
    int[][] slots = Arrays.copyOf(s.runSlots, runs + 1);
    int inRange = 0;
    long[] tailTs = new long[s.tailSize];
    int[] tailSlots = new int[s.tailSize];
    for (int i = 0; i < s.tailSize; i++) {
      if (s.tailTs[i] >= from && s.tailTs[i] <= to) {
        tailTs[inRange] = s.tailTs[i];
        tailSlots[inRange++] = s.tailSlots[i];
      }
    }
    tailTs = Arrays.copyOf(tailTs, inRange);
    tailSlots = Arrays.copyOf(tailSlots, inRange);
    sortPairs(tailTs, tailSlots);
    ts[runs] = tailTs;
    slots[runs] = tailSlots;
    int[] pos = new int[runs + 1];
    int[] end = new int[runs + 1];
    for (int r = 0; r <= runs; r++) {
      int lo = lowerBound(ts[r], from);
      int hi = to == Long.MAX_VALUE ? ts[r].length : lowerBound(ts[r], to + 1);
      pos[r] = descending ? hi - 1 : lo;
      end[r] = descending ? lo - 1 : hi;
    }
    while (true) {
      int best = -1;
      for (int r = 0; r <= runs; r++) {
        if (pos[r] != end[r] && (best < 0 || before(ts[r], slots[r], pos[r], ts[best], slots[best], pos[best],
            descending))) {
          best = r;
        }
      }
      if (best < 0) {
        return;
      }
      int i = pos[best];
      pos[best] += descending ? -1 : 1;
      if (live.test(slots[best][i]) && !visitor.visit(ts[best][i], slots[best][i])) {
        return;
      }
    }
  }

  /** Number of entries (live or not) with {@code from <= ts <= to}: a planner estimate. */
  long count(long from, long to) {
    if (from > to) {
      return 0;
    }
    State s = state;
    long n = 0;
    for (long[] run : s.runTs) {
      n += (to == Long.MAX_VALUE ? run.length : lowerBound(run, to + 1)) - lowerBound(run, from);
    }
    for (int i = 0; i < s.tailSize; i++) {
      n += s.tailTs[i] >= from && s.tailTs[i] <= to ? 1 : 0;
    }
    return n;
  }

  long heapBytes() {
    State s = state;
    long n = TAIL * 12L;
    for (long[] run : s.runTs) {
      n += run.length * 12L + 32;
    }
    return n;
  }

  private static boolean before(long[] at, int[] as, int ai, long[] bt, int[] bs, int bi, boolean descending) {
    int c = at[ai] != bt[bi] ? Long.compare(at[ai], bt[bi]) : Integer.compare(as[ai], bs[bi]);
    return descending ? c > 0 : c < 0;
  }

  private static int lowerBound(long[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static void merge(long[] at, int[] as, long[] bt, int[] bs, long[] mt, int[] ms) {
    int i = 0;
    int j = 0;
    for (int k = 0; k < mt.length; k++) {
      boolean takeA = j >= bt.length
          || (i < at.length && (at[i] < bt[j] || (at[i] == bt[j] && as[i] < bs[j])));
      mt[k] = takeA ? at[i] : bt[j];
      ms[k] = takeA ? as[i++] : bs[j++];
    }
  }

  /** Sorts (ts, slot) pairs by ts then slot; via packed index sort to stay allocation-light. */
  private static void sortPairs(long[] ts, int[] slots) {
    int n = ts.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> ts[x] != ts[y] ? Long.compare(ts[x], ts[y]) : Integer.compare(slots[x], slots[y]));
    long[] t = ts.clone();
    int[] s = slots.clone();
    for (int i = 0; i < n; i++) {
      ts[i] = t[order[i]];
      slots[i] = s[order[i]];
    }
  }
}
