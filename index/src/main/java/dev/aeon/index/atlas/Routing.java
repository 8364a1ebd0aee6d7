package dev.aeon.index.atlas;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The routing tree's root and the table from leaf id to live leaf. Both are published for lock-free
 * readers: the root through a volatile field, table entries with release stores (the table itself
 * grows copy-on-write).
 */
final class Routing {

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Leaf[].class);
  private final int dim;
  private volatile Node root;
  private volatile Leaf[] leaves = new Leaf[64];
  private volatile int leafCount;
  int nextLeafId; // writer-only

  Routing(int dim) {
    this.dim = dim;
  }

  Node root() {
    return root;
  }

  void publishRoot(Node n) {
    n.parent = null;
    root = n;
  }

  /** The live leaf with this id, or null if it was split, emptied, or never existed. */
  Leaf leaf(int id) {
    Leaf[] t = leaves;
    return id >= 0 && id < t.length ? (Leaf) SLOTS.getAcquire(t, id) : null;
  }

  Leaf newLeaf() {
    return register(new Leaf(nextLeafId++, 0));
  }

  /** Registers a leaf restored from a manifest, or just created. Writer only. */
  Leaf register(Leaf l) {
    Leaf[] t = leaves;
    if (l.id >= t.length) {
      t = Arrays.copyOf(t, Math.max(l.id + 1, t.length * 2));
      leaves = t;
    }
    SLOTS.setRelease(t, l.id, l);
    leafCount++;
    return l;
  }

  void unregister(Leaf l) {
    SLOTS.setRelease(leaves, l.id, (Leaf) null);
    leafCount--;
  }

  /** Live leaves. */
  int leafCount() {
    return leafCount;
  }

  /** Every live leaf (writer only). */
  java.util.List<Leaf> liveLeaves() {
    java.util.List<Leaf> out = new java.util.ArrayList<>();
    for (Leaf l : leaves) {
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }
}
