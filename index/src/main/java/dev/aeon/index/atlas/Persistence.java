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
import java.util.List;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.roaringbitmap.RoaringBitmap;

/**
 * Converts between the live structures and the manifest: a snapshot and its checksums for flush, and the
 * restore (with every check) for open.
 */
final class Persistence {

  private Persistence() {}

  /**
   * The manifest describing the current state, but for its pages' checksums, which {@link #checksum}
   * fills in later, and each page's generation, which the checksums depend on.
   */
  record Snapshot(ManifestData manifest, int[][] generations) {}

  /** The current state; its checksums are still to be computed. Writer only. */
  static Snapshot snapshot(Storage st, Routing rt) {
    List<ManifestData.LeafRecord> leaves = new ArrayList<>();
    List<int[]> generations = new ArrayList<>();
    for (Leaf l : rt.liveLeaves()) {
      int[] pages = l.pages();
      int[] counts = new int[pages.length];
      int[] gens = new int[pages.length];
      for (int i = 0; i < pages.length; i++) {
        counts[i] = st.pages.count(pages[i]);
        gens[i] = st.pages.generation(pages[i]);
      }
      leaves.add(new ManifestData.LeafRecord(l.id, l.version(), l.meanNorm, pages, counts, new int[pages.length]));
      generations.add(gens);
    }
    RoaringBitmap freePages = union(st.freePages, st.retiredPages);
    RoaringBitmap freeSlots = union(st.freeSlots, st.retiredSlots);
    AtlasConfig c = st.config;
    ManifestData m = new ManifestData(c.dim(), c.pageCapacity(), c.pagesPerLeaf(), c.fanout(), rt.nextLeafId,
        st.slotHighWater, st.pageHighWater, st.sketchCenter.clone(), leaves, node(rt.root()), st.tombstones.toBitmap(), freePages, freeSlots);
    return new Snapshot(m, generations.toArray(int[][]::new));
  }

  /** The numbers of both lists, which are in no order (sorted first, they build the bitmap without a search each). */
  private static RoaringBitmap union(IntArrayList a, IntArrayList b) {
    int[] all = new int[a.size() + b.size()];
    for (int i = 0; i < a.size(); i++) {
      all[i] = a.getInt(i);
    }
    for (int i = 0; i < b.size(); i++) {
      all[a.size() + i] = b.getInt(i);
    }
    return RoaringBitmap.bitmapOfUnordered(all);
  }

  /**
   * Fills in the snapshot's page checksums. Needs no lock: the entries a snapshot counts are not written
   * again until their page is freed, which happens only after a later snapshot's manifest is durable.
   */
  static void checksum(Snapshot s, PageFile pages, ChecksumCache cache) {
    List<ManifestData.LeafRecord> leaves = s.manifest().leaves();
    for (int l = 0; l < leaves.size(); l++) {
      ManifestData.LeafRecord r = leaves.get(l);
      for (int i = 0; i < r.pages().length; i++) {
        r.checksums()[i] = cache.checksum(pages, r.pages()[i], s.generations()[l][i], r.counts()[i]);
      }
    }
  }

  private static ManifestData.NodeRecord node(Node n) {
    Node.Children c = n.children();
    int m = c.kids().length;
    int[] leafIds = new int[m];
    ManifestData.NodeRecord[] nodes = new ManifestData.NodeRecord[m];
    for (int i = 0; i < m; i++) {
      if (c.kids()[i] instanceof Leaf l) {
        leafIds[i] = l.id;
      } else {
        nodes[i] = node((Node) c.kids()[i]);
      }
    }
    return new ManifestData.NodeRecord(c.halfCentroids(), leafIds, nodes);
  }

  /**
   * Restores leaves, tree, maps and free lists from {@code m} (read from the manifest: its errors name where in it
   * the field or record is), checking every page and vector record.
   */
  static void restore(Path dir, ManifestData m, Storage st, Routing rt) throws IOException {
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
        throw new CorruptIndexException(st.pages.path(), st.pages.fileOffset(page), "page " + page + " names slot " + slot);
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
