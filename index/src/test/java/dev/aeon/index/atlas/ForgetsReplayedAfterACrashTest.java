package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash after forgets whose compactions merged and dropped leaves, before the next flush: the index reopens as
 * the last flush left it, and the forgets its owner's log replays ({@link AtlasIndex#removeAll} of each forgotten
 * session, the ids the index no longer holds skipped, as the engine replays them) leave it holding exactly the
 * live vectors, each found by a search of every leaf with its exact cosine, no forgotten one, in fewer leaves than
 * before the forgets. The replay need not merge the same leaves as the run before the crash (its compactions come
 * at other moments from another tree), only leave a consistent index; a flush and a reopen after it keep that.
 */
class ForgetsReplayedAfterACrashTest {

  private static final int DIM = 32;
  private static final int SESSIONS = 120;
  private static final SearchParams EVERY_LEAF =
      new SearchParams(Integer.MAX_VALUE, Integer.MAX_VALUE, 0, SearchParams.NO_SKETCH, true, 0);

  @TempDir
  Path dir;

  @Test
  void forgetsReplayedAfterACrashBetweenMergesAndTheFlushLeaveTheLiveVectorsOnly() throws IOException {
    Random r = new Random(83);
    List<long[]> sessions = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      float[] centre = AtlasIndexTest.randomVector(r, DIM);
      int size = 5 + r.nextInt(80);
      long[] ids = LongStream.range(vectors.size(), vectors.size() + size).toArray();
      for (int i = 0; i < size; i++) {
        float[] noise = AtlasIndexTest.randomVector(r, DIM);
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          v[d] = centre[d] * 3 + noise[d];
        }
        vectors.add(v);
      }
      sessions.add(ids);
    }
    // Sessions added interleaved, so that most leaves hold several sessions' vectors and a forget leaves them part
    // full (the merges), some of them emptied (the drops).
    List<long[]> order = new ArrayList<>();
    for (long[] s : sessions) {
      for (long id : s) {
        order.add(new long[] {id, r.nextInt(1 << 20)});
      }
    }
    order.sort((a, b) -> Long.compare(a[1], b[1]));
    boolean[] forgotten = new boolean[vectors.size()];
    List<long[]> forgets = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      if (s % 8 != 0) {
        forgets.add(sessions.get(s));
        for (long id : sessions.get(s)) {
          forgotten[(int) id] = true;
        }
      }
    }
    int leavesBefore;
    long mergesBeforeCrash;
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(DIM))) {
      for (long[] o : order) {
        index.add(o[0], vectors.get((int) o[0]));
      }
      leavesBefore = index.stats().leaves();
      for (int i = 0; i < forgets.size(); i++) {
        index.removeAll(forgets.get(i));
        if (i == forgets.size() / 3) {
          index.flush(); // the crash loses the forgets after this one, the replay repeats them all
        }
      }
      mergesBeforeCrash = index.writer().merges();
      index.closeWithoutFlush();
    }
    assertTrue(mergesBeforeCrash > 0, "no leaf merged before the crash");
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      for (long[] ids : forgets) {
        index.removeAll(ids); // as the log replays them: the ids the flush kept forgotten are skipped
      }
      assertTrue(index.writer().merges() > 0, "the replay merged no leaf");
      check(index, vectors, forgotten, "after the replay");
      assertTrue(index.stats().leaves() < leavesBefore,
          index.stats().leaves() + " leaves after the replay, " + leavesBefore + " before the forgets");
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      check(index, vectors, forgotten, "reopened after the replay's flush");
    }
  }

  private static void check(AtlasIndex index, List<float[]> vectors, boolean[] forgotten, String when) {
    long live = 0;
    for (int id = 0; id < vectors.size(); id++) {
      assertEquals(!forgotten[id], index.contains(id), when + ": id " + id);
      live += forgotten[id] ? 0 : 1;
    }
    assertEquals(live, index.size(), when);
    for (int id = 0; id < vectors.size(); id += 3) {
      float[] q = vectors.get(id);
      SearchResult res = index.search(q, vectors.size() + 1, EVERY_LEAF);
      assertEquals(live, res.size(), when + ": a search of every leaf for id " + id);
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < res.size(); i++) {
        long found = res.ids()[i];
        assertTrue(seen.add(found), when + ": id " + found + " twice");
        assertFalse(forgotten[(int) found], when + ": forgotten id " + found + " found");
        assertEquals(AtlasIndexTest.exactCosine(q, vectors.get((int) found)), res.scores()[i], 1e-4,
            when + ": score of " + found);
      }
    }
  }
}
