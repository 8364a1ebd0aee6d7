package dev.aeon.bench.ann;

/** Keeps the {@code k} highest-scoring int ids seen (a min-heap); ties keep the id offered first. */
final class TopIds {

  private final float[] scores;
  private final int[] ids;
  private int size;

  TopIds(int k) {
    scores = new float[k];
    ids = new int[k];
  }

  void offer(float score, int id) {
    if (size < scores.length) {
      int i = size++;
      while (i > 0 && scores[(i - 1) >>> 1] > score) {
        int p = (i - 1) >>> 1;
        scores[i] = scores[p];
        ids[i] = ids[p];
        i = p;
      }
      scores[i] = score;
      ids[i] = id;
    } else if (score > scores[0]) {
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) {
          break;
        }
        if (c + 1 < size && scores[c + 1] < scores[c]) {
          c++;
        }
        if (scores[c] >= score) {
          break;
        }
        scores[i] = scores[c];
        ids[i] = ids[c];
        i = c;
      }
      scores[i] = score;
      ids[i] = id;
    }
  }

  /** The kept ids, best first. */
  int[] idsDescending() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a])
        : Integer.compare(ids[a], ids[b]));
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = ids[order[i]];
    }
    return out;
  }
}
