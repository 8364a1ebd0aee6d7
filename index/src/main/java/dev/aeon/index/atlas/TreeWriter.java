package dev.aeon.index.atlas;

import dev.aeon.index.atlas.store.EncodedVector;

import dev.aeon.index.atlas.cluster.KMeans;
import dev.aeon.index.atlas.sync.IdMap;
import dev.aeon.index.kernel.Int8Query;
import dev.aeon.index.kernel.VectorKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.collections.IntArrayList;

/**
 * The write path (one thread at a time): insert into the nearest leaf, split a full leaf with 2-means
 * and propagate inner-node splits up like a B+-tree, tombstone deletes, compact leaves whose pages hold
 * many tombstones, merge a leaf left with few entries into a sibling.
 *
 * <p>Every structural change builds the new pages and nodes first and then publishes them with one
 * volatile store, so readers see the old or the new structure, never a half-built one. What a change
 * replaces is left as it was for the readers that reached it before the store: a split or merged leaf keeps
 * its pages, a split inner node its children (two new nodes take its place in its parent). A reader goes from
 * the root down and reads each node's children once, so it finds each entry in the old leaf or in the new
 * ones, never in both nor in neither.
 */
final class TreeWriter {

  private static final int INSERT_BEAM = 4;
  /**
   * A compaction that leaves a leaf under 1/this of a leaf's capacity merges it into a sibling. A quarter (into a
   * sibling the two fit in half a leaf) left 233-249 leaves where a fresh index has 115-120, and recall@10
   * 0.955-0.961 against its 0.98, at 10% of 100,000 WordNet vectors' sessions kept; a half, 154-158 leaves and
   * 0.964-0.965 ({@code ./aeon bench forget --recall}).
   */
  static final int MERGE_BELOW = 2;
  private final Storage st;
  private final Routing rt;
  private final Searcher searcher;
  private final int dim;
  private final int leafCapacity;
  private final KMeans twoMeans;
  private final InsertScratch scratch;
  private final SkippedMerges skippedMerges;
  private long splits;
  private long compactions;
  private long merges;
  /**
   * Tests only: told of each id {@link #removeAll} has counted against its leaf, before any is deleted; one that
   * throws stands for a failure there (an OutOfMemoryError growing the list of leaves). Writer only.
   */
  java.util.function.LongConsumer countedForTests = id -> { };
  /**
   * Tests only: told of each leaf {@link #removeAll} has counted, once it knows whether the leaf is compacted, before
   * any id is deleted; one that throws stands for a failure there. Writer only.
   */
  java.util.function.Consumer<Leaf> classifiedForTests = leaf -> { };

  TreeWriter(Storage st, Routing rt, Searcher searcher, VectorKernels kernels, SkippedMerges skippedMerges) {
    this.st = st;
    this.skippedMerges = skippedMerges;
    this.rt = rt;
    this.searcher = searcher;
    this.dim = st.config.dim();
    this.leafCapacity = st.config.leafCapacity();
    this.twoMeans = new KMeans(kernels, dim, 8, 4096);
    this.scratch = new InsertScratch(dim);
  }

  /** The buffers of one insert at a time ({@link AtlasIndex#add} writes the unit copy of its vector there). */
  InsertScratch scratch() {
    return scratch;
  }

  /**
   * Inserts unit vector {@code v} under a new id. An insert that fails because a file cannot grow (a full
   * device) changes nothing: what needs room comes before the first change.
   */
  void insert(long id, float[] v) {
    EncodedVector encoded = st.encode(v, scratch.entryCodes, scratch.entrySketch);
    Leaf leaf = leafFor(encoded.codes());
    // The sidecar record is written into the slot the insert will take, which is taken only once nothing can fail
    // for want of room; then the pages of a full leaf's split or compaction and a page to append to are reserved.
    // A slot taken first stayed taken after a failure; one whose record was past the file's end (in a chunk not
    // mapped yet), named by the next manifest, made the index unopenable.
    int slot = st.nextSlot();
    st.vectors.write(slot, id, v);
    st.reservePages(pagesToInsert(leaf));
    while (leaf.entries >= leafCapacity) {
      // After a split the descent may pick another full leaf; its split reserves its own pages, and if that
      // fails, the first split stays (the index holds what it held, in one more leaf).
      makeRoom(leaf);
      leaf = leafFor(encoded.codes());
    }
    st.reservePages(pagesToInsert(leaf)); // reserved above, unless a second full leaf was on the way
    st.allocSlot(); // takes the slot nextSlot() named
    append(leaf, id, slot, encoded);
    foldIntoMean(leaf, v, scratch);
    leaf.entries++;
    leaf.bump();
    st.ids.put(id, slot);
  }

  /** Deletes {@code id}; false if it is not in the index. */
  boolean remove(long id) {
    int slot = st.ids.get(id);
    if (slot == IdMap.ABSENT) {
      return false;
    }
    Leaf leaf = rt.leaf(st.slotLeaf(slot));
    boolean compacts = (leaf.dead + 1) * 4 >= leaf.entries;
    if (compacts) {
      // Before the delete: a page file that cannot grow for the compaction (a full device) fails the remove
      // with nothing changed, rather than after the id had left the index.
      st.reservePages(pagesFor(leaf.live() - 1));
    }
    st.ids.remove(id);
    st.tombstones.set(slot);
    leaf.dead++;
    leaf.bump();
    if (compacts) {
      compact(leaf);
    }
    retrySkippedMerges();
    return true;
  }

  /**
   * Deletes those of {@code ids} the index holds (others, and repeats, are skipped) and returns how many: every
   * delete first, then each leaf they take to a quarter dead compacted once. One at a time ({@link #remove}) they
   * would compact a leaf that holds many of them once per quarter of what it has left: a full leaf of 128 that they
   * all are in some 15 times, rewriting its entries each time. The pages of the compactions are reserved before the
   * first delete, so a device too full for them fails the call with nothing removed.
   */
  int removeAll(long[] ids) {
    long[] unique = distinct(ids);
    int[] slots = new int[unique.length];
    long[] found = new long[unique.length];
    Leaf[] leaves = new Leaf[unique.length];
    List<Leaf> touched = new ArrayList<>(); // each with the count of its entries that go (Leaf.pendingDeletes)
    int n = 0;
    try {
      for (long id : unique) {
        int slot = st.ids.get(id);
        if (slot == IdMap.ABSENT) {
          continue;
        }
        Leaf leaf = rt.leaf(st.slotLeaf(slot));
        if (leaf.pendingDeletes == 0) {
          touched.add(leaf); // first: a leaf whose count is not zero is listed, and so reset below
        }
        leaf.pendingDeletes++;
        slots[n] = slot;
        found[n] = id;
        leaves[n++] = leaf;
        countedForTests.accept(id);
      }
    } catch (RuntimeException | Error e) {
      // Nothing is deleted yet. A count left behind kept its leaf out of every later call's list (only a count going
      // from zero lists it), so out of their compactions too, until the index was reopened.
      for (int i = 0; i < touched.size(); i++) {
        touched.get(i).pendingDeletes = 0;
      }
      throw e;
    }
    // The compactions take free pages first, then pages past the high-water mark; the pages they retire are not
    // free before a later reclaim. Each one reserves its own pages past the mark as it was before it ran: the most
    // of those reserves is what the file must hold before the first delete (all of them summed would write zeros
    // past free pages the compactions take instead).
    List<Leaf> compacting = new ArrayList<>();
    int free = st.freePages.size();
    int taken = 0;
    int reserve = 0;
    try {
      for (Leaf leaf : touched) {
        int k = leaf.pendingDeletes;
        if ((leaf.dead + k) * 4 >= leaf.entries) {
          compacting.add(leaf);
          int pages = pagesFor(leaf.live() - k);
          reserve = Math.max(reserve, Math.max(0, taken - free) + pages);
          taken += pages;
        }
        classifiedForTests.accept(leaf);
      }
    } finally {
      // Every leaf's, however this ended: reset one by one as the loop went, a throw part way (an OutOfMemoryError
      // growing the list of compactions) left the counts of the leaves after it, as the counting above once did.
      for (int i = 0; i < touched.size(); i++) {
        touched.get(i).pendingDeletes = 0;
      }
    }
    if (!compacting.isEmpty()) {
      st.reservePages(reserve);
    }
    for (int i = 0; i < n; i++) {
      st.ids.remove(found[i]);
      st.tombstones.set(slots[i]);
      leaves[i].dead++;
      leaves[i].bump();
    }
    // Every compaction before any merge: the reserve above counts the compactions' pages only, and a merge between
    // two of them took pages (free ones, or past the mark) a later one had been counted on, which then failed for
    // want of room after every delete (RemoveAllTest). A merge that finds no room is skipped, the index as it was.
    List<Leaf> small = new ArrayList<>();
    for (Leaf leaf : compacting) {
      if (rewrite(leaf)) {
        small.add(leaf);
      }
    }
    for (Leaf leaf : small) {
      if (!leaf.retired()) { // an earlier one's merge may have taken it as its sibling
        mergeIntoSibling(leaf);
      }
    }
    retrySkippedMerges();
    return n;
  }

  /** The ids once each: as they are if they rise (a session's do), else sorted without repeats. */
  private static long[] distinct(long[] ids) {
    boolean rising = true;
    for (int i = 1; i < ids.length && rising; i++) {
      rising = ids[i] > ids[i - 1];
    }
    return rising ? ids : Arrays.stream(ids).sorted().distinct().toArray();
  }

  /** Leaves compacted so far (tests: how often a delete's rewrite ran). */
  long compactions() {
    return compactions;
  }

  /** Compacts every leaf holding tombstones; returns the number compacted. */
  int compactAll() {
    int n = 0;
    for (Leaf l : rt.liveLeaves()) {
      if (l.dead > 0 && !l.retired()) { // an earlier one's merge may have taken it
        compact(l);
        n++;
      }
    }
    retrySkippedMerges();
    return n;
  }

  long splits() {
    return splits;
  }

  /** Leaves merged into a sibling so far (tests: that a run of forgets merged any). */
  long merges() {
    return merges;
  }

  /** The leaf a vector with these INT8 codes goes to. */
  private Leaf leafFor(byte[] codes) {
    // Not copied: the codes are the insert's own (Storage#encode, in the writer's buffers), and neither the descent
    // nor the page writes them.
    return searcher.descend(Int8Query.ofOwned(codes), 1, INSERT_BEAM).getFirst();
  }

  /**
   * The most pages an insert into {@code leaf} takes: those of its split or compaction (at most one more than
   * its entries fill) if it is full, and one to append to if its last page is full.
   */
  private int pagesToInsert(Leaf leaf) {
    if (leaf.entries >= leafCapacity) {
      return pagesFor(leaf.entries) + 2;
    }
    int[] ps = leaf.pages();
    return ps.length == 0 || st.pages.count(ps[ps.length - 1]) >= st.layout.capacity ? 1 : 0;
  }

  /** Appends one entry to the leaf's last page, or to a new page. Does not touch the leaf's counters. */
  private void append(Leaf leaf, long id, int slot, EncodedVector encoded) {
    int[] ps = leaf.pages();
    int last = ps.length == 0 ? -1 : ps[ps.length - 1];
    if (last >= 0 && st.pages.count(last) < st.layout.capacity) {
      st.pages.append(last, id, slot, encoded);
    } else {
      int p = st.allocPage(leaf.id);
      st.pages.append(p, id, slot, encoded);
      int[] grown = Arrays.copyOf(ps, ps.length + 1);
      grown[ps.length] = p;
      leaf.publishPages(grown);
    }
    st.setSlotLeaf(slot, leaf.id);
  }

  private void makeRoom(Leaf leaf) {
    if (leaf.dead >= st.layout.capacity || leaf.dead * 8 >= leaf.entries) {
      compact(leaf);
    } else {
      split(leaf);
    }
  }

  /**
   * Rewrites a leaf's live entries into fresh pages and retires the old pages and the dead slots; an emptied leaf
   * leaves the tree, one left under 1/{@value #MERGE_BELOW} full merges into a sibling.
   */
  private void compact(Leaf leaf) {
    if (rewrite(leaf)) {
      mergeIntoSibling(leaf);
    }
  }

  /**
   * {@link #compact} but for the merge: true if the leaf is left under 1/{@value #MERGE_BELOW} full (not empty), so
   * should merge into a sibling once the caller has done what it reserved pages for.
   */
  private boolean rewrite(Leaf leaf) {
    compactions++;
    Entries e = Entries.of(st, leaf, null);
    st.reservePages(pagesFor(e.size())); // before anything is allocated: a full device fails it here
    int[] old = leaf.pages();
    int[] all = new int[e.size()];
    Arrays.setAll(all, i -> i);
    leaf.publishPages(writePages(leaf.id, e, all));
    leaf.entries = e.size();
    leaf.dead = 0;
    for (int p : old) {
      st.retirePage(p);
    }
    e.deadSlots().forEachInt(st::retireSlot);
    leaf.bump();
    if (leaf.entries == 0) {
      dropEmpty(leaf);
      return false;
    }
    return leaf.entries < leafCapacity / MERGE_BELOW;
  }

  /** Pages for {@code n} entries. */
  private int pagesFor(int n) {
    return (n + st.layout.capacity - 1) / st.layout.capacity;
  }

  /**
   * Writes entries {@code which} of {@code e} into freshly allocated pages of leaf {@code leafId} and
   * returns the page list; nothing is published.
   */
  private int[] writePages(int leafId, Entries e, int[] which) {
    int cap = st.layout.capacity;
    int[] pages = new int[pagesFor(which.length)];
    PageMoves batch = new PageMoves(cap);
    for (int j = 0; j < which.length; j++) {
      int i = which[j];
      batch.add(e.ids()[i], e.slots()[i], e.fromPages()[i], e.fromEntries()[i]);
      if (batch.n == cap || j == which.length - 1) {
        pages[j / cap] = batch.writeTo(st, leafId);
        batch.clear();
      }
    }
    return pages;
  }

  /**
   * Takes an emptied leaf out of the tree: out of its node if the node has other children, else with the highest of
   * its ancestors that has no other child, out of that one's parent. Only when no ancestor up to the root has another
   * child does it stay, empty (the tree keeps a leaf for the next insert). An empty leaf kept under a node whose other
   * leaves had gone kept its old row, and that node its row: the descent's beam and its leaves took them as they
   * would live ones, for nothing (RecallAfterForgetsTest).
   */
  private void dropEmpty(Leaf leaf) {
    Object child = leaf;
    Node p = leaf.parent;
    while (p.children().kids().length <= 1 && p.parent != null) {
      child = p;
      p = p.parent;
    }
    Node.Children c = p.children();
    if (c.kids().length <= 1) {
      return; // the only leaf of the whole tree stays, empty
    }
    int i = p.indexOf(child);
    leaf.retire();
    rt.unregister(leaf);
    p.publish(c.without(i, scratch));
    shrunk(p);
  }

  /**
   * Merges a leaf a compaction left with few entries (under 1/{@value #MERGE_BELOW} of a leaf) into the sibling leaf
   * whose row is nearest its own, among those the two fit in with room to grow (3/4 of a leaf at most): a new leaf
   * takes both their places in the parent in one store, with their live entries and their mean, as a split's halves
   * take the split leaf's. The entries' codes and sketches are copied as their pages hold them (both are of the vector
   * alone, not of its leaf), and the mean is taken from the codes ({@link #meanOfCodes}). A reader that read the
   * parent before the store scores the two old leaves, whose pages stay until it has left; one after it, the new one.
   * Without it a shrinking index kept every leaf it had, each down to a few entries, its row still the mean of all it
   * had held: the default search's leaves then held a few hundred of the live vectors, and recall fell
   * (RecallAfterForgetsTest; {@code ./aeon bench forget --recall}). Nothing is merged if the page file cannot grow for
   * the new leaf's pages: the index is as it was, only less tidy, and the leaf waits for {@link #retrySkippedMerges}
   * ({@link SkippedMerges}). Returns false then, true if it merged or found no sibling to merge into.
   */
  private boolean mergeIntoSibling(Leaf leaf) {
    Node p = leaf.parent;
    Node.Children c = p.children();
    int at = p.indexOf(leaf);
    float[] mine = scratch.row;
    c.rowInto(at, mine);
    int best = -1;
    double bestDot = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < c.kids().length; i++) {
      if (i != at && c.kids()[i] instanceof Leaf sib && leaf.entries + sib.live() <= leafCapacity * 3 / 4) {
        double dot = c.dotWithRow(i, mine);
        if (dot > bestDot) {
          bestDot = dot;
          best = i;
        }
      }
    }
    if (best < 0) {
      skippedMerges.done(leaf); // none to merge into, room or not
      return true;
    }
    Leaf sib = (Leaf) c.kids()[best];
    int[] both = Arrays.copyOf(leaf.pages(), leaf.pages().length + sib.pages().length);
    System.arraycopy(sib.pages(), 0, both, leaf.pages().length, sib.pages().length);
    Entries e = Entries.of(st, both, null); // no FP32 originals: the mean comes from the codes (meanOfCodes)
    try {
      st.reservePages(pagesFor(e.size())); // before the new leaf is registered, as a split's
    } catch (java.io.UncheckedIOException full) {
      skippedMerges.skipped(leaf, full);
      return false;
    }
    Leaf merged = rt.newLeaf();
    int[] all = new int[e.size()];
    Arrays.setAll(all, i -> i);
    float[] row = fill(merged, e, all, meanOfCodes(e));
    merged.parent = p;
    // The parent's other rows keep their codes: only the merged leaf's row is encoded (Node.Children#withMerged).
    Node.Children joined = c.withMerged(Math.min(at, best), Math.max(at, best), merged, row, scratch);
    // Unregistered before the store, as a split's leaf: a search that found the new leaf must not find them as well.
    leaf.retire();
    sib.retire();
    rt.unregister(leaf);
    rt.unregister(sib);
    p.publish(joined);
    merges++;
    skippedMerges.done(leaf);
    skippedMerges.done(sib);
    for (int page : both) {
      st.retirePage(page);
    }
    e.deadSlots().forEachInt(st::retireSlot);
    shrunk(p);
    return true;
  }

  /**
   * Merges the leaves whose merge was skipped for want of room ({@link SkippedMerges}) and that are still small, as
   * far as the room goes: at the end of a forget or a compaction, whose own changes are made by then (a retry that
   * again finds no room fails nothing). One that left the tree since (split, merged into, emptied) or grew waits no
   * more.
   */
  private void retrySkippedMerges() {
    for (Leaf leaf : skippedMerges.waiting()) {
      if (leaf.retired() || leaf.live() >= leafCapacity / MERGE_BELOW) {
        skippedMerges.done(leaf);
      } else if (!mergeIntoSibling(leaf)) {
        return; // no room yet: the next forget or compaction tries again
      }
    }
  }

  /**
   * After {@code node} lost a child (published): its row in its parent set anew if its codes took their center again
   * ({@link #refreshRow}), and a root left with one child, an inner node, gives it its place.
   *
   * <p>Inner nodes left with few children are not merged: merging those under half the fan-out with their nearest
   * sibling node (as leaves merge) took the inner nodes after 90% of 100,000 WordNet vectors' sessions were forgotten
   * from 30-31 to 5-6 (a fresh index has 3-4), but recall@10 from 0.964-0.965 to 0.935 (spread sessions) and 0.956
   * (clustered); merging only those under a quarter into nodes of half the fan-out, 0.949 and 0.966
   * ({@code ./aeon bench forget --recall}, docs/benchmarks.md). The wider nodes' leaves are estimated from sketches
   * around a center further from their rows, so more of the leaves that hold the neighbours miss the pool the codes
   * score (probably; not measured apart).
   */
  private void shrunk(Node node) {
    refreshRow(node);
    if (node.parent == null) {
      liftRoot();
    }
  }

  /**
   * Sets {@code node}'s row in its parent to the direction of its rows' mean if its codes have just taken that mean as
   * their center (more than a quarter of its rows changed since the last time; see {@link CentroidCodes#rearranged}):
   * a node's row had been the mean of its rows when it was made, never moved as its children came and went.
   */
  private void refreshRow(Node node) {
    Node p = node.parent;
    if (p != null && node.children().codes().centeredOnRows()) {
      p.children().setRow(p.indexOf(node), node.children().codes().centerDirection(), scratch);
    }
  }

  /** While the root has one child, an inner node, that child becomes the root (the tree one level lower). */
  private void liftRoot() {
    Node root = rt.root();
    while (root.children().kids().length == 1 && root.children().kids()[0] instanceof Node only) {
      rt.publishRoot(only); // which clears its parent
      root = only;
    }
  }

  /** Splits a full leaf in two with 2-means over its live vectors' FP32 originals. */
  private void split(Leaf leaf) {
    Entries e = Entries.of(st, leaf, scratch);
    int n = e.size();
    int[] side = new int[n];
    if (n >= 2) {
      int[] rows = new int[n];
      Arrays.setAll(rows, i -> i);
      KMeans.Result r = twoMeans.cluster(e.vectors(), rows, 2, leaf.id * 31L + leaf.version());
      side = r.sizes()[0] == 0 || r.sizes()[1] == 0 ? halves(n) : r.assignment();
    }
    // The new leaves are registered (and so in the next snapshot) from here on: a page file that cannot
    // grow must fail the split before it, not between the two leaves' pages, which would leave them
    // outside the tree and their entries live twice, and the next manifest unopenable.
    st.reservePages(pagesFor(n) + 1);
    Leaf a = rt.newLeaf();
    Leaf b = rt.newLeaf();
    int[] onA = sideOf(side, 0);
    int[] onB = sideOf(side, 1);
    float[] rowA = fill(a, e, onA, meanOfVectors(e, onA));
    float[] rowB = fill(b, e, onB, meanOfVectors(e, onB));
    Node p = leaf.parent;
    Node.Children split = splitChild(p, leaf, a, rowA, b, rowB);
    a.parent = p;
    b.parent = p;
    // Unregistered before the new leaves are published: a search that looks the old leaf up by id (from an
    // earlier answer) does so after its descent, and one whose descent found the new leaves must not find the
    // old one as well (each entry twice). One that found the old leaf in the tree scores its pages, which stay
    // until the readers that may see them have left (see Storage).
    leaf.retire();
    rt.unregister(leaf);
    p.publish(split);
    refreshRow(p);
    for (int page : leaf.pages()) {
      st.retirePage(page);
    }
    e.deadSlots().forEachInt(st::retireSlot);
    splits++;
    if (split.kids().length > st.config.fanout()) {
      splitNode(p);
    }
  }

  /**
   * Gives a new leaf entries {@code which} of {@code e} and {@code mean} as their mean; returns the mean's direction,
   * the leaf's row in its parent.
   */
  private float[] fill(Leaf leaf, Entries e, int[] which, float[] mean) {
    leaf.publishPages(writePages(leaf.id, e, which));
    leaf.entries = which.length;
    return leaf.setMean(mean);
  }

  /** The indexes of the entries on side {@code which} of a split. */
  private static int[] sideOf(int[] side, int which) {
    IntArrayList mine = new IntArrayList();
    for (int i = 0; i < side.length; i++) {
      if (side[i] == which) {
        mine.addInt(i);
      }
    }
    return mine.toIntArray();
  }

  /** The mean of entries {@code which} of {@code e} from their FP32 originals (a split reads them for its 2-means). */
  private float[] meanOfVectors(Entries e, int[] which) {
    float[] mean = new float[dim];
    for (int i : which) {
      for (int j = 0; j < dim; j++) {
        mean[j] += e.vectors()[i * dim + j];
      }
    }
    return divided(mean, which.length);
  }

  /**
   * The mean of all of {@code e}'s entries from their INT8 codes and scales as their pages hold them, which a merge
   * copies anyway: a merge reads no FP32 original. It read both leaves' (a 1.5 KB record each at 384 dimensions, cold,
   * at a random place in the vector file) for this mean alone, most of a merge's time (docs/benchmarks.md). A code is
   * off its component by at most half its scale, 1/254 of the vector's largest component, and those errors average
   * out over the entries: the direction is the FP32 mean's to within 2e-5 of cosine at 384 dimensions (MergedMeanTest
   * holds it to 1e-4). The two leaves' running means weighted by their counts were 0.82-0.90 (docs/benchmarks.md):
   * deletes never take their vector out of a leaf's running mean.
   */
  private float[] meanOfCodes(Entries e) {
    float[] mean = new float[dim];
    byte[] codes = scratch.codes; // written before it is read, as by an insert (InsertScratch)
    for (int i = 0; i < e.size(); i++) {
      float scale = st.pages.codesInto(e.fromPages()[i], e.fromEntries()[i], codes);
      for (int j = 0; j < dim; j++) {
        mean[j] += codes[j] * scale;
      }
    }
    return divided(mean, e.size());
  }

  private static float[] divided(float[] sum, int n) {
    for (int j = 0; j < sum.length && n > 0; j++) {
      sum[j] /= n;
    }
    return sum;
  }

  /** Splits an inner node that has more children than the fan-out; may recurse up to the root. */
  private void splitNode(Node node) {
    Node.Children c = node.children();
    int m = c.kids().length;
    int[] rows = new int[m];
    Arrays.setAll(rows, i -> i);
    KMeans.Result r = twoMeans.cluster(c.centroids(), rows, 2, m * 17L + splits);
    int[] side = r.sizes()[0] == 0 || r.sizes()[1] == 0 ? halves(m) : r.assignment();
    // Two new nodes take the split node's place in one store, and the split node keeps all its children: a
    // search that read the parent before the store reads them there. The split node used to keep one half and
    // lose the other in a second store, after the parent had learnt the new sibling; a search that read the
    // parent before the first store and the node after the second found neither copy of the moved children.
    Node left = new Node(subset(c, side, 0));
    Node right = new Node(subset(c, side, 1));
    for (Node half : new Node[] {left, right}) {
      for (Object kid : half.children().kids()) {
        setParent(kid, half);
      }
    }
    float[] rowLeft = Vectors.directionOfSum(left.children().centroids(), dim);
    float[] rowRight = Vectors.directionOfSum(right.children().centroids(), dim);
    Node p = node.parent;
    if (p == null) {
      Node root = new Node(new Node.Children(new Object[] {left, right}, concat(rowLeft, rowRight)));
      left.parent = root;
      right.parent = root;
      rt.publishRoot(root);
      return;
    }
    Node.Children split = splitChild(p, node, left, rowLeft, right, rowRight);
    left.parent = p;
    right.parent = p;
    p.publish(split);
    refreshRow(p);
    if (split.kids().length > st.config.fanout()) {
      splitNode(p);
    }
  }

  /**
   * Folds one more vector into the running mean of a leaf's entries (its row in the parent times {@link
   * Leaf#meanNorm}) and points the leaf's row in its parent at the new mean (in place; see {@link Node}), through the
   * writer's buffers.
   */
  static void foldIntoMean(Leaf leaf, float[] v, InsertScratch scratch) {
    // The leaf's row is found once (it was three times), its mean scaled and moved in one pass, and its length taken
    // once (twice): the same operations on the same values in the same order as before (FoldIntoMeanTest).
    Node.Children c = leaf.parent.children();
    int at = leaf.parent.indexOf(leaf);
    float[] mean = scratch.mean;
    c.rowInto(at, mean);
    float norm = leaf.meanNorm;
    float w = 1f / (leaf.entries + 1);
    for (int j = 0; j < v.length; j++) {
      float m = mean[j] * norm;
      mean[j] = m + (v[j] - m) * w;
    }
    leaf.setMean(mean, scratch.direction);
    c.setRow(at, scratch.direction, scratch);
  }

  private Node.Children subset(Node.Children c, int[] side, int which) {
    int count = 0;
    for (int s : side) {
      count += s == which ? 1 : 0;
    }
    Object[] kids = new Object[count];
    float[] rows = new float[count * dim];
    float[] all = c.centroids(); // a copy of every row: once, not once per child (at 65 children of 384 dims, 6 MB)
    for (int i = 0, j = 0; i < side.length; i++) {
      if (side[i] == which) {
        kids[j] = c.kids()[i];
        System.arraycopy(all, i * dim, rows, j * dim, dim);
        j++;
      }
    }
    return new Node.Children(kids, rows);
  }

  private static void setParent(Object kid, Node parent) {
    if (kid instanceof Leaf l) {
      l.parent = parent;
    } else {
      ((Node) kid).parent = parent;
    }
  }

  private static int[] halves(int n) {
    int[] side = new int[n];
    for (int i = n / 2; i < n; i++) {
      side[i] = 1;
    }
    return side;
  }

  /**
   * {@code p}'s children with {@code child} replaced by {@code a} and {@code b} after it, with their rows; the other
   * rows keep their codes ({@link Node.Children#withSplit}).
   */
  private Node.Children splitChild(Node p, Object child, Object a, float[] rowA, Object b, float[] rowB) {
    return p.children().withSplit(p.indexOf(child), a, rowA, b, rowB, scratch);
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The entries of one leaf, split into live and dead (slots only): each live one's id, slot and where it is (page
   * and entry: its codes and sketch are moved file to file, see {@link PageMoves}), and unless {@code scratch} is
   * null its FP32 original, row by row in the writer's split buffer ({@link InsertScratch#splitVectors}: {@link
   * #vectors} may be longer than {@code size() * dim}, and is not the entries' to keep).
   */
  record Entries(long[] ids, int[] slots, int[] fromPages, int[] fromEntries, float[] vectors, IntArrayList deadSlots) {

    int size() {
      return slots.length;
    }

    static Entries of(Storage st, Leaf leaf, InsertScratch scratch) {
      return of(st, leaf.pages(), scratch);
    }

    /** The entries of these pages (of one leaf, or of two a merge joins). */
    static Entries of(Storage st, int[] leafPages, InsertScratch scratch) {
      int dim = st.config.dim();
      IntArrayList live = new IntArrayList();
      IntArrayList dead = new IntArrayList();
      IntArrayList pages = new IntArrayList();
      IntArrayList entries = new IntArrayList();
      for (int page : leafPages) {
        int n = st.pages.count(page);
        for (int i = 0; i < n; i++) {
          int slot = st.pages.slot(page, i);
          if (st.tombstones.get(slot)) {
            dead.addInt(slot);
          } else {
            live.addInt(slot);
            pages.addInt(page);
            entries.addInt(i);
          }
        }
      }
      int n = live.size();
      long[] ids = new long[n];
      float[] vectors = scratch == null ? null : scratch.splitVectors(Math.max(n, st.config.leafCapacity()) * dim);
      for (int e = 0; e < n; e++) {
        ids[e] = st.pages.id(pages.getInt(e), entries.getInt(e));
        if (vectors != null) {
          st.vectors.read(live.getInt(e), vectors, e * dim);
        }
      }
      return new Entries(ids, live.toIntArray(), pages.toIntArray(), entries.toIntArray(), vectors, dead);
    }
  }
}
