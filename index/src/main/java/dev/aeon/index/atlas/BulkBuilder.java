package dev.aeon.index.atlas;

import dev.aeon.index.atlas.cluster.KMeans;
import dev.aeon.index.kernel.VectorKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;

/**
 * Builds the whole tree of an empty index from one batch by spherical k-means. A batch that fits under
 * one node is split by k-means, again and again, until each part fits a leaf (filled to about {@value
 * #FILL} of its capacity, leaving room for inserts), and all those leaves become children of one node. A
 * larger batch is clustered into its leaves in one flat k-means (oversized clusters split further), and
 * the routing tree is then built over the leaves' rows, level by level, nodes of at most {@code fanout}
 * children from k-means over those rows.
 *
 * <p>Why flat leaves: splitting top-down (first into {@code fanout} clusters, then each into leaves)
 * puts a vector near a first-level boundary into a leaf of the wrong side. On 116,659 MiniLM sentence
 * vectors ({@code ./aeon bench ann --dataset wordnet-minilm}, INT8 scoring of every entry), leaves from
 * one flat k-means reached recall@10 0.948 scoring 48 leaves where the top-down leaves had reached 0.936,
 * and 0.962 against 0.951 at 64.
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
  /** What the build took so far, for a build that fails to give back. */
  private final List<Leaf> made = new ArrayList<>();
  private final IntArrayList pagesTaken = new IntArrayList();
  private final IntArrayList slotsTaken = new IntArrayList();

  BulkBuilder(Storage st, Routing rt, VectorKernels kernels) {
    this.st = st;
    this.rt = rt;
    this.dim = st.config.dim();
    this.target = Math.max(1, (int) (st.config.leafCapacity() * FILL));
    this.kmeans = new KMeans(kernels, dim, 10, 32_768);
  }

  /**
   * Writes the vectors ({@code n} unit rows of {@code data}) of ids the index does not hold and returns the
   * new root. A build that fails (a device too full for the files to grow) undoes what it did before it
   * throws: the ids leave the id map, and the leaves it made, their pages and the slots it took are retired
   * (readers may have seen them), so that the index goes on as it was.
   */
  Node build(long[] ids, float[] data) {
    try {
      return buildAll(ids, data);
    } catch (RuntimeException | Error e) {
      for (long id : ids) {
        st.ids.remove(id); // the ids were not in the index: each one it holds now, this build put there
      }
      for (Leaf l : made) {
        l.retire();
        rt.unregister(l);
      }
      pagesTaken.forEachInt(st::retirePage);
      slotsTaken.forEachInt(st::retireSlot);
      throw e;
    }
  }

  private Node buildAll(long[] ids, float[] data) {
    int n = ids.length;
    int[] slots = new int[n];
    float[] v = new float[dim];
    for (int i = 0; i < n; i++) {
      slots[i] = st.allocSlot();
      slotsTaken.addInt(slots[i]);
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
        return parentOf(parts.stream().<Object>map(p -> leaf(ids, slots, data, p)).toList());
      }
    }
    int k = (int) ((rows.length + (long) target - 1) / target);
    List<Object> leaves = new ArrayList<>();
    for (int[] group : groups(kmeans.cluster(data, rows, k, seed++), rows)) {
      for (int[] part : group.length <= st.config.leafCapacity() ? List.of(group) : leafGroups(data, group)) {
        leaves.add(leaf(ids, slots, data, part));
      }
    }
    return over(leaves);
  }

  /**
   * The tree over {@code kids} (leaves or nodes): one node if they fit, else one level of nodes over
   * clusters of their rows (each at most {@code fanout}, aiming at {@value #FILL} of it), and so on up.
   */
  private Node over(List<Object> kids) {
    int fanout = st.config.fanout();
    if (kids.size() <= fanout) {
      return parentOf(kids);
    }
    float[] rows = new float[kids.size() * dim];
    for (int i = 0; i < kids.size(); i++) {
      System.arraycopy(row(kids.get(i)), 0, rows, i * dim, dim);
    }
    int[] all = new int[kids.size()];
    Arrays.setAll(all, i -> i);
    List<Object> parents = new ArrayList<>();
    for (int[] part : split(rows, all, fanout, Math.max(2, (int) (fanout * FILL)))) {
      parents.add(part.length == 1 ? kids.get(part[0]) : parentOf(Arrays.stream(part).mapToObj(kids::get).toList()));
    }
    return over(parents);
  }

  /** A leaf's row (the direction of its mean, kept until its parent is built) or a node's (of its rows' sum). */
  private float[] row(Object kid) {
    return kid instanceof Leaf l ? leafRows.get(l.id) : Vectors.directionOfSum(((Node) kid).children().centroids(),
        dim);
  }

  /** The node over {@code kids}. */
  private Node parentOf(List<Object> kids) {
    float[] centroids = new float[kids.size() * dim];
    for (int g = 0; g < kids.size(); g++) {
      System.arraycopy(row(kids.get(g)), 0, centroids, g * dim, dim);
    }
    Node node = new Node(new Node.Children(kids.toArray(), centroids));
    for (Object kid : kids) {
      if (kid instanceof Leaf l) {
        l.parent = node;
        leafRows.remove(l.id);
      } else {
        ((Node) kid).parent = node;
      }
    }
    return node;
  }

  /** Splits {@code rows} into parts that fit a leaf, aiming at the fill target. */
  private List<int[]> leafGroups(float[] data, int[] rows) {
    return split(data, rows, st.config.leafCapacity(), target);
  }

  /**
   * Splits {@code rows} (always at least once) by k-means until every part has at most {@code max} rows,
   * aiming at {@code aim}; a part that k-means cannot split (identical rows) is cut into chunks.
   */
  private List<int[]> split(float[] data, int[] rows, int max, int aim) {
    List<int[]> out = new ArrayList<>();
    java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>();
    todo.push(rows);
    while (!todo.isEmpty()) {
      int[] r = todo.pop();
      if (r != rows && r.length <= max) {
        out.add(r);
        continue;
      }
      int k = Math.max(2, (r.length + aim - 1) / aim);
      List<int[]> parts = groups(kmeans.cluster(data, r, Math.min(k, r.length), seed++), r);
      if (parts.size() == 1) {
        parts = chunks(r, aim);
      }
      parts.forEach(todo::push);
    }
    return out;
  }

  private Leaf leaf(long[] ids, int[] slots, float[] data, int[] rows) {
    Leaf leaf = rt.newLeaf();
    made.add(leaf);
    int cap = st.layout.capacity;
    int[] pages = new int[(rows.length + cap - 1) / cap];
    float[] v = new float[dim];
    float[] mean = new float[dim];
    PageBatch batch = new PageBatch(cap);
    for (int j = 0; j < rows.length; j++) {
      int r = rows[j];
      System.arraycopy(data, r * dim, v, 0, dim);
      for (int d = 0; d < dim; d++) {
        mean[d] += v[d] / rows.length;
      }
      batch.add(ids[r], slots[r], st.encode(v));
      if (batch.n == cap || j == rows.length - 1) {
        pages[j / cap] = batch.writeTo(st, leaf.id);
        pagesTaken.addInt(pages[j / cap]);
        for (int k = 0; k < batch.n; k++) {
          st.ids.put(batch.ids[k], batch.slots[k]);
        }
        batch.clear();
      }
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
