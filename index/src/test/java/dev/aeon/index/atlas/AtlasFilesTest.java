package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.atlas.store.CorruptIndexException;
import dev.aeon.index.atlas.store.EncodedVector;
import dev.aeon.index.atlas.store.FileHeader;
import dev.aeon.index.atlas.store.FormatTooNewException;
import dev.aeon.index.atlas.store.FormatTooOldException;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import dev.aeon.index.atlas.store.PageFile;
import dev.aeon.index.atlas.store.PageLayout;
import dev.aeon.index.atlas.store.VectorFile;
import dev.aeon.index.atlas.store.VectorLayout;
import dev.aeon.index.kernel.SketchBlocks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** The files check themselves: flipped bits, truncation and foreign versions are refused with the right type. */
class AtlasFilesTest {

  @TempDir
  Path dir;

  private float[][] build(int n) throws IOException {
    Random r = new Random(11);
    float[][] vs = new float[n][];
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL)) {
      for (int i = 0; i < n; i++) {
        vs[i] = AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM);
        index.add(i, vs[i]);
      }
      index.remove(3);
    }
    return vs;
  }

  /**
   * Opening an index reads its files, and closing it unchanged writes none of them but the manifest: opening
   * once stored every page's count again, which dirtied every page of the page file for the kernel to write
   * back at each open.
   */
  @Test
  void openingAndClosingAnUnchangedIndexWritesNoPage() throws IOException {
    build(300);
    Path pages = dir.resolve(PageFile.NAME);
    Path sketches = dir.resolve(PageFile.SKETCH_NAME);
    Path vectors = dir.resolve(VectorFile.NAME);
    var before = new Object[] {Files.getLastModifiedTime(pages), Files.getLastModifiedTime(sketches),
        Files.getLastModifiedTime(vectors)};
    byte[] pageBytes = Files.readAllBytes(pages);
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(299, index.size());
    }
    assertArrayEquals(pageBytes, Files.readAllBytes(pages));
    assertArrayEquals(before, new Object[] {Files.getLastModifiedTime(pages), Files.getLastModifiedTime(sketches),
        Files.getLastModifiedTime(vectors)}, "an unchanged index's files were written");
  }

  /** A page's checksum covers its first entries only; emptying or cutting back a page raises its generation. */
  @Test
  void pageChecksumsCoverTheCountedEntries() throws IOException {
    PageLayout layout = new PageLayout(8, 4);
    byte[] codes = {1, 2, 3, 4, 5, 6, 7, 8};
    long[] sketch = {0b1011L};
    try (PageFile pages = PageFile.create(dir, layout)) {
      pages.ensurePages(2);
      pages.reset(0, 1);
      int generation = pages.generation(0);
      pages.append(0, 10, 0, new EncodedVector(0.5f, codes, 0.25f, sketch));
      int one = pages.checksum(0, 1);
      pages.append(0, 11, 1, new EncodedVector(0.5f, codes.clone(), 0.25f, sketch));
      assertEquals(generation, pages.generation(0), "appends keep the generation");
      int two = pages.checksum(0, 2);
      assertEquals(one, pages.checksum(0, 1), "a prefix's sum does not change with later entries");
      assertTrue(one != two);
      pages.truncate(0, 1);
      assertTrue(pages.generation(0) != generation, "cutting back raises the generation");
      codes[0] = 9;
      pages.append(0, 11, 1, new EncodedVector(0.5f, codes.clone(), 0.25f, sketch));
      int rewritten = pages.checksum(0, 2);
      assertTrue(rewritten != two, "an entry written again after a truncation is summed again");
      pages.reset(0, 2);
      assertEquals(new CRC32C().getValue(), Integer.toUnsignedLong(pages.checksum(0, 0)));
      pages.append(0, 10, 0, new EncodedVector(0.5f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0.25f, sketch));
      assertEquals(one, pages.checksum(0, 1), "the same entry after a reset sums as before");
      pages.force();
    }
  }

  /** A flush reuses a cached checksum only for the same page, generation and count. */
  @Test
  void cachedChecksumsFollowEveryReuseOfAPage() throws IOException {
    PageLayout layout = new PageLayout(8, 4);
    long[] sketch = {0b1011L};
    ChecksumCache cache = new ChecksumCache();
    try (PageFile pages = PageFile.create(dir, layout)) {
      pages.ensurePages(1);
      pages.reset(0, 1);
      pages.append(0, 10, 0, new EncodedVector(0.5f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0.25f, sketch));
      int first = cache.checksum(pages, 0, pages.generation(0), 1);
      pages.append(0, 11, 1, new EncodedVector(0.5f, new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, 0.25f, sketch));
      assertEquals(first, cache.checksum(pages, 0, pages.generation(0), 1), "appends after the counted entries");
      assertEquals(pages.checksum(0, 2), cache.checksum(pages, 0, pages.generation(0), 2));
      pages.reset(0, 1); // freed and reused: one entry again, but another one
      pages.append(0, 12, 2, new EncodedVector(0.5f, new byte[] {9, 9, 9, 9, 9, 9, 9, 9}, 0.25f, sketch));
      int reused = cache.checksum(pages, 0, pages.generation(0), 1);
      assertEquals(pages.checksum(0, 1), reused);
      assertTrue(reused != first, "the sum of the page's earlier life is not reused");
    }
  }

  /** Many flushes with writes between them into the same pages: every manifest checksum verifies on open. */
  @Test
  void repeatedFlushesReopenWithValidChecksums() throws IOException {
    Random r = new Random(5);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL)) {
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 15; i++) {
          index.add(round * 100L + i, AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM));
        }
        index.remove(round * 100L + 3);
        index.flush();
      }
    }
    try (AtlasIndex reopened = AtlasIndex.open(dir)) {
      assertEquals(20 * 14, reopened.size());
    }
  }

  @Test
  void writesAfterTheLastFlushAreDroppedOnReopen() throws IOException {
    float[][] vs = build(100);
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(99, index.size());
      long[] before = index.search(vs[5], 5).ids();
      index.flush();
      // Simulate a crash: appends and a delete after the flush, then the files are copied as they are.
      index.add(500, AtlasIndexTest.randomVector(new Random(1), AtlasIndexTest.DIM));
      index.remove(7);
      Path crashed = Files.createDirectory(dir.resolve("crashed"));
      for (String f : new String[] {Manifest.NAME, PageFile.NAME, PageFile.SKETCH_NAME, VectorFile.NAME}) {
        Files.copy(dir.resolve(f), crashed.resolve(f));
      }
      try (AtlasIndex reopened = AtlasIndex.open(crashed)) {
        assertEquals(99, reopened.size());
        assertTrue(reopened.contains(7));
        assertTrue(!reopened.contains(500));
        assertArrayEquals(before, reopened.search(vs[5], 5).ids());
      }
    }
  }

  @Test
  void aFlippedBitInAPageIsDetected() throws IOException {
    build(100);
    // Flip a bit in the first id of every page: some of them are in use.
    int pageBytes = new PageLayout(AtlasIndexTest.DIM, 4).pageBytes;
    long size = Files.size(dir.resolve(PageFile.NAME));
    for (long at = FileHeader.BYTES + 16; at < size; at += pageBytes) {
      flipByte(dir.resolve(PageFile.NAME), at);
    }
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
    assertTrue(e.getMessage().contains(PageFile.NAME), e.getMessage());
  }

  @Test
  void aFlippedBitInASketchIsDetected() throws IOException {
    build(100);
    // Flip a bit in the first word of every block of the sketch file: some of them are in use.
    SketchBlocks blocks = new PageLayout(AtlasIndexTest.DIM, 4).sketches;
    Path file = dir.resolve(PageFile.SKETCH_NAME);
    for (long at = FileHeader.BYTES + blocks.factorBytes(); at < Files.size(file); at += blocks.blockBytes()) {
      flipByte(file, at);
    }
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
    assertTrue(e.getMessage().contains(PageFile.SKETCH_NAME), e.getMessage());
  }

  @Test
  void aFlippedBitInTheSidecarIsDetected() throws IOException {
    build(100);
    flipByte(dir.resolve(VectorFile.NAME), FileHeader.BYTES + 20);
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
    assertTrue(e.getMessage().contains(VectorFile.NAME), e.getMessage());
    assertTrue(e.getMessage().contains("checksum mismatch in vector record 0"), e.getMessage());
  }

  /** A manifest whose checksum holds but whose high-water marks are negative (a writer's bug) is refused. */
  @Test
  void negativeHighWaterMarksAreRefused() throws IOException {
    build(100);
    ManifestData m = Manifest.read(dir);
    for (ManifestData bad : List.of(
        new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(), -1,
            m.pageHighWater(), m.sketchCenter(), m.leaves(), m.root(), m.tombstones(), m.freePages(), m.freeSlots(),
            m.mergesWaiting()),
        new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(), m.slotHighWater(),
            -1, m.sketchCenter(), m.leaves(), m.root(), m.tombstones(), m.freePages(), m.freeSlots(),
            m.mergesWaiting()))) {
      Manifest.write(dir, bad);
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
      assertTrue(e.getMessage().contains("high-water"), e.getMessage());
    }
  }

  /**
   * Opening reads the sidecar's records through a file channel rather than the mapping; a record a page names
   * whose flags say it was never written (a crash between claiming its slot and writing it) is still refused.
   */
  @Test
  void aRecordThatWasNeverWrittenIsDetected() throws IOException {
    build(100);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(VectorFile.NAME).toFile(), "rw")) {
      long record = FileHeader.BYTES + 37L * new VectorLayout(AtlasIndexTest.DIM).recordBytes;
      f.seek(record + VectorLayout.OFF_FLAGS);
      f.writeInt(0);
    }
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
    assertTrue(e.getMessage().contains("vector record 37 was never written"), e.getMessage());
  }

  @Test
  void aFlippedBitInTheManifestIsDetected() throws IOException {
    build(100);
    flipByte(dir.resolve(Manifest.NAME), FileHeader.BYTES + 100);
    assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
  }

  /**
   * Every byte of the bitmap of leaves waiting for a merge, the last field of a version 4 manifest (its length and its
   * ids), is under the body's checksum: a flipped bit in it is refused as such, not read as another leaf waiting.
   */
  @Test
  void aFlippedBitInTheLeavesWaitingIsDetected() throws IOException {
    build(100);
    ManifestData m = Manifest.read(dir);
    Manifest.write(dir, new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(),
        m.slotHighWater(), m.pageHighWater(), m.sketchCenter(), m.leaves(), m.root(), m.tombstones(), m.freePages(),
        m.freeSlots(), RoaringBitmap.bitmapOf(m.leaves().getFirst().id())));
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(1, index.mergesWaiting());
    }
    Path path = dir.resolve(Manifest.NAME);
    assertEquals(Manifest.VERSION, versionOf(path));
    byte[] valid = Files.readAllBytes(path);
    int field = 4 + Manifest.read(dir).mergesWaiting().serializedSizeInBytes();
    for (long at = valid.length - 4 - field; at < valid.length - 4; at++) {
      Files.write(path, valid);
      flipByte(path, at);
      CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir).close());
      assertTrue(e.getMessage().contains("body checksum mismatch"), at + ": " + e.getMessage());
    }
  }

  @Test
  void aTruncatedSidecarIsDetected() throws IOException {
    build(100);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(VectorFile.NAME).toFile(), "rw")) {
      f.setLength(FileHeader.BYTES + 100);
    }
    assertThrows(CorruptIndexException.class, () -> AtlasIndex.open(dir));
  }

  @Test
  void versionsOutsideTheSupportedRangeHaveTheirOwnExceptions() throws IOException {
    build(20);
    setVersion(dir.resolve(Manifest.NAME), Manifest.VERSION + 1);
    assertThrows(FormatTooNewException.class, () -> AtlasIndex.open(dir));
    setVersion(dir.resolve(Manifest.NAME), 0);
    assertThrows(FormatTooOldException.class, () -> AtlasIndex.open(dir));
  }

  /**
   * A manifest naming no leaf waiting for a merge is written as version 3, the oldest that holds what it names, which
   * the releases before version 4 read too: written as version 4 always, every directory this release had flushed was
   * refused by them as too new, for a field that named nothing. It opens with none waiting and every vector it held.
   */
  @Test
  void aManifestNamingNoLeafWaitingIsWrittenAsVersion3() throws IOException {
    float[][] vs = build(300);
    Path path = dir.resolve(Manifest.NAME);
    assertEquals(3, versionOf(path));
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(0, index.mergesWaiting());
      assertEquals(299, index.size());
      assertEquals(7, index.search(vs[7], 1).ids()[0]);
    }
  }

  /**
   * A version 4 manifest naming no leaf waiting (an empty bitmap ends its body: the release that added the field wrote
   * every manifest so) opens with none waiting, and the next flush writes it as version 3.
   */
  @Test
  void aManifestOfVersion4NamingNoLeafWaitingOpensAndIsWrittenAsVersion3() throws IOException {
    float[][] vs = build(300);
    Path path = dir.resolve(Manifest.NAME);
    byte[] all = Files.readAllBytes(path);
    ByteBuffer empty = ByteBuffer.allocate(new RoaringBitmap().serializedSizeInBytes());
    new RoaringBitmap().serialize(empty);
    int body = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getInt(32);
    byte[] v4 = java.util.Arrays.copyOf(all, FileHeader.BYTES + body + 4 + empty.capacity() + 4);
    ByteBuffer out = ByteBuffer.wrap(v4).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(FileHeader.BYTES + body, empty.capacity()).put(FileHeader.BYTES + body + 4, empty.array());
    body += 4 + empty.capacity();
    out.putInt(32, body);
    CRC32C crc = new CRC32C();
    crc.update(v4, FileHeader.BYTES, body);
    out.putInt(FileHeader.BYTES + body, (int) crc.getValue());
    Files.write(path, v4);
    setVersion(path, 4);
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(0, index.mergesWaiting());
      assertEquals(299, index.size());
      assertEquals(7, index.search(vs[7], 1).ids()[0]);
      index.remove(7);
    }
    assertEquals(3, versionOf(path));
  }

  static int versionOf(Path file) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(24);
  }

  /**
   * A page file or a manifest of a version older than this release reads is refused, not misread (the manifests
   * of releases before the index had sketches were versions 1 and 2; page file 1 is the current layout again, below).
   */
  @Test
  void indexesWithoutSketchesAreRefusedAsTooOld() throws IOException {
    build(20);
    setVersion(dir.resolve(PageFile.NAME), PageLayout.VERSION - 1);
    assertThrows(FormatTooOldException.class, () -> AtlasIndex.open(dir));
    setVersion(dir.resolve(PageFile.NAME), PageLayout.VERSION);
    setVersion(dir.resolve(Manifest.NAME), Manifest.OLDEST_VERSION - 1);
    assertThrows(FormatTooOldException.class, () -> AtlasIndex.open(dir));
  }

  /**
   * 42134d72 wrote its page file as version 2, with the sketches in the pages; the next commit moved them to their
   * own file and set the page file back to version 1. Such an index, written by an older release, was refused as
   * "format version 2 is newer than the newest supported 1" (found by opening what a real build of 42134d72 wrote).
   */
  @Test
  void aPageFileWithSketchesInItsPagesIsRefusedAsTooOldNotTooNew() throws IOException {
    build(20);
    setVersion(dir.resolve(PageFile.NAME), PageLayout.SKETCHES_IN_PAGES_VERSION);
    FormatTooOldException e = assertThrows(FormatTooOldException.class, () -> AtlasIndex.open(dir));
    assertTrue(e.getMessage().contains("older than this release reads"), e.getMessage());
    setVersion(dir.resolve(PageFile.NAME), PageLayout.SKETCHES_IN_PAGES_VERSION + 1);
    assertThrows(FormatTooNewException.class, () -> AtlasIndex.open(dir));
  }

  @Test
  void aDirectoryWithoutAnIndexIsNotOpenedAndAnIndexIsNotCreatedTwice() throws IOException {
    assertThrows(java.nio.file.NoSuchFileException.class, () -> AtlasIndex.open(dir));
    build(5);
    assertThrows(IllegalStateException.class, () -> AtlasIndex.create(dir, AtlasIndexTest.SMALL));
    assertThrows(IllegalArgumentException.class,
        () -> AtlasIndex.openOrCreate(dir, AtlasConfig.of(AtlasIndexTest.DIM + 1)));
    try (AtlasIndex index = AtlasIndex.openOrCreate(dir, AtlasConfig.of(AtlasIndexTest.DIM))) {
      assertEquals(4, index.size());
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
  }

  /** Rewrites the header's version and its checksum, as a differently versioned writer would have. */
  private static void setVersion(Path file, int version) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(24, version);
    CRC32C crc = new CRC32C();
    crc.update(all, 0, 60);
    b.putInt(60, (int) crc.getValue());
    Files.write(file, all);
  }
}
