package dev.aeon.index.atlas;

import dev.aeon.index.atlas.cluster.KMeans;
import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.VectorKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Builds the whole tree of an empty index from one batch by hierarchical spherical k-means: a group
 * small enough becomes a leaf (filled to about {@value #FILL} of its capacity, leaving room for
 * inserts); a group that fits under one node as leaves is split by k-means, again and again, until each
 * part fits a leaf, and all those leaves become children of one node; a larger group is split into at
 * most {@code fanout} clusters, each built the same way.
 *
 * <p>Why the middle case: splitting every oversized cluster into a new inner node (k-means sizes are
 * uneven, so many get 2 or 3 children) made trees of depth 5 with nodes of 3 or 4 children on 100,000
 * vectors, and a beam descent through such narrow nodes misses many of the leaves it should score.
 */
final class BulkBuilder {

  static final double FILL = 0.75;
  private final Storage st;
  private final Routing rt;
  private final int dim;
  private final int target;
  private final KMeans kmeans;
  private long seed = 42;
  /** Each new leaf's row for its parent (the direction of its mean), until the parent is built. */
  private final Int2ObjectHashMap<float[]> leafRows = new Int2ObjectHashMap<>();

  BulkBuilder(Storage st, Routing rt, VectorKernels kernels) {
    this.st = st;
    this.rt = rt;
    this.dim = st.config.dim();
    this.target = Math.max(1, (int) (st.config.leafCapacity() * FILL));
    this.kmeans = new KMeans(kernels, dim, 10, 32_768);
  }

  /** Writes the vectors ({@code n} unit rows of {@code data}) and returns the new root. */
  Node build(long[] ids, float[] data) {
    int n = ids.length;
    int[] slots = new int[n];
    float[] v = new float[dim];
    for (int i = 0; i < n; i++) {
      slots[i] = st.allocSlot();
      System.arraycopy(data, i * dim, v, 0, dim);
      st.vectors.write(slots[i], ids[i], v);
    }
    int[] rows = new int[n];
    Arrays.setAll(rows, i -> i);
    Object top = build(ids, slots, data, rows);
    if (top instanceof Node node) {
      return node;
    }
    Leaf leaf = (Leaf) top;
    Node root = new Node(new Node.Children(new Object[] {leaf}, leafRows.remove(leaf.id)));
    leaf.parent = root;
    return root;
  }

  private Object build(long[] ids, int[] slots, float[] data, int[] rows) {
    if (rows.length <= target) {
      return leaf(ids, slots, data, rows);
    }
    if (rows.length <= (long) st.config.fanout() * target) {
      List<int[]> parts = leafGroups(data, rows);
      if (parts.size() <= st.config.fanout()) {
        return node(ids, slots, data, parts, true);
      }
    }
    int k = (int) Math.min(st.config.fanout(), (rows.length + (long) target - 1) / target);
    KMeans.Result r = kmeans.cluster(data, rows, k, seed++);
    List<int[]> groups = groups(r, rows);
    if (groups.size() == 1) {
      groups = chunks(rows, Math.max(target, (rows.length + st.config.fanout() - 1) / st.config.fanout()));
    }
    return node(ids, slots, data, groups, false);
  }

  /** A node whose children are built from {@code groups}: each a leaf if {@code leaves}, else as it needs. */
  private Node node(long[] ids, int[] slots, float[] data, List<int[]> groups, boolean leaves) {
    Object[] kids = new Object[groups.size()];
    float[] centroids = new float[groups.size() * dim];
    for (int g = 0; g < kids.length; g++) {
      kids[g] = leaves ? leaf(ids, slots, data, groups.get(g)) : build(ids, slots, data, groups.get(g));
      float[] c = kids[g] instanceof Leaf l ? leafRows.remove(l.id) : Vectors.directionOfSum(((Node) kids[g]).children().centroids(), dim);
      System.arraycopy(c, 0, centroids, g * dim, dim);
    }
    Node node = new Node(new Node.Children(kids, centroids));
    for (Object kid : kids) {
      if (kid instanceof Leaf l) {
        l.parent = node;
      } else {
        ((Node) kid).parent = node;
      }
    }
    return node;
  }

  /**
   * Splits {@code rows} by k-means until every part fits a leaf (at most its capacity, aiming at the
   * fill target); a part that k-means cannot split (identical vectors) is cut into chunks.
   */
  private List<int[]> leafGroups(float[] data, int[] rows) {
    List<int[]> out = new ArrayList<>();
    java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>();
    todo.push(rows);
    int capacity = st.config.leafCapacity();
    while (!todo.isEmpty()) {
      int[] r = todo.pop();
      if (r != rows && r.length <= capacity) { // rows itself is larger than a leaf's target: always split it
        out.add(r);
        continue;
      }
      int k = Math.max(2, (r.length + target - 1) / target);
      List<int[]> parts = groups(kmeans.cluster(data, r, Math.min(k, r.length), seed++), r);
      if (parts.size() == 1) {
        parts = chunks(r, target);
      }
      parts.forEach(todo::push);
    }
    return out;
  }

  private Leaf leaf(long[] ids, int[] slots, float[] data, int[] rows) {
    Leaf leaf = rt.newLeaf();
    int cap = st.layout.capacity;
    int[] pages = new int[(rows.length + cap - 1) / cap];
    byte[] codes = new byte[dim];
    float[] v = new float[dim];
    float[] mean = new float[dim];
    for (int j = 0; j < rows.length; j++) {
      int r = rows[j];
      if (j % cap == 0) {
        pages[j / cap] = st.allocPage(leaf.id);
      }
      System.arraycopy(data, r * dim, v, 0, dim);
      for (int d = 0; d < dim; d++) {
        mean[d] += v[d] / rows.length;
      }
      float scale = Int8Quantizer.quantize(v, codes);
      st.pages.append(pages[j / cap], ids[r], slots[r], scale, codes);
      st.setSlotLeaf(slots[r], leaf.id);
      st.ids.put(ids[r], slots[r]);
    }
    leaf.publishPages(pages);
    leaf.entries = rows.length;
    leafRows.put(leaf.id, leaf.setMean(mean));
    return leaf;
  }

  private static List<int[]> groups(KMeans.Result r, int[] rows) {
    List<int[]> out = new ArrayList<>();
    int[][] members = new int[r.k()][];
    int[] fill = new int[r.k()];
    for (int c = 0; c < r.k(); c++) {
      members[c] = new int[r.sizes()[c]];
    }
    for (int i = 0; i < rows.length; i++) {
      int c = r.assignment()[i];
      members[c][fill[c]++] = rows[i];
    }
    for (int[] m : members) {
      if (m.length > 0) {
        out.add(m);
      }
    }
    return out;
  }

  /** Splits rows into consecutive chunks (identical vectors that k-means cannot separate). */
  private static List<int[]> chunks(int[] rows, int size) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < rows.length; i += size) {
      out.add(Arrays.copyOfRange(rows, i, Math.min(rows.length, i + size)));
    }
    return out;
  }
}
