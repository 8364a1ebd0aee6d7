package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The memory-mapped page file ({@value #NAME}): a {@link FileHeader} ({@code param1} = page bytes,
 * {@code param2} = vectors per page) followed by pages laid out as {@link PageLayout} says; and beside it
 * the sketch file ({@value #SKETCH_NAME}): a {@link FileHeader} ({@code param1} = block bytes, {@code
 * param2} = sketches per block) followed by one block of sketches per page, block {@code p} holding the
 * sketches of page {@code p}'s entries ({@link dev.aeon.index.kernel.SketchBlocks}).
 *
 * <p>Single writer, many readers: the writer writes an entry with positional writes (the mappings are
 * read-only, see {@link ChunkedMapping}) and then publishes it by a release store of the page's count in
 * memory; readers read that count with acquire and only look at entries below it. Readers read the counts
 * there, not in the file: a search looks up the counts of hundreds of pages, and in the file each sits on
 * its own page's first cache line, a miss each.
 */
public final class PageFile implements AutoCloseable {

  public static final String NAME = "atlas.pages";
  public static final String SKETCH_NAME = "atlas.sketches";
  public static final String SKETCH_FORMAT = "atlas-sketches";
  public static final int SKETCH_VERSION = 1;
  private static final int CHUNK_BYTES = 32 << 20;
  static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(int[].class);

  private final PageLayout layout;
  private final ChunkedMapping map;
  private final ChunkedMapping sketchMap;
  /** Each mapped page's count as its header has it; grown copy-on-write, like the mapped chunks. */
  private volatile int[] counts = new int[0];
  /** Pages [0, mirrored) have their header's count in {@link #counts} and leaf in {@link #leaves}. Writer only. */
  private int mirrored;
  /**
   * Each mirrored page's leaf, as its next append writes it into the page's head: {@link #reset} sets it here and
   * writes nothing, the append right after it writes the head once. Writer only.
   */
  private int[] leaves = new int[0];
  /**
   * Each page's generation: raised whenever its entries may stop matching an earlier checksum of the same
   * count (emptied for reuse, cut back at open). Appends only raise a page's count. Writer only.
   */
  private int[] generations = new int[0];
  /**
   * The writer's image of a page: its head (count, leaf, ids, slots, scales) and the codes of its entries up to the
   * last one appended, written to the file in one call from the page's start. An append's fields are spread over
   * the head and the codes; written as two ranges, head and new codes, they took two calls, each a {@code pwrite}
   * on the writer's path with the file system's per-call work under it (docs/benchmarks.md). The codes before the
   * new ones are written again as the file has them, so a reader scoring them through the mapping reads the same
   * bytes whichever it sees. The range starts in the head's file system page and ends in the new codes', both of
   * which the two calls dirtied too; only a page larger than two file system pages (about 500 dimensions at 8
   * entries) has pages between them, which it dirties again for the next checkpoint to write back.
   */
  private final MemorySegment image;
  /** The writer's image of a page's sketch block. */
  private final MemorySegment sketchBlock;

  private PageFile(PageLayout layout, ChunkedMapping map, ChunkedMapping sketchMap) {
    this.layout = layout;
    this.map = map;
    this.sketchMap = sketchMap;
    Arena auto = Arena.ofAuto(); // a few KB for as long as the file is open
    this.image = auto.allocate(layout.pageBytes);
    this.sketchBlock = auto.allocate(layout.sketches.blockBytes());
  }

  public static PageFile create(Path dir, PageLayout layout) throws IOException {
    FileHeader h = new FileHeader(PageLayout.FORMAT, PageLayout.VERSION, layout.dim, layout.pageBytes, layout.capacity);
    ChunkedMapping pages = ChunkedMapping.create(dir.resolve(NAME), h, layout.pageBytes, CHUNK_BYTES);
    try {
      return new PageFile(layout, pages, ChunkedMapping.create(dir.resolve(SKETCH_NAME), sketchHeader(layout),
          layout.sketches.blockBytes(), CHUNK_BYTES));
    } catch (IOException e) {
      pages.close();
      throw e;
    }
  }

  private static FileHeader sketchHeader(PageLayout layout) {
    return new FileHeader(SKETCH_FORMAT, SKETCH_VERSION, layout.dim, layout.sketches.blockBytes(), layout.capacity);
  }

  /** Opens the page file and checks that its header matches {@code layout}; maps {@code pages} pages. */
  public static PageFile open(Path dir, PageLayout layout, int pages) throws IOException {
    Path path = dir.resolve(NAME);
    ChunkedMapping map = ChunkedMapping.open(path, layout.pageBytes, CHUNK_BYTES, pages);
    ChunkedMapping sketchMap = null;
    try {
      checkHeader(path, map, PageLayout.FORMAT, PageLayout.VERSION, layout, layout.pageBytes);
      Path sketches = dir.resolve(SKETCH_NAME);
      sketchMap = ChunkedMapping.open(sketches, layout.sketches.blockBytes(), CHUNK_BYTES, pages);
      checkHeader(sketches, sketchMap, SKETCH_FORMAT, SKETCH_VERSION, layout, layout.sketches.blockBytes());
    } catch (IOException e) {
      map.close();
      if (sketchMap != null) {
        sketchMap.close();
      }
      throw e;
    }
    PageFile file = new PageFile(layout, map, sketchMap);
    try {
      file.ensurePages(pages);
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
    return file;
  }

  private static void checkHeader(Path path, ChunkedMapping m, String format, int version, PageLayout layout,
      int unitBytes) throws IOException {
    boolean pages = format.equals(PageLayout.FORMAT);
    FileHeader h = FileHeader.read(path, m.header(), format, version,
        pages ? PageLayout.SKETCHES_IN_PAGES_VERSION : version);
    if (h.version() != version) { // a version number above this release's, but of an older layout
      throw new FormatTooOldException(path, "format version " + h.version() + " kept the sketches in the pages,"
          + " as only 42134d72 wrote it (the next commit moved them to their own file and set the page file back"
          + " to version " + version + "): older than this release reads");
    }
    if (h.dim() != layout.dim || h.param1() != unitBytes || h.param2() != layout.capacity) {
      throw new CorruptIndexException(path, FileHeader.OFF_DIM, "header says dim " + h.dim() + ", units of "
          + h.param1() + " bytes, " + h.param2() + " entries each; the manifest says dim " + layout.dim + ", "
          + unitBytes + " bytes, " + layout.capacity + " entries");
    }
  }

  public PageLayout layout() {
    return layout;
  }

  public Path path() {
    return map.path();
  }

  /** Makes pages [0, count) addressable. Writer only. */
  public void ensurePages(int count) {
    map.ensureUnits(count);
    sketchMap.ensureUnits(count);
    if (count > mirrored) {
      int[] cs = counts;
      if (count > cs.length) {
        cs = Arrays.copyOf(cs, Math.max(count, cs.length * 2));
      }
      if (count > leaves.length) {
        leaves = Arrays.copyOf(leaves, Math.max(count, leaves.length * 2));
      }
      for (int p = mirrored; p < count; p++) {
        cs[p] = map.segment(p).get(INT, map.offset(p) + PageLayout.OFF_COUNT);
        leaves[p] = map.segment(p).get(INT, map.offset(p) + PageLayout.OFF_LEAF);
      }
      counts = cs;
      mirrored = count;
    }
    if (count > generations.length) {
      generations = Arrays.copyOf(generations, Math.max(count, generations.length * 2));
    }
  }

  public MemorySegment segment(int page) {
    return map.segment(page);
  }

  public long base(int page) {
    return map.offset(page);
  }

  /** The mapped chunk of the sketch file holding page {@code page}'s sketch block. */
  public MemorySegment sketchSegment(int page) {
    return sketchMap.segment(page);
  }

  /** The offset of page {@code page}'s sketch block in {@link #sketchSegment}. */
  public long sketchBase(int page) {
    return sketchMap.offset(page);
  }

  /**
   * Whether pages {@code page} and {@code page + 1} have adjacent sketch blocks in one mapped chunk, so
   * that one kernel call can score both.
   */
  public boolean sketchesAdjacent(int page) {
    return sketchMap.segment(page) == sketchMap.segment(page + 1);
  }

  /** The number of complete entries of {@code page} (acquire). */
  public int count(int page) {
    return (int) COUNTS.getAcquire(counts, page);
  }

  /**
   * Empties a page and tags it with its leaf, before it is linked into a leaf. Writer only. Writes nothing: the
   * file's count of a page matters only at an open, which takes the counts the manifest names, and every page taken
   * for a leaf is appended to at once, which writes the page's head with count and leaf (the write this made of
   * them was one more {@code pwrite} per page taken, two per page of a split's or compaction's rewrite).
   */
  public void reset(int page, int leafId) {
    generations[page]++;
    leaves[page] = leafId;
    COUNTS.setRelease(counts, page, 0);
  }

  /**
   * Sets the count of a page back to what the manifest recorded, dropping later appends. Writer only. A page
   * that already holds that count is only read: writing it again would dirty every page of the file at each
   * open, for the kernel to write back.
   */
  public void truncate(int page, int count) {
    generations[page]++;
    if (map.segment(page).get(INT, map.offset(page) + PageLayout.OFF_COUNT) != count) {
      MemorySegment h = image.asSlice(0, 4);
      h.set(INT, 0, count);
      map.write(page, PageLayout.OFF_COUNT, h);
    }
    COUNTS.setRelease(counts, page, count);
  }

  /**
   * Writes entry {@code count(page)} and publishes it; returns the new count. The caller has checked
   * that the page is not full. Writer only.
   */
  public int append(int page, long id, int slot, EncodedVector e) {
    int first = counts[page];
    loadImages(page, first);
    stage(first, id, slot, e);
    return writeAndPublish(page, first, 1);
  }

  /**
   * Appends entries {@code [0, n)} of the arrays to the page with two writes (rather than two each) and
   * publishes them together; returns the new count. The caller has checked that they fit. Writer only.
   */
  public int appendAll(int page, long[] ids, int[] slots, EncodedVector[] encoded, int n) {
    int first = counts[page];
    loadImages(page, first);
    for (int k = 0; k < n; k++) {
      stage(first + k, ids[k], slots[k], encoded[k]);
    }
    return writeAndPublish(page, first, n);
  }

  /**
   * Copies the page's head and codes of its first {@code first} entries, and its sketch block, as the file has them
   * into the writer's images, with the leaf {@link #reset} gave the page: they are written whole, one call each
   * instead of one per field (an entry's fields are spread over them), with the other entries' bytes unchanged.
   */
  private void loadImages(int page, int first) {
    MemorySegment.copy(map.segment(page), map.offset(page), image, 0, layout.codesOffset(first));
    image.set(INT, PageLayout.OFF_LEAF, leaves[page]);
    MemorySegment.copy(sketchMap.segment(page), sketchMap.offset(page), sketchBlock, 0, sketchBlock.byteSize());
  }

  /** Puts entry {@code i} into the images. */
  private void stage(int i, long id, int slot, EncodedVector e) {
    MemorySegment.copy(MemorySegment.ofArray(e.codes()), 0, image, layout.codesOffset(i), layout.dim);
    sketchBlock.set(FLOAT, layout.sketches.factorOffset(i), e.sketchFactor());
    for (int w = 0; w < layout.sketches.words(); w++) {
      sketchBlock.set(WORD, layout.sketches.wordOffset(w, i), e.sketch()[w]);
    }
    image.set(INT, layout.idOffset(i), (int) id);
    image.set(INT, layout.slotOffset(i), slot);
    image.set(FLOAT, layout.scaleOffset(i), e.scale());
  }

  /**
   * Writes the staged entries {@code [first, first + n)} and then publishes them: two writes, the sketch block and
   * the page from its start to the last new entry's codes.
   */
  private int writeAndPublish(int page, int first, int n) {
    sketchMap.write(page, 0, sketchBlock);
    image.set(INT, PageLayout.OFF_COUNT, first + n);
    map.write(page, 0, image.asSlice(0, layout.codesOffset(first + n)));
    COUNTS.setRelease(counts, page, first + n);
    return first + n;
  }

  /** The calls that wrote the page file and the sketch file since they were opened (tests: writes per append). */
  long writes() {
    return map.writes() + sketchMap.writes();
  }

  /** The id of entry {@code i} as an unsigned 32-bit value. */
  public long id(int page, int i) {
    return Integer.toUnsignedLong(map.segment(page).get(INT, map.offset(page) + layout.idOffset(i)));
  }

  public int slot(int page, int i) {
    return map.segment(page).get(INT, map.offset(page) + layout.slotOffset(i));
  }

  public float scale(int page, int i) {
    return map.segment(page).get(FLOAT, map.offset(page) + layout.scaleOffset(i));
  }

  /**
   * Appends entries of other pages of this file to {@code page}, each as its page stores it (codes, scale, sketch and
   * factor copied file to file, nothing through the heap), under ids {@code ids} and slots {@code slots}: entry
   * {@code k} is entry {@code fromEntries[k]} of page {@code fromPages[k]}. A split or compaction moves a leaf's
   * entries so; they used to be copied out one by one into new arrays first (about 400 bytes an entry at 384
   * dims, a leaf's worth at every split). The source pages must not be {@code page}; the caller has checked that
   * the entries fit. Publishes them together and returns the new count. Writer only.
   */
  public int appendMoved(int page, long[] ids, int[] slots, int[] fromPages, int[] fromEntries, int n) {
    int first = counts[page];
    loadImages(page, first);
    for (int k = 0; k < n; k++) {
      int from = fromPages[k], e = fromEntries[k], i = first + k;
      if (from == page) {
        throw new IllegalArgumentException("an entry moved within page " + page);
      }
      MemorySegment s = map.segment(from);
      long b = map.offset(from);
      MemorySegment.copy(s, b + layout.codesOffset(e), image, layout.codesOffset(i), layout.dim);
      MemorySegment sk = sketchMap.segment(from);
      long kb = sketchMap.offset(from);
      sketchBlock.set(FLOAT, layout.sketches.factorOffset(i), sk.get(FLOAT, kb + layout.sketches.factorOffset(e)));
      for (int w = 0; w < layout.sketches.words(); w++) {
        sketchBlock.set(WORD, layout.sketches.wordOffset(w, i), sk.get(WORD, kb + layout.sketches.wordOffset(w, e)));
      }
      image.set(INT, layout.idOffset(i), (int) ids[k]);
      image.set(INT, layout.slotOffset(i), slots[k]);
      image.set(FLOAT, layout.scaleOffset(i), s.get(FLOAT, b + layout.scaleOffset(e)));
    }
    return writeAndPublish(page, first, n);
  }

  /** Everything entry {@code i} stores of its vector, copied out (tests: what a page holds). */
  public EncodedVector encoded(int page, int i) {
    MemorySegment s = map.segment(page);
    long b = map.offset(page);
    byte[] codes = new byte[layout.dim];
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, b + layout.codesOffset(i), codes, 0, layout.dim);
    MemorySegment k = sketchMap.segment(page);
    long kb = sketchMap.offset(page);
    long[] sketch = new long[layout.sketches.words()];
    for (int w = 0; w < sketch.length; w++) {
      sketch[w] = k.get(WORD, kb + layout.sketches.wordOffset(w, i));
    }
    return new EncodedVector(s.get(FLOAT, b + layout.scaleOffset(i)), codes,
        k.get(FLOAT, kb + layout.sketches.factorOffset(i)), sketch);
  }

  /** Copies the codes of entry {@code i} into {@code out} (of {@code dim} bytes) and returns its scale. */
  public float codesInto(int page, int i, byte[] out) {
    MemorySegment s = map.segment(page);
    long b = map.offset(page);
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, b + layout.codesOffset(i), out, 0, layout.dim);
    return s.get(FLOAT, b + layout.scaleOffset(i));
  }

  /**
   * Copies the scales of entries [0, count) into {@code out}: one bounds and liveness check for the
   * page instead of one per entry, which the scoring loop would otherwise pay per vector.
   */
  public void scales(int page, int count, float[] out) {
    MemorySegment.copy(map.segment(page), FLOAT, map.offset(page) + layout.offScales, out, 0, count);
  }

  /** The page's generation (see {@link #generations}). Writer only. */
  public int generation(int page) {
    return generations[page];
  }

  /**
   * CRC32C of the first {@code count} entries of {@code page} (ids, slots, scales, codes, and from the
   * sketch file factors and sketches). Any thread may compute it while the writer appends after them.
   */
  public int checksum(int page, int count) {
    MemorySegment s = map.segment(page);
    long b = map.offset(page);
    CRC32C c = new CRC32C();
    c.update(s.asSlice(b + PageLayout.OFF_IDS, 4L * count).asByteBuffer());
    c.update(s.asSlice(b + layout.offSlots, 4L * count).asByteBuffer());
    c.update(s.asSlice(b + layout.offScales, 4L * count).asByteBuffer());
    c.update(s.asSlice(b + layout.offCodes, (long) layout.dim * count).asByteBuffer());
    MemorySegment k = sketchMap.segment(page);
    long kb = sketchMap.offset(page);
    c.update(k.asSlice(kb + layout.sketches.factorOffset(0), 4L * count).asByteBuffer());
    for (int w = 0; w < layout.sketches.words(); w++) {
      c.update(k.asSlice(kb + layout.sketches.wordOffset(w, 0), 8L * count).asByteBuffer());
    }
    return (int) c.getValue();
  }

  public long fileOffset(int page) {
    return map.fileOffset(page);
  }

  public void force() throws IOException {
    map.force();
    sketchMap.force();
  }

  @Override
  public void close() throws IOException {
    try (map; sketchMap) {
      // both closed, the first failure reported
    }
  }
}
