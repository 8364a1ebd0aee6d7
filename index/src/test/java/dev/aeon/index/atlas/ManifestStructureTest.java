package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.atlas.store.CorruptIndexException;
import dev.aeon.index.atlas.store.FileHeader;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests whose checksums hold but whose fields are impossible (a writer's bug, a crafted file): opening
 * refuses them as corrupt, naming the manifest, instead of failing with another exception or later.
 */
class ManifestStructureTest {

  private static final int BODY = FileHeader.BYTES;

  @TempDir
  Path dir;

  /** Was an IllegalArgumentException of the configuration's constructor, as if the caller had passed it. */
  @Test
  void aConfigurationOutOfRangeIsCorrupt() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Manifest.NAME));
    int[][] cases = {{0, 0}, {0, 5000}, {4, 0}, {4, -1}, {8, 3}, {8, Integer.MAX_VALUE}}; // body offset, value
    for (int[] c : cases) {
      Files.write(dir.resolve(Manifest.NAME), valid);
      rewrite(b -> b.putInt(BODY + c[0], c[1]));
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
      assertNamesTheManifest(e, "configuration out of range");
    }
  }

  /** Was an OutOfMemoryError: the dimension sized the sketch center's array before the body was read. */
  @Test
  void aDimensionLargerThanTheBodyIsRefusedBeforeAllocating() throws IOException {
    build();
    rewrite(b -> b.putInt(28, Integer.MAX_VALUE));
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
    assertNamesTheManifest(e, "dimension 2147483647");
    assertEquals(28, e.offset());
  }

  /**
   * Was an OutOfMemoryError ("Required array size too large"): the manifest was read whole, its size (which no
   * checksum covers) sizing the array, before its header said how long it is. A sparse 3 GiB file.
   */
  @Test
  void aManifestFarLongerThanItsHeaderSaysIsRefusedBeforeItIsRead() throws IOException {
    build();
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(dir.resolve(Manifest.NAME).toFile(), "rw")) {
      f.setLength(3L << 30); // no block of it is written
    }
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
    assertNamesTheManifest(e, "but the file has " + (3L << 30) + " bytes");
  }

  /** Was an ArrayIndexOutOfBoundsException at the first split after opening: leaf ids index an array. */
  @Test
  void aNextLeafIdPastTheLargestIsCorrupt() throws IOException {
    build();
    rewrite(b -> b.putInt(BODY + 12, Integer.MAX_VALUE));
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
    assertNamesTheManifest(e, "next leaf id 2147483647");
  }

  /**
   * Free lists and tombstones were taken as they were: a free slot or page still in use was handed out again
   * by the next write, which overwrote its entries (the index then failed to open, or answered other vectors).
   */
  @Test
  void freeListsNamingWhatIsInUseOrPastTheHighWaterMarkAreCorrupt() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Manifest.NAME));
    ManifestData m = Manifest.read(dir);
    int usedSlot = 0; // id 0's
    int usedPage = m.leaves().getFirst().pages()[0];
    Map<String, ManifestData> cases = Map.of(
        "slot 0 is both free and in use", with(m, m.tombstones(), m.freePages(), RoaringBitmap.bitmapOf(usedSlot)),
        "page " + usedPage + " is both free and in use",
        with(m, m.tombstones(), RoaringBitmap.bitmapOf(usedPage), m.freeSlots()),
        "free slot " + (m.slotHighWater() + 5) + " is past",
        with(m, m.tombstones(), m.freePages(), RoaringBitmap.bitmapOf(m.slotHighWater() + 5)),
        "free page 4294967295 is past", // -1: bitmaps hold unsigned ints
        with(m, m.tombstones(), RoaringBitmap.bitmapOf(-1), m.freeSlots()),
        "tombstoned slot " + (m.slotHighWater() + 1_000_000) + " is past",
        with(m, RoaringBitmap.bitmapOf(m.slotHighWater() + 1_000_000), m.freePages(), m.freeSlots()));
    for (Map.Entry<String, ManifestData> c : cases.entrySet()) {
      Files.write(dir.resolve(Manifest.NAME), valid);
      Manifest.write(dir, c.getValue());
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close(),
          c.getKey());
      assertNamesTheManifest(e, c.getKey());
    }
  }

  /** A leaf naming one of its pages twice was taken: both would have taken the same appends. */
  @Test
  void aPageNamedTwiceIsCorrupt() throws IOException {
    build();
    ManifestData m = Manifest.read(dir);
    List<ManifestData.LeafRecord> leaves = new ArrayList<>(m.leaves());
    ManifestData.LeafRecord l = leaves.getFirst();
    leaves.set(0, new ManifestData.LeafRecord(l.id(), l.version(), l.meanNorm(), twice(l.pages()), twice(l.counts()),
        twice(l.checksums())));
    Manifest.write(dir, new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(),
        m.slotHighWater(), m.pageHighWater(), m.sketchCenter(), leaves, m.root(), m.tombstones(), m.freePages(),
        m.freeSlots(), m.mergesWaiting()));
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
    assertNamesTheManifest(e, "page " + l.pages()[0] + " is named twice");
  }

  /**
   * A bitmap whose container is out of order (its checksum recomputed) was taken as it was: its lookups then
   * miss values it holds, so that a free slot in use passed the check against the slots in use.
   */
  @Test
  void anUnsortedBitmapIsCorrupt() throws IOException {
    build();
    ManifestData m = Manifest.read(dir);
    // Free slots {0, 39} in one array container, whose two values are then swapped.
    Manifest.write(dir, with(m, m.tombstones(), m.freePages(), RoaringBitmap.bitmapOf(0, 39)));
    rewrite(b -> {
      int last = b.capacity() - 4; // the two 16-bit values end the free slots, which end a version 3 body
      short a = b.getShort(last - 4);
      b.putShort(last - 4, b.getShort(last - 2));
      b.putShort(last - 2, a);
    });
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
    assertNamesTheManifest(e, "free slots bitmap is malformed");
  }

  /** Was the IOException (not the index's) that RoaringBitmap's deserialization throws for a wrong cookie. */
  @Test
  void aBitmapWithAnUnknownCookieIsCorrupt() throws IOException {
    build();
    ManifestData m = Manifest.read(dir);
    Manifest.write(dir, with(m, m.tombstones(), m.freePages(), new RoaringBitmap()));
    // The empty free slots' 8 bytes (cookie, size) end the body: no leaf waits for a merge, a version 3 manifest.
    rewrite(b -> b.putInt(b.capacity() - 4 - 8, 5));
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
    assertNamesTheManifest(e, "malformed body");
  }

  /**
   * Centroids that are not finite (a value past the 16-bit floats' range is infinite in them) were taken:
   * searches under such a node found nothing, and an add threw a NoSuchElementException, finding no leaf.
   */
  @Test
  void aCentroidThatIsNotFiniteIsCorrupt() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Manifest.NAME));
    for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY, 1e30f}) {
      Files.write(dir.resolve(Manifest.NAME), valid);
      ManifestData m = Manifest.read(dir);
      m.root().centroids()[1] = Float.floatToFloat16(bad);
      Manifest.write(dir, m);
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
      assertNamesTheManifest(e, "routing node with a centroid value of "
          + Float.float16ToFloat(Float.floatToFloat16(bad)));
    }
  }

  /**
   * Damage found once the manifest is read (a field out of range, a leaf, page, routing node or bitmap that does not
   * agree with the rest) named "offset 0"; it now names where in the manifest the field or record is, as the
   * sidecar's errors name their vector record's.
   */
  @Test
  void damageFoundAfterReadingNamesItsOffset() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Manifest.NAME));
    ManifestData m = Manifest.read(dir);
    long leaf1 = leafOffset(m, 1);
    long root = leafOffset(m, m.leaves().size());
    long child = firstLeafChildOffset(m.root(), root, m.dim());
    ManifestData.LeafRecord l = m.leaves().getFirst();
    List<ManifestData.LeafRecord> pageTwice = new ArrayList<>(m.leaves());
    pageTwice.set(0, new ManifestData.LeafRecord(l.id(), l.version(), l.meanNorm(), twice(l.pages()),
        twice(l.counts()), twice(l.checksums())));
    int split = IntStream.range(0, m.nextLeafId()).filter(id -> m.leaves().stream().noneMatch(r -> r.id() == id))
        .findFirst().orElseThrow(); // a leaf split since: its id is below the next, and in the tree no more
    List<Case> cases = List.of(
        new Case("next leaf id", BODY + 12, () -> rewrite(b -> b.putInt(BODY + 12, Integer.MAX_VALUE))),
        new Case("negative high-water marks", BODY + 16, () -> rewrite(b -> b.putInt(BODY + 16, -1))),
        new Case("negative high-water marks", BODY + 20, () -> rewrite(b -> b.putInt(BODY + 20, -1))),
        new Case("sketch center has a component NaN", BODY + 24 + 4 * 3,
            () -> rewrite(b -> b.putFloat(BODY + 24 + 4 * 3, Float.NaN))),
        new Case("leaf record " + m.leaves().get(1).id() + " is malformed", leaf1,
            () -> rewrite(b -> b.putFloat((int) leaf1 + 12, -1))),
        new Case("page " + l.pages()[0] + " is named twice", leafOffset(m, 0) + 20 + 12L * l.pages().length,
            () -> Manifest.write(dir, new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(),
                m.nextLeafId(), m.slotHighWater(), m.pageHighWater(), m.sketchCenter(), pageTwice, m.root(),
                m.tombstones(), m.freePages(), m.freeSlots(), m.mergesWaiting()))),
        new Case("centroid value of NaN", root + 4 + 4 * 2, () -> rewrite(b -> b.putFloat((int) root + 4 + 4 * 2,
            Float.NaN))),
        new Case("routing tree names leaf 77777", child, () -> rewrite(b -> b.putInt((int) child + 1, 77777))),
        new Case("slot 0 is both free and in use", FREE_SLOTS, () -> rewriteFreeSlots(m, 0)),
        new Case("leaf " + split + " waits for a merge and is not in the routing tree", MERGES_WAITING,
            () -> Manifest.write(dir, with(m, m.tombstones(), m.freePages(), m.freeSlots(),
                RoaringBitmap.bitmapOf(split)))),
        new Case("leaf waiting for a merge 77777 is past the " + m.nextLeafId() + " leaf ids", MERGES_WAITING,
            () -> Manifest.write(dir, with(m, m.tombstones(), m.freePages(), m.freeSlots(),
                RoaringBitmap.bitmapOf(77777)))),
        // A few bytes (one run) naming 2^31 ids: their count sized a list, which an int could not hold.
        new Case("leaf waiting for a merge 2147483647 is past the " + m.nextLeafId(), MERGES_WAITING,
            () -> Manifest.write(dir, with(m, m.tombstones(), m.freePages(), m.freeSlots(),
                RoaringBitmap.bitmapOfRange(0, 1L << 31)))),
        new Case("leaf waiting for a merge 4294967295 is past the " + m.nextLeafId(), MERGES_WAITING,
            () -> Manifest.write(dir, with(m, m.tombstones(), m.freePages(), m.freeSlots(),
                RoaringBitmap.bitmapOf(-1)))));
    for (Case c : cases) {
      Files.write(dir.resolve(Manifest.NAME), valid);
      c.damage().run();
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close(),
          c.problem());
      assertNamesTheManifest(e, c.problem());
      long expected = c.offset() == FREE_SLOTS ? freeSlotsOffset() : c.offset() == MERGES_WAITING
          ? mergesWaitingOffset() : c.offset();
      assertEquals(expected, e.offset(), c.problem() + ": " + e.getMessage());
    }
  }

  /**
   * A count or length that the bytes left cannot hold, and a routing child's tag that is neither leaf nor node,
   * name the field itself: they named the offset just past it (the count's 4 bytes, the tag's one), where the
   * next field starts.
   */
  @Test
  void aCountOrTagThatDoesNotFitNamesTheFieldItself() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Manifest.NAME));
    ManifestData m = Manifest.read(dir);
    long leafCount = leafOffset(m, 0) - 4;
    long pageCount = leafOffset(m, 0) + 16;
    long root = leafOffset(m, m.leaves().size());
    long child = firstLeafChildOffset(m.root(), root, m.dim());
    long tombstones = root + nodeBytes(m.root(), m.dim());
    List<Case> cases = List.of(
        new Case("leaf count 1000000 is more than the bytes left hold", leafCount,
            () -> rewrite(b -> b.putInt((int) leafCount, 1_000_000))),
        new Case("leaf count -1 is negative", leafCount, () -> rewrite(b -> b.putInt((int) leafCount, -1))),
        new Case("page count of leaf " + m.leaves().getFirst().id() + " 1000000 is more than", pageCount,
            () -> rewrite(b -> b.putInt((int) pageCount, 1_000_000))),
        new Case("child count 1000000 is more than", root, () -> rewrite(b -> b.putInt((int) root, 1_000_000))),
        new Case("bad child tag 7", child, () -> rewrite(b -> b.put((int) child, (byte) 7))),
        new Case("bitmap length 1000000 is more than", tombstones,
            () -> rewrite(b -> b.putInt((int) tombstones, 1_000_000))));
    for (Case c : cases) {
      Files.write(dir.resolve(Manifest.NAME), valid);
      c.damage().run();
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> Manifest.read(dir), c.problem());
      assertNamesTheManifest(e, c.problem());
      assertEquals(c.offset(), e.offset(), c.problem() + ": " + e.getMessage());
    }
  }

  /** A case's offset that is found once the damage is done: the free slots' bitmap, or the merges waiting's. */
  private static final long FREE_SLOTS = -1;
  private static final long MERGES_WAITING = -2;

  private record Case(String problem, long offset, Damage damage) {}

  private interface Damage {
    void run() throws IOException;
  }

  /** Writes the manifest with {@code slot} among its free slots. */
  private void rewriteFreeSlots(ManifestData m, int slot) throws IOException {
    RoaringBitmap free = m.freeSlots().clone();
    free.add(slot);
    Manifest.write(dir, with(m, m.tombstones(), m.freePages(), free));
  }

  /**
   * Where the manifest's free slots bitmap starts (at its length), from the end: it ends a version 3 body, and the
   * merges waiting follow it in a version 4.
   */
  private long freeSlotsOffset() throws IOException {
    ManifestData m = Manifest.read(dir);
    long end = m.mergesWaiting().isEmpty() ? Files.size(dir.resolve(Manifest.NAME)) - 4 : mergesWaitingOffset();
    return end - m.freeSlots().serializedSizeInBytes() - 4;
  }

  /** Where the manifest's bitmap of the leaves waiting for a merge starts (at its length): it ends the body. */
  private long mergesWaitingOffset() throws IOException {
    long size = Files.size(dir.resolve(Manifest.NAME));
    return size - 4 - Manifest.read(dir).mergesWaiting().serializedSizeInBytes() - 4;
  }

  /** Where the manifest's leaf record {@code i} starts (with {@code i} = the leaf count: where the tree does). */
  private static long leafOffset(ManifestData m, int i) {
    long at = BODY + 24 + 4L * m.dim() + 4;
    for (int j = 0; j < i; j++) {
      at += 20 + 12L * m.leaves().get(j).pages().length;
    }
    return at;
  }

  /** Where the first leaf child in the tree under {@code n} (at {@code at}) starts: its tag byte. */
  private static long firstLeafChildOffset(ManifestData.NodeRecord n, long at, int dim) {
    long child = at + 4 + 4L * n.leafIds().length * dim;
    return n.nodes()[0] == null ? child : firstLeafChildOffset(n.nodes()[0], child + 1, dim);
  }

  /** The bytes a routing node takes in the manifest. */
  private static long nodeBytes(ManifestData.NodeRecord n, int dim) {
    long bytes = 4 + 4L * n.leafIds().length * dim;
    for (ManifestData.NodeRecord child : n.nodes()) {
      bytes += 1 + (child == null ? 4 : nodeBytes(child, dim));
    }
    return bytes;
  }

  private static int[] twice(int[] a) {
    int[] t = Arrays.copyOf(a, a.length + 1);
    t[a.length] = a[0];
    return t;
  }

  private static ManifestData with(ManifestData m, RoaringBitmap tombstones, RoaringBitmap freePages,
      RoaringBitmap freeSlots) {
    return with(m, tombstones, freePages, freeSlots, m.mergesWaiting());
  }

  private static ManifestData with(ManifestData m, RoaringBitmap tombstones, RoaringBitmap freePages,
      RoaringBitmap freeSlots, RoaringBitmap mergesWaiting) {
    return new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(),
        m.slotHighWater(), m.pageHighWater(), m.sketchCenter(), m.leaves(), m.root(), tombstones, freePages, freeSlots,
        mergesWaiting);
  }

  /**
   * Leaf ids near the largest (which a damaged manifest may name, and a long-lived index reach) cost no
   * table of their size: the first split after opening allocated one entry per id below them, an
   * OutOfMemoryError.
   */
  @Test
  void leafIdsNearTheLargestTakeNoTableOfTheirSize() throws IOException {
    build();
    int next = Routing.MAX_LEAF_ID - 100;
    rewrite(b -> b.putInt(BODY + 12, next));
    Random r = new Random(6);
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      for (int i = 40; i < 100; i++) { // leaves of 8: splits
        index.add(i, AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM));
      }
      assertTrue(index.stats().toString().length() > 0);
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(100, index.size());
      assertEquals(5, index.search(AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM), 5).size());
    }
    assertTrue(Manifest.read(dir).nextLeafId() > next, "no leaf was split");
  }

  private void build() throws IOException {
    Random r = new Random(5);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL)) {
      for (int i = 0; i < 40; i++) {
        index.add(i, AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM));
      }
    }
  }

  /** Changes the manifest with {@code change} and computes its header's and body's checksums again. */
  private void rewrite(Consumer<ByteBuffer> change) throws IOException {
    Path file = dir.resolve(Manifest.NAME);
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    change.accept(b);
    CRC32C crc = new CRC32C();
    crc.update(all, 0, 60);
    b.putInt(60, (int) crc.getValue());
    crc.reset();
    crc.update(all, BODY, all.length - BODY - 4);
    b.putInt(all.length - 4, (int) crc.getValue());
    Files.write(file, all);
  }

  private void assertNamesTheManifest(CorruptIndexException e, String problem) {
    assertEquals(dir.resolve(Manifest.NAME), e.file());
    assertTrue(e.getMessage().contains(dir.resolve(Manifest.NAME).toString()), e.getMessage());
    assertTrue(e.problem().contains(problem), e.problem());
  }
}
