package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The descent by codes alone (an insert's, {@link Searcher#descend(dev.aeon.index.kernel.Int8Query, int, int)})
 * keeps the leaves a plain beam search over the tree keeps, in the same order: the reference here scores every
 * row of every node it reaches from its codes, one code at a time, reads every child to learn its kind, and ranks
 * with a sort. It pins the choice the descent made before it stopped reading the children of a level of inner nodes to
 * learn their kind (the same leaves, whatever the descent reads). Leaves of equal scores may come in either order.
 */
class DescentChoiceTest {

  private static final int DIM = 64;

  @TempDir
  Path dir;

  @Test
  void theDescentKeepsThePlainBeamSearchsLeaves() throws Exception {
    Random r = new Random(41);
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(DIM, 4, 2, 4))) {
      float[][] vs = filled(index, r);
      assertTrue(depth(index.routing().root()) >= 3, "levels of inner nodes under the root, for the test to mean much");
      assertSameLeavesAsThePlainBeamSearch(index, vs, r);
    }
  }

  /**
   * A level whose children are leaves and inner nodes both: the writer grows and shrinks the tree a level at a time,
   * so such a level is made here by hand, each other inner node under the root taking the place of a leaf of its own
   * (the node's row kept). The descent must still tell the leaves there from the nodes ({@link Node.Children#nodesOnly}
   * false): taking every child of a level that is not all leaves for a node, it cast a leaf to a node.
   */
  @Test
  void aLevelMixingLeavesAndNodesIsDescendedAsThePlainBeamSearch() throws Exception {
    Random r = new Random(43);
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(DIM, 4, 2, 4))) {
      float[][] vs = filled(index, r);
      Node root = index.routing().root();
      Node.Children whole = root.children();
      Object[] kids = whole.kids().clone();
      for (int i = 1; i < kids.length; i += 2) {
        kids[i] = firstLeaf((Node) kids[i]);
      }
      root.publish(new Node.Children(kids, whole.rowsForSnapshot().clone()));
      try {
        assertTrue(!root.children().leavesOnly() && !root.children().nodesOnly(), "a level of leaves and nodes");
        assertSameLeavesAsThePlainBeamSearch(index, vs, r);
      } finally {
        root.publish(whole); // the tree as the index made it, for its close
      }
    }
  }

  private static float[][] filled(AtlasIndex index, Random r) {
    float[][] vs = AtlasIndexTest.clusteredSessions(r, 60, 40, DIM);
    for (int i = 0; i < vs.length; i++) {
      index.add(i, vs[i]);
    }
    return vs;
  }

  private static void assertSameLeavesAsThePlainBeamSearch(AtlasIndex index, float[][] vs, Random r) {
    int[][] settings = {{1, 4}, {3, 2}, {8, 8}, {1, 1}, {Integer.MAX_VALUE, Integer.MAX_VALUE}};
    for (int q = 0; q < 300; q++) {
      float[] query = q % 2 == 0 ? AtlasIndexTest.near(vs[r.nextInt(vs.length)], r)
          : AtlasIndexTest.randomVector(r, DIM);
      PreparedQuery prepared = index.prepare(query);
      for (int[] s : settings) {
        List<Leaf> got = index.searcher().descend(prepared.int8(), s[0], s[1]);
        List<Scored> expected = plainBeamSearch(index.routing().root(), codes(prepared), s[0], s[1]);
        String what = "query " + q + ", nprobe " + s[0] + ", beam " + s[1];
        assertEquals(expected.size(), got.size(), what);
        for (int i = 0; i < got.size(); i++) {
          // The same leaf, or one of the same score (a tie the two sorts may order either way).
          Leaf want = (Leaf) expected.get(i).kid(), leaf = got.get(i);
          float score = expected.get(i).score();
          assertTrue(leaf == want || expected.stream().anyMatch(e -> e.kid() == leaf && e.score() == score),
              what + ", rank " + i + ": leaf " + leaf.id + ", not " + want.id);
        }
      }
    }
  }

  private record Scored(float score, Object kid) {}

  private static List<Scored> plainBeamSearch(Node root, byte[] query, int nprobe, int beam) {
    List<Scored> leaves = new ArrayList<>();
    List<Node> frontier = List.of(root);
    while (!frontier.isEmpty()) {
      List<Scored> nodes = new ArrayList<>();
      for (Node n : frontier) {
        Node.Children c = n.children();
        byte[] codes = c.codes().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        for (int i = 0; i < c.kids().length; i++) {
          int dot = 0;
          for (int j = 0; j < query.length; j++) {
            dot += query[j] * codes[i * query.length + j];
          }
          Scored s = new Scored(dot * c.codes().scale(i), c.kids()[i]);
          (c.kids()[i] instanceof Leaf ? leaves : nodes).add(s);
        }
      }
      nodes.sort(Comparator.comparing(Scored::score).reversed());
      List<Node> next = new ArrayList<>();
      for (Scored s : nodes.subList(0, Math.min(beam, nodes.size()))) {
        if (!next.contains((Node) s.kid())) {
          next.add((Node) s.kid());
        }
      }
      frontier = next;
    }
    leaves.sort(Comparator.comparing(Scored::score).reversed());
    return leaves.subList(0, Math.min(nprobe, leaves.size()));
  }

  private static byte[] codes(PreparedQuery q) {
    return q.codes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
  }

  private static Leaf firstLeaf(Node n) {
    Object first = n.children().kids()[0];
    return first instanceof Node child ? firstLeaf(child) : (Leaf) first;
  }

  private static int depth(Node n) {
    Object first = n.children().kids()[0];
    return first instanceof Node child ? 1 + depth(child) : 1;
  }
}
