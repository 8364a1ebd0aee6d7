package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root left with one child, an inner node, gives it its place ({@code TreeWriter.liftRoot}): the tree is a level
 * lower. Checked here: searches that run while roots are lifted (some holding the old root) find every vector never
 * forgotten, each once; a lifted root is what the next manifest names, and the reopened tree is the same tree with
 * the same rows and the same INT8 codes. (The rows' one-bit sketches are not: the manifest holds no codes, and a
 * reopened node takes its rows' mean as the center its sketches are taken around, where the node before the close may
 * have kept an older one through its splits and merges; {@link CentroidCodes#rearranged}.) A small fan-out and small
 * leaves make a tree of several levels from a few thousand vectors.
 */
class LiftedRootTest {

  private static final int DIM = 32;
  private static final int SESSIONS = 60;
  private static final int PER_SESSION = 16;
  /** Pages of 4, 4 to a leaf (a session fills one), at most 4 children to a node. */
  private static final AtlasConfig CONFIG = new AtlasConfig(DIM, 4, 4, 4);

  @TempDir
  Path dir;

  @Test
  void aLiftedRootIsWhatTheManifestNamesAndReopensAsTheSameTree() throws IOException {
    float[][] vs = sessions(new Random(23));
    int depthBefore;
    List<String> before;
    try (AtlasIndex index = AtlasIndex.create(dir, CONFIG)) {
      for (int i = 0; i < vs.length; i++) {
        index.add(i, vs[i]);
      }
      depthBefore = index.stats().depth();
      for (int s = 1; s < SESSIONS; s++) {
        assertEquals(PER_SESSION, index.removeAll(ids(s)));
      }
      AtlasStats after = index.stats();
      assertTrue(after.depth() < depthBefore - 1, "depth " + depthBefore + " -> " + after.depth() + ": no root lifted");
      index.flush();
      before = tree(index.routing().root());
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(before, tree(index.routing().root()), "the reopened tree, its rows and its INT8 codes");
      assertEveryKeptFound(index, vs, 1);
      // The lifted tree grows again, splitting its root as any.
      for (int i = PER_SESSION; i < vs.length; i++) {
        index.add(i, vs[i]);
      }
      assertTrue(index.stats().depth() >= depthBefore - 1, "depth after adding back: " + index.stats());
      assertEveryKeptFound(index, vs, SESSIONS);
    }
  }

  @Test
  void searchesWhileRootsAreLiftedFindEveryVectorNeverForgotten() throws Exception {
    float[][] vs = sessions(new Random(29));
    try (AtlasIndex index = AtlasIndex.create(dir, CONFIG)) {
      for (int i = 0; i < PER_SESSION; i++) {
        index.add(i, vs[i]);
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int seed = t;
        readers.add(Thread.ofPlatform().start(() -> {
          Random r = new Random(seed);
          try {
            while (!done.get() && failure.get() == null) {
              // Session 0 is added first and never forgotten: every search of every leaf finds each of its vectors.
              int i = r.nextInt(PER_SESSION);
              SearchResult res = index.search(vs[i], PER_SESSION, SearchParams.nprobe(Integer.MAX_VALUE));
              long found = LongStream.of(res.ids()).filter(id -> id < PER_SESSION).count();
              long distinct = LongStream.of(res.ids()).distinct().count();
              if (found != PER_SESSION || distinct != res.ids().length) {
                throw new AssertionError("a search for " + i + " found " + found + " of session 0's " + PER_SESSION
                    + " (ids " + java.util.Arrays.toString(res.ids()) + ")");
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }));
      }
      int lifts = 0;
      try {
        for (int round = 0; round < 4 && failure.get() == null; round++) {
          for (int i = PER_SESSION; i < vs.length; i++) {
            index.add(round * 10_000L + i, vs[i]);
          }
          int depth = index.stats().depth();
          for (int s = 1; s < SESSIONS; s++) {
            long base = round * 10_000L;
            assertEquals(PER_SESSION, index.removeAll(LongStream.range(base + (long) s * PER_SESSION,
                base + (long) (s + 1) * PER_SESSION).toArray()));
          }
          lifts += depth - index.stats().depth();
        }
      } finally {
        done.set(true);
        for (Thread t : readers) {
          t.join();
        }
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertTrue(lifts >= 4, "levels lifted over 4 rounds: " + lifts);
      assertEveryKeptFound(index, vs, 1);
    }
  }

  /** Sessions of vectors about a centre each. */
  private static float[][] sessions(Random r) {
    return AtlasIndexTest.clusteredSessions(r, SESSIONS, PER_SESSION, DIM);
  }

  private static long[] ids(int session) {
    return LongStream.range((long) session * PER_SESSION, (long) (session + 1) * PER_SESSION).toArray();
  }

  /** Each of the first {@code sessions} sessions' vectors is the top answer of a search of every leaf, exactly. */
  private static void assertEveryKeptFound(AtlasIndex index, float[][] vs, int sessions) {
    assertEquals((long) sessions * PER_SESSION, index.size());
    for (int i = 0; i < sessions * PER_SESSION; i++) {
      SearchResult res = index.search(vs[i], 1, SearchParams.nprobe(Integer.MAX_VALUE));
      assertEquals(i, res.ids()[0], "top answer for vector " + i);
      assertEquals(AtlasIndexTest.exactCosine(vs[i], vs[i]), res.scores()[0], 1e-4, "score of " + i);
    }
  }

  /** The tree under {@code n}, depth first: each node's leaves (by id), rows, codes and scales. */
  private static List<String> tree(Node n) {
    List<String> out = new ArrayList<>();
    Node.Children c = n.children();
    StringBuilder kids = new StringBuilder();
    for (Object kid : c.kids()) {
      kids.append(kid instanceof Leaf l ? "leaf " + l.id : "node").append(", ");
    }
    float[] scales = new float[c.kids().length];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = c.codes().scale(i);
    }
    out.add(kids + " rows " + java.util.Arrays.toString(c.rowsForSnapshot()) + " codes "
        + java.util.Arrays.toString(c.codes().segment().toArray(ValueLayout.JAVA_BYTE)) + " scales "
        + java.util.Arrays.toString(scales));
    for (Object kid : c.kids()) {
      if (kid instanceof Node child) {
        out.addAll(tree(child));
      }
    }
    return out;
  }
}
