package dev.aeon.index.atlas;

/**
 * A bounded min-heap of (score, payload) pairs that keeps the {@code capacity} highest scores. Payloads
 * are longs so that callers can pack two ints (an id and a slot) without boxing.
 */
final class TopK {

  private final float[] scores;
  private final long[] payloads;
  private int size;

  TopK(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    scores = new float[capacity];
    payloads = new long[capacity];
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == scores.length;
  }

  /** The lowest kept score; only meaningful when {@link #full}. */
  float min() {
    return scores[0];
  }

  /**
   * The score a new pair must exceed to be kept: the lowest kept score when full, else negative
   * infinity. Equivalent to {@link #accepts}, but cheap to hold in a local across a scoring loop.
   */
  float floor() {
    return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
  }

  /** True if a pair with this score would be kept. */
  boolean accepts(float score) {
    return size < scores.length || score > scores[0];
  }

  void offer(float score, long payload) {
    if (size < scores.length) {
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (scores[parent] <= score) {
          break;
        }
        scores[i] = scores[parent];
        payloads[i] = payloads[parent];
        i = parent;
      }
      scores[i] = score;
      payloads[i] = payload;
    } else if (score > scores[0]) {
      siftDown(score, payload);
    }
  }

  private void siftDown(float score, long payload) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        break;
      }
      int c = l + 1 < size && scores[l + 1] < scores[l] ? l + 1 : l;
      if (scores[c] >= score) {
        break;
      }
      scores[i] = scores[c];
      payloads[i] = payloads[c];
      i = c;
    }
    scores[i] = score;
    payloads[i] = payload;
  }

  /** Empties the heap into the arrays, highest score first; returns the count. */
  int drainDescending(float[] outScores, long[] outPayloads) {
    int n = size;
    for (int k = n - 1; k >= 0; k--) {
      outScores[k] = scores[0];
      outPayloads[k] = payloads[0];
      size--;
      if (size > 0) {
        siftDown(scores[size], payloads[size]);
      }
    }
    return n;
  }
}
