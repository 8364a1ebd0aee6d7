package dev.aeon.index.atlas;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The routing tree's root and the table from leaf id to live leaf. Both are published for lock-free
 * readers: the root through a volatile field, table entries with release stores (the table itself
 * grows copy-on-write).
 *
 * <p>The table has two levels, chunks of {@value #CHUNK} leaves under an array of chunks, each chunk made
 * when the first leaf with an id in it is registered: leaf ids are never reused, so the ids in use may all
 * be large, and a table indexed by id directly took as many entries as the largest id (from a damaged
 * manifest, gigabytes at the first split).
 */
final class Routing {

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Leaf[].class);
  private final int dim;
  private volatile Node root;
  private static final int CHUNK_SHIFT = 10; // 4 KiB of references: what a namespace of one leaf holds
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  /** The largest leaf id: {@link #nextLeafId} must not overflow. */
  static final int MAX_LEAF_ID = Integer.MAX_VALUE - 1;
  private volatile Leaf[][] leaves = new Leaf[0][];
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
    Leaf[][] t = leaves;
    int c = id >>> CHUNK_SHIFT;
    Leaf[] chunk = id >= 0 && c < t.length ? t[c] : null;
    return chunk == null ? null : (Leaf) SLOTS.getAcquire(chunk, id & (CHUNK - 1));
  }

  Leaf newLeaf() {
    if (nextLeafId > MAX_LEAF_ID) {
      throw new IllegalStateException("no leaf ids left: " + nextLeafId + " leaves were created");
    }
    return register(new Leaf(nextLeafId++, 0));
  }

  /** Registers a leaf restored from a manifest, or just created. Writer only. */
  Leaf register(Leaf l) {
    Leaf[][] t = leaves;
    int c = l.id >>> CHUNK_SHIFT;
    if (c >= t.length || t[c] == null) { // a new array of chunks: readers may hold the old one
      t = Arrays.copyOf(t, Math.max(t.length, c + 1));
      t[c] = new Leaf[CHUNK];
      leaves = t;
    }
    SLOTS.setRelease(t[c], l.id & (CHUNK - 1), l);
    leafCount++;
    return l;
  }

  void unregister(Leaf l) {
    SLOTS.setRelease(leaves[l.id >>> CHUNK_SHIFT], l.id & (CHUNK - 1), (Leaf) null);
    leafCount--;
  }

  /** Live leaves. */
  int leafCount() {
    return leafCount;
  }

  /** Every live leaf (writer only). */
  java.util.List<Leaf> liveLeaves() {
    java.util.List<Leaf> out = new java.util.ArrayList<>();
    for (Leaf[] chunk : leaves) {
      if (chunk == null) {
        continue; // no leaf with an id in its range was made
      }
      for (Leaf l : chunk) {
        if (l != null) {
          out.add(l);
        }
      }
    }
    return out;
  }
}
