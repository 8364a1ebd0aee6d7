package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Node.Children#leavesOnly}, which the descent reads to know the level it scores leaves at: true exactly when
 * every kid is a leaf, for children made whole and for those a merge, a split or a child's removal makes. Pins what
 * the stream it replaced gave (a loop now, see {@link Node.Children}).
 */
class LeavesOnlyTest {

  private static final int DIM = 4;

  @Test
  void trueExactlyWhenEveryKidIsALeaf() {
    Leaf a = new Leaf(1, 0);
    Leaf b = new Leaf(2, 0);
    Node inner = new Node(children(new Leaf(3, 0)));
    assertTrue(children(a, b).leavesOnly());
    assertTrue(children(a).leavesOnly());
    assertFalse(children(a, inner).leavesOnly());
    assertFalse(children(inner, a).leavesOnly());
    assertFalse(children(inner).leavesOnly());
  }

  /** {@link Node.Children#nodesOnly}, which lets the descent score a level without reading its kids: the converse. */
  @Test
  void nodesOnlyExactlyWhenEveryKidIsAnInnerNode() {
    Leaf a = new Leaf(1, 0);
    Node inner = new Node(children(new Leaf(2, 0)));
    Node other = new Node(children(new Leaf(3, 0)));
    assertTrue(children(inner, other).nodesOnly());
    assertTrue(children(inner).nodesOnly());
    assertFalse(children(a, inner).nodesOnly());
    assertFalse(children(inner, a).nodesOnly());
    assertFalse(children(a).nodesOnly());
    InsertScratch scratch = new InsertScratch(DIM);
    assertTrue(children(a, inner, other).without(0, scratch).nodesOnly()); // its only leaf gone
    assertFalse(children(inner, other).withSplit(0, a, unit(0), new Leaf(4, 0), unit(1), scratch).nodesOnly());
  }

  @Test
  void childrenMadeFromOthersSayWhatTheirKidsAre() {
    InsertScratch scratch = new InsertScratch(DIM);
    Leaf a = new Leaf(1, 0);
    Leaf b = new Leaf(2, 0);
    Leaf c = new Leaf(3, 0);
    Node inner = new Node(children(new Leaf(4, 0)));
    Node.Children leaves = children(a, b, c);
    Node.Children mixed = children(a, inner, b);
    assertTrue(leaves.withMerged(0, 1, new Leaf(5, 0), unit(0), scratch).leavesOnly());
    assertFalse(mixed.withMerged(0, 2, new Leaf(5, 0), unit(0), scratch).leavesOnly());
    assertTrue(leaves.withSplit(1, new Leaf(6, 0), unit(1), new Leaf(7, 0), unit(2), scratch).leavesOnly());
    assertFalse(mixed.withSplit(0, new Leaf(6, 0), unit(1), new Leaf(7, 0), unit(2), scratch).leavesOnly());
    assertTrue(mixed.without(1, scratch).leavesOnly()); // its only inner node gone
    assertFalse(mixed.without(0, scratch).leavesOnly());
    assertTrue(leaves.without(2, scratch).leavesOnly());
  }

  private static Node.Children children(Object... kids) {
    float[] rows = new float[kids.length * DIM];
    for (int i = 0; i < kids.length; i++) {
      rows[i * DIM + i % DIM] = 1;
    }
    return new Node.Children(kids, rows);
  }

  private static float[] unit(int axis) {
    float[] v = new float[DIM];
    v[axis] = 1;
    return v;
  }
}
