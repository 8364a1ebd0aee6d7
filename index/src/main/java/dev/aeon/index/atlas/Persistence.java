package dev.aeon.index.atlas;

import dev.aeon.index.atlas.store.CorruptIndexException;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import dev.aeon.index.atlas.store.PageFile;
import dev.aeon.index.atlas.store.VectorFile;
import dev.aeon.index.atlas.sync.IdMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.collections.Int2ObjectHashMap;
import org.roaringbitmap.BitSetUtil;
import org.roaringbitmap.RoaringBitmap;

/**
 * Converts between the live structures and the manifest: a snapshot and its checksums for flush, and the
 * restore (with every check) for open.
 */
final class Persistence {

  private Persistence() {}

  /**
   * The state a flush names, noted under the index's lock: nothing in it is written again, so that the manifest can
   * be made from it after the lock ({@link #manifest}), with the pages' checksums. Most of it is shared with the
   * live index rather than copied, which keeps the writers' pause short and about as long whatever the index's size:
   * each leaf's {@link LeafImage} is the one the last snapshot took unless the leaf changed since (its version), a
   * node's centroid rows are its own array, which the writer copies before it next moves a row ({@link
   * Node.Children#rowsForSnapshot}), and the page lists are the leaves' own (replaced, never written). What is
   * copied is small: the tombstones' words (a bit per slot) and the free and retired lists. The leaves are found by
   * a walk of the tree, which the snapshot makes anyway for the nodes.
   */
  record Snapshot(int dim, int pageCapacity, int pagesPerLeaf, int fanout, int nextLeafId, int slotHighWater,
      int pageHighWater, float[] sketchCenter, LeafImage[] leaves, ManifestData.NodeRecord root,
      long[] tombstoneWords, int[] freePages, int[] retiredPages, int[] freeSlots, int[] retiredSlots,
      int[] mergesWaiting) {}

  /**
   * One leaf as a snapshot took it: its pages and each one's count and generation (which its checksum
   * depends on). Kept by the leaf ({@link Leaf#image}) for the next snapshot, which takes it again while the
   * leaf's version is the same: every change to a leaf's pages, counts or mean bumps it, as the readers' caches
   * of a leaf rely on too.
   */
  record LeafImage(int id, long version, float meanNorm, int[] pages, int[] counts, int[] generations) {}

  /** The current state, under the index's lock (see {@link Snapshot}). Writer only. */
  static Snapshot snapshot(Storage st, Routing rt, SkippedMerges skippedMerges) {
    // The leaves in the order the tree holds them: the table of leaves by id (Routing.liveLeaves) has a place for
    // every id ever made, and ids are never reused, so that a walk of it grows with the splits of the index's life.
    List<LeafImage> leaves = new ArrayList<>(rt.leafCount());
    ManifestData.NodeRecord root = node(rt.root(), st.pages, leaves);
    if (leaves.size() != rt.leafCount()) { // a leaf outside the tree would be lost; open refuses such a manifest
      throw new IllegalStateException("the routing tree holds " + leaves.size() + " leaves, and "
          + rt.leafCount() + " are live");
    }
    AtlasConfig c = st.config;
    return new Snapshot(c.dim(), c.pageCapacity(), c.pagesPerLeaf(), c.fanout(), rt.nextLeafId, st.slotHighWater,
        st.pageHighWater, st.sketchCenter.clone(), leaves.toArray(LeafImage[]::new), root, st.tombstones.words(),
        st.freePages.toIntArray(), st.retiredPages.toIntArray(), st.freeSlots.toIntArray(),
        st.retiredSlots.toIntArray(), skippedMerges.leafIds());
  }

  /** The leaf's image: the last snapshot's, unless the leaf changed since. Writer only. */
  private static LeafImage image(Leaf l, PageFile pages) {
    LeafImage last = l.image;
    long version = l.version();
    if (last != null && last.version() == version) {
      return last;
    }
    int[] ps = l.pages();
    int[] counts = new int[ps.length];
    int[] gens = new int[ps.length];
    for (int i = 0; i < ps.length; i++) {
      counts[i] = pages.count(ps[i]);
      gens[i] = pages.generation(ps[i]);
    }
    LeafImage image = new LeafImage(l.id, version, l.meanNorm, ps, counts, gens);
    l.image = image;
    return image;
  }

  /**
   * The manifest naming snapshot {@code s}, with its pages' checksums (from {@code cache} where a page has not
   * changed since the last flush). Needs no lock: the entries a snapshot counts are not written again until their
   * page is freed, which happens only after a later snapshot's manifest is durable.
   */
  static ManifestData manifest(Snapshot s, PageFile pages, ChecksumCache cache) {
    List<ManifestData.LeafRecord> leaves = new ArrayList<>(s.leaves().length);
    for (LeafImage l : s.leaves()) {
      int[] checksums = new int[l.pages().length];
      for (int i = 0; i < checksums.length; i++) {
        checksums[i] = cache.checksum(pages, l.pages()[i], l.generations()[i], l.counts()[i]);
      }
      leaves.add(new ManifestData.LeafRecord(l.id(), l.version(), l.meanNorm(), l.pages(), l.counts(), checksums));
    }
    return new ManifestData(s.dim(), s.pageCapacity(), s.pagesPerLeaf(), s.fanout(), s.nextLeafId(),
        s.slotHighWater(), s.pageHighWater(), s.sketchCenter(), leaves, s.root(),
        BitSetUtil.bitmapOf(s.tombstoneWords()), union(s.freePages(), s.retiredPages()),
        union(s.freeSlots(), s.retiredSlots()), RoaringBitmap.bitmapOfUnordered(s.mergesWaiting()));
  }

  /** The numbers of both lists, which are in no order (sorted first, they build the bitmap without a search each). */
  private static RoaringBitmap union(int[] a, int[] b) {
    int[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return RoaringBitmap.bitmapOfUnordered(all);
  }

  /**
   * The routing tree's records under {@code n}, whose leaves' images it adds to {@code leaves}: each node's centroid
   * rows are its own array, not a copy ({@link Node.Children#rowsForSnapshot}).
   */
  private static ManifestData.NodeRecord node(Node n, PageFile pages, List<LeafImage> leaves) {
    Node.Children c = n.children();
    int m = c.kids().length;
    int[] leafIds = new int[m];
    ManifestData.NodeRecord[] nodes = new ManifestData.NodeRecord[m];
    for (int i = 0; i < m; i++) {
      if (c.kids()[i] instanceof Leaf l) {
        leafIds[i] = l.id;
        leaves.add(image(l, pages));
      } else {
        nodes[i] = node((Node) c.kids()[i], pages, leaves);
      }
    }
    return new ManifestData.NodeRecord(c.rowsForSnapshot(), leafIds, nodes);
  }

  /**
   * Restores leaves, tree, maps and free lists from {@code m} (read from the manifest: its errors name where in it
   * the field or record is), checking every page and vector record; returns the leaves waiting for a merge that was
   * skipped for want of room ({@link SkippedMerges}), each a leaf of the tree.
   */
  static List<Leaf> restore(Path dir, ManifestData m, Storage st, Routing rt) throws IOException {
    Path manifest = dir.resolve(Manifest.NAME);
    if (m.pageHighWater() < 0 || m.slotHighWater() < 0) {
      throw new CorruptIndexException(manifest, m.slotHighWater() < 0 ? Manifest.SLOT_HIGH_WATER_AT
          : Manifest.PAGE_HIGH_WATER_AT, "negative high-water marks: " + m.pageHighWater() + " pages, "
          + m.slotHighWater() + " slots");
    }
    if (m.nextLeafId() > Routing.MAX_LEAF_ID) { // no writer gets there, and no leaf could be made
      throw new CorruptIndexException(manifest, Manifest.NEXT_LEAF_ID_AT, "next leaf id " + m.nextLeafId()
          + " is past the largest, " + Routing.MAX_LEAF_ID);
    }
    st.pageHighWater = m.pageHighWater();
    st.slotHighWater = m.slotHighWater();
    for (int i = 0; i < m.sketchCenter().length; i++) {
      if (!Float.isFinite(m.sketchCenter()[i])) {
        throw new CorruptIndexException(manifest, Manifest.SKETCH_CENTER_AT + 4L * i,
            "the sketch center has a component " + m.sketchCenter()[i]);
      }
    }
    st.sketchCenter = m.sketchCenter();
    checkBelow(manifest, m.bitmapOffsets()[0], m.tombstones(), m.slotHighWater(), "tombstoned slot", "slot");
    m.tombstones().forEach((int s) -> st.tombstones.set(s));
    // The pages and slots the leaves use, which the free lists must not name: a page or slot handed out
    // again while in use would have its entries overwritten by the next write.
    RoaringBitmap usedPages = new RoaringBitmap();
    RoaringBitmap usedSlots = new RoaringBitmap();
    Int2ObjectHashMap<Leaf> byId = new Int2ObjectHashMap<>();
    VectorFile.RecordChecks records = null;
    for (ManifestData.LeafRecord r : m.leaves()) {
      if (!(r.meanNorm() >= 0) || Float.isInfinite(r.meanNorm()) || byId.containsKey(r.id()) || r.id() < 0
          || r.id() >= m.nextLeafId()) {
        throw new CorruptIndexException(manifest, r.offset(), "leaf record " + r.id() + " is malformed or repeated");
      }
      Leaf l = new Leaf(r.id(), r.version());
      if (records == null) {
        records = st.vectors.readChecks(st.slotHighWater); // once, in file order, if any page names a record
      }
      l.meanNorm = r.meanNorm();
      for (int i = 0; i < r.pages().length; i++) {
        restorePage(st, records, l, r.pages()[i], r.counts()[i], r.checksums()[i], manifest, Manifest.pageEntryAt(r, i),
            usedPages, usedSlots);
      }
      l.publishPages(r.pages().clone());
      byId.put(l.id, l);
      rt.register(l);
    }
    rt.nextLeafId = m.nextLeafId();
    rt.publishRoot(node(m.root(), byId, manifest, m.dim()));
    if (!byId.isEmpty()) {
      ManifestData.LeafRecord first =
          m.leaves().stream().filter(r -> byId.containsKey(r.id())).findFirst().orElseThrow();
      throw new CorruptIndexException(manifest, first.offset(), byId.size() + " leaves are not in the routing tree,"
          + " the first leaf " + first.id());
    }
    checkBelow(manifest, m.bitmapOffsets()[1], m.freePages(), m.pageHighWater(), "free page", "page");
    checkBelow(manifest, m.bitmapOffsets()[2], m.freeSlots(), m.slotHighWater(), "free slot", "slot");
    checkNotUsed(manifest, m.bitmapOffsets()[1], m.freePages(), usedPages, "page");
    checkNotUsed(manifest, m.bitmapOffsets()[2], m.freeSlots(), usedSlots, "slot");
    m.freePages().forEach((int p) -> st.freePages.addInt(p));
    m.freeSlots().forEach((int s) -> st.freeSlots.addInt(s));
    // Named by leaf id: every leaf registered now is in the tree (checked above), and none other is. Below the next
    // id first, so that the walk below is as short as the table of leaves: a few bytes of one run name 2^31 ids,
    // whose count sized the list (an int too small for it: IllegalArgumentException; or an OutOfMemoryError).
    checkBelow(manifest, m.bitmapOffsets()[3], m.mergesWaiting(), m.nextLeafId(), "leaf waiting for a merge",
        "leaf id");
    List<Leaf> waiting = new ArrayList<>();
    for (int id : m.mergesWaiting()) {
      Leaf l = rt.leaf(id);
      if (l == null) {
        throw new CorruptIndexException(manifest, m.bitmapOffsets()[3], "leaf " + Integer.toUnsignedString(id)
            + " waits for a merge and is not in the routing tree");
      }
      waiting.add(l);
    }
    return waiting;
  }

  /** Checks that the (unsigned) numbers in {@code set} are below the high-water mark of what they number. */
  private static void checkBelow(Path manifest, long offset, RoaringBitmap set, int highWater, String what,
      String unit) throws CorruptIndexException {
    if (!set.isEmpty() && Integer.toUnsignedLong(set.last()) >= highWater) {
      throw new CorruptIndexException(manifest, offset, what + " " + Integer.toUnsignedString(set.last())
          + " is past the " + highWater + " " + unit + "s allocated");
    }
  }

  private static void checkNotUsed(Path manifest, long offset, RoaringBitmap free, RoaringBitmap used, String unit)
      throws CorruptIndexException {
    if (RoaringBitmap.intersects(free, used)) {
      int both = RoaringBitmap.and(free, used).first();
      throw new CorruptIndexException(manifest, offset, unit + " " + both + " is both free and in use by a leaf");
    }
  }

  private static void restorePage(Storage st, VectorFile.RecordChecks records, Leaf l, int page, int count, int crc,
      Path manifest, long entryOffset, RoaringBitmap usedPages, RoaringBitmap usedSlots)
      throws CorruptIndexException {
    if (page < 0 || page >= st.pageHighWater || count < 0 || count > st.layout.capacity) {
      throw new CorruptIndexException(manifest, entryOffset, "leaf " + l.id + " names page " + page + " with " + count
          + " entries");
    }
    if (!usedPages.checkedAdd(page)) { // two leaves (or one twice) appending to one page would mix their entries
      throw new CorruptIndexException(manifest, entryOffset, "page " + page + " is named twice (again by leaf " + l.id
          + ")");
    }
    if (st.pages.checksum(page, count) != crc) {
      throw new CorruptIndexException(st.pages.path(), st.pages.fileOffset(page), "checksum mismatch in page " + page
          + " (its entries in " + PageFile.NAME + " or its sketches in " + PageFile.SKETCH_NAME + ")");
    }
    st.pages.truncate(page, count);
    for (int i = 0; i < count; i++) {
      int slot = st.pages.slot(page, i);
      long id = st.pages.id(page, i);
      if (slot < 0 || slot >= st.slotHighWater) {
        throw new CorruptIndexException(st.pages.path(), st.pages.fileOffset(page), "page " + page + " names slot "
            + slot);
      }
      if (!usedSlots.checkedAdd(slot)) { // each entry has a record of its own
        throw new CorruptIndexException(st.pages.path(), st.pages.fileOffset(page), "page " + page + " names slot "
            + slot + ", which another entry has");
      }
      records.verify(slot, id);
      st.setSlotLeaf(slot, l.id);
      l.entries++;
      if (st.tombstones.get(slot)) {
        l.dead++;
      } else if (st.ids.get(id) != IdMap.ABSENT) {
        throw new CorruptIndexException(st.pages.path(), st.pages.fileOffset(page), "id " + id + " is live twice");
      } else {
        st.ids.put(id, slot);
      }
    }
  }

  private static Node node(ManifestData.NodeRecord r, Int2ObjectHashMap<Leaf> unclaimed, Path manifest, int dim)
      throws CorruptIndexException {
    int m = r.leafIds().length;
    if (m == 0 || r.centroids().length != m * dim) {
      throw new CorruptIndexException(manifest, r.offset(), "routing node with " + m + " children and "
          + r.centroids().length + " centroid values");
    }
    for (int i = 0; i < r.centroids().length; i++) {
      // A child whose centroid is not finite scores NaN or infinity against every query: searches stop
      // finding what is under it, and an insert finds no leaf at all.
      if (!Float.isFinite(Float.float16ToFloat(r.centroids()[i]))) {
        throw new CorruptIndexException(manifest, Manifest.centroidAt(r, i), "routing node with a centroid value of "
            + Float.float16ToFloat(r.centroids()[i]));
      }
    }
    Object[] kids = new Object[m];
    Node node = new Node(null);
    for (int i = 0; i < m; i++) {
      if (r.nodes()[i] != null) {
        Node child = node(r.nodes()[i], unclaimed, manifest, dim);
        child.parent = node;
        kids[i] = child;
      } else {
        Leaf l = unclaimed.remove(r.leafIds()[i]);
        if (l == null) {
          throw new CorruptIndexException(manifest, r.childOffsets()[i], "routing tree names leaf " + r.leafIds()[i]
              + " which is missing or named twice");
        }
        l.parent = node;
        kids[i] = l;
      }
    }
    node.publish(new Node.Children(kids, r.centroids()));
    return node;
  }
}
