package dev.aeon.index.atlas;

/**
 * Keeps the {@code k} highest-scoring of the (score, payload) pairs offered to it. Payloads are longs so
 * that callers can pack two ints (an id and a slot) without boxing.
 *
 * <p>Why not a heap: a search offers a few hundred pairs to each of its lists, and a bounded heap pays
 * a sift of log k levels, each a hard-to-predict branch, for every one. Here an offer that beats the
 * floor is appended to a buffer of 2k; when the buffer fills, a selection keeps the best k and raises the
 * floor to the k-th best. That costs about two comparisons per offer. The floor lags behind a heap's
 * (it moves only when the buffer fills), so a few more pairs pass it, each an append.
 */
final class TopK {

  /** Below this many pairs a sort is an insertion sort. */
  private static final int SMALL = 16;
  /**
   * The buffer starts at 2k pairs up to this many, and grows as pairs come: a search for a k larger
   * than anything it will find (a million, all of them) allocates for what it finds, not for k. A search
   * of every leaf asks for Integer.MAX_VALUE leaves and inner nodes a level, so this is what each of its
   * levels allocates at least (at 1 << 16, 768 KB a level, for trees of a few hundred leaves).
   */
  static final int MAX_INITIAL = 1 << 10;

  private int k;
  private float[] scores;
  private long[] payloads;
  private int size;
  private float floor = Float.NEGATIVE_INFINITY;

  TopK(int k) {
    this.k = checkedK(k);
    scores = new float[initial(k)];
    payloads = new long[initial(k)];
  }

  private static int checkedK(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + k);
    }
    return k;
  }

  private static int initial(int k) {
    return (int) Math.min(2L * k, MAX_INITIAL);
  }

  /**
   * Makes this a new {@code TopK(k)}: empty, and with the buffer a new one starts with, which it keeps if it
   * has that size already. The size matters: a selection runs when the buffer fills, and where ties fall
   * depends on when, so a list reused with another buffer could keep another of two equal scores.
   */
  TopK reset(int k) {
    this.k = checkedK(k);
    if (scores.length != initial(k)) {
      scores = new float[initial(k)];
      payloads = new long[initial(k)];
    }
    clear();
    return this;
  }

  /** Pairs the buffer holds before it must select or grow. */
  int bufferSize() {
    return scores.length;
  }

  /** How many pairs {@link #drainDescending} will return: the pairs offered, at most k. */
  int size() {
    return Math.min(size, k);
  }

  /**
   * A score a pair must exceed to be kept: pairs at or below it cannot be among the best k. Negative
   * infinity until 2k pairs have been offered; cheap to hold in a local across a scoring loop (re-read it
   * after each offer).
   */
  float floor() {
    return floor;
  }

  void offer(float score, long payload) {
    if (score <= floor) {
      return;
    }
    scores[size] = score;
    payloads[size] = payload;
    if (++size == scores.length) {
      if (size >= 2L * k) {
        keepBest();
      } else {
        grow();
      }
    }
  }

  /** Doubles the buffer, up to 2k pairs. */
  private void grow() {
    int capacity = (int) Math.min(2L * k, Math.min(2L * scores.length, Integer.MAX_VALUE - 8));
    if (capacity == scores.length) {
      throw new IllegalStateException("more than " + capacity + " candidates for one search");
    }
    scores = java.util.Arrays.copyOf(scores, capacity);
    payloads = java.util.Arrays.copyOf(payloads, capacity);
  }

  /** Empties this into the arrays, highest score first; returns the count. */
  int drainDescending(float[] outScores, long[] outPayloads) {
    int n = sortDescending();
    System.arraycopy(scores, 0, outScores, 0, n);
    System.arraycopy(payloads, 0, outPayloads, 0, n);
    clear();
    return n;
  }

  /**
   * Sorts the pairs kept, highest score first, in place, and returns their count; {@link #score} and
   * {@link #payload} read them by rank until the next {@link #offer} or {@link #clear}. A search reads its
   * lists this way: it had copied each out into two arrays of its own, made for that alone.
   */
  int sortDescending() {
    if (size > k) {
      keepBest();
    }
    sortRange(0, size - 1);
    return size;
  }

  /** The score of rank {@code i} after {@link #sortDescending}. */
  float score(int i) {
    return scores[i];
  }

  /** The payload of rank {@code i} after {@link #sortDescending}. */
  long payload(int i) {
    return payloads[i];
  }

  /** Forgets every pair, keeping the buffer, so that this can collect another list of the same k. */
  void clear() {
    size = 0;
    floor = Float.NEGATIVE_INFINITY;
  }

  /** Moves the best k pairs to the front, drops the rest, and raises the floor to the k-th best score. */
  private void keepBest() {
    int lo = 0, hi = size - 1, target = k - 1;
    while (hi > lo) {
      int p = partition(lo, hi);
      if (p == target) {
        break;
      } else if (p < target) {
        lo = p + 1;
      } else {
        hi = p - 1;
      }
    }
    size = k;
    floor = scores[k - 1]; // the selection left the k-th best there, the better ones before it
  }

  /**
   * Partitions {@code [lo, hi]} around the median of its first, middle and last scores, higher scores
   * first; returns the pivot's final index.
   */
  private int partition(int lo, int hi) {
    int mid = (lo + hi) >>> 1;
    if (scores[mid] > scores[lo]) {
      swap(mid, lo);
    }
    if (scores[hi] > scores[lo]) {
      swap(hi, lo);
    }
    if (scores[hi] > scores[mid]) {
      swap(hi, mid);
    }
    // Now scores[lo] >= scores[mid] >= scores[hi]: the median is at mid. Park it at hi.
    swap(mid, hi);
    float pivot = scores[hi];
    int store = lo;
    for (int i = lo; i < hi; i++) {
      if (scores[i] > pivot) {
        swap(i, store++);
      }
    }
    swap(store, hi);
    return store;
  }

  private void sortRange(int lo, int hi) {
    while (hi - lo >= SMALL) {
      int p = partition(lo, hi);
      // Recurse into the smaller side, loop over the larger: the stack stays O(log n) deep.
      if (p - lo < hi - p) {
        sortRange(lo, p - 1);
        lo = p + 1;
      } else {
        sortRange(p + 1, hi);
        hi = p - 1;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      float s = scores[i];
      long pl = payloads[i];
      int j = i - 1;
      while (j >= lo && scores[j] < s) {
        scores[j + 1] = scores[j];
        payloads[j + 1] = payloads[j];
        j--;
      }
      scores[j + 1] = s;
      payloads[j + 1] = pl;
    }
  }

  private void swap(int i, int j) {
    float s = scores[i];
    scores[i] = scores[j];
    scores[j] = s;
    long p = payloads[i];
    payloads[i] = payloads[j];
    payloads[j] = p;
  }
}
