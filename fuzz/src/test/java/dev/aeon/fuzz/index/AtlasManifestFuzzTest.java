package dev.aeon.fuzz.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.common.io.StoreFileException;
import dev.aeon.fuzz.FuzzFiles;
import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.SearchParams;
import dev.aeon.index.atlas.SearchResult;
import dev.aeon.index.atlas.store.CorruptIndexException;
import dev.aeon.index.atlas.store.FileHeader;
import dev.aeon.index.atlas.store.FormatTooNewException;
import dev.aeon.index.atlas.store.FormatTooOldException;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import dev.aeon.index.atlas.store.PageFile;
import dev.aeon.index.atlas.store.PageLayout;
import dev.aeon.index.atlas.store.VectorFile;
import dev.aeon.index.atlas.store.VectorLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * Atlas manifests whose checksums hold but whose structure is wrong (a writer's bug, a crafted file, another
 * release's writer): the fuzzer's bytes change the body (and a few header fields) of a real index's
 * manifest, the header and body checksums are computed again so that the damage reaches the parsing, and
 * the directory is opened. It must either be refused with the index's format exception naming the file, or
 * open into an index that answers searches with the vectors that were written, takes writes, and opens
 * again after a flush. The same holds for damage to the index's other files, the pages, sketches and FP32
 * vectors ({@link #aDataFileWithDamage}). Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class AtlasManifestFuzzTest {

  private static final int DIM = 8;
  private static final AtlasConfig CONFIG = new AtlasConfig(DIM, 4, 2, 4);
  private static final int VECTORS = 60;
  private static final long NEW_ID = 1_000;
  /**
   * Shared memory where there is some: each check writes the files and a flush forces them, which on a
   * disk costs most of a check's time.
   */
  private static final Path SOURCE;
  private static final Path DIR;
  /** Where {@link #withPageChecksums} opens the damaged pages. */
  private static final Path SCRATCH;
  /** Every file of the valid index, by name, the manifest among them. */
  private static final Map<String, byte[]> FILES = new LinkedHashMap<>();
  private static final byte[] MANIFEST;
  /** The files other than the manifest: pages, sketches and vectors. */
  private static final List<String> DATA_FILES =
      List.of(PageFile.NAME, PageFile.SKETCH_NAME, VectorFile.NAME);
  /** The unit vector stored under each id ever added (some removed since). */
  private static final float[][] STORED = new float[VECTORS][];
  private static final float[][] QUERIES = new float[3][];
  /** Vectors added after opening, under ids from {@link #NEW_ID}. */
  private static final float[][] ADDED = new float[12][];
  /** The manifest's int fields (offset and what they are), found by walking the valid manifest's layout. */
  private static final List<Field> FIELDS;

  record Field(String name, int offset, int width) {}

  static {
    try {
      SOURCE = FuzzFiles.tempDirectory("aeon-atlas-fuzz-source");
      DIR = FuzzFiles.tempDirectory("aeon-atlas-fuzz");
      SCRATCH = FuzzFiles.tempDirectory("aeon-atlas-fuzz-scratch");
      buildValidIndex();
      MANIFEST = FILES.get(Manifest.NAME);
      FIELDS = fields(MANIFEST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    FuzzFiles.deleteTree(DIR);
    FuzzFiles.deleteTree(SCRATCH);
    FuzzFiles.deleteTree(SOURCE);
  }

  /**
   * Changes picked by the fuzzer: a value into one of the manifest's fields, or any byte of the body; the
   * body cut short or lengthened; the header's dimension or version changed. Checksums recomputed.
   */
  @FuzzTest(maxDuration = "60s")
  void aManifestWithValidChecksumsAndDamagedStructure(FuzzedDataProvider data) throws IOException {
    byte[] file = MANIFEST.clone();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int edits = data.consumeInt(1, 6);
    for (int i = 0; i < edits; i++) {
      switch (data.consumeInt(0, 3)) {
        case 0, 1 -> {
          Field f = FIELDS.get(data.consumeInt(0, FIELDS.size() - 1));
          if (f.width() == 4) {
            b.putInt(f.offset(), data.consumeBoolean() ? b.getInt(f.offset()) + data.consumeInt(-3, 3)
                : data.consumeInt());
          } else {
            file[f.offset()] = data.consumeByte();
          }
        }
        case 2 -> file[data.consumeInt(FileHeader.BYTES, file.length - 5)] = data.consumeByte();
        default -> b.putInt(data.consumeBoolean() ? 24 : 28, data.consumeInt()); // version, dim
      }
    }
    byte[] body = Arrays.copyOfRange(file, FileHeader.BYTES, file.length - 4);
    switch (data.consumeInt(0, 5)) {
      case 0 -> body = Arrays.copyOf(body, data.consumeInt(0, body.length));
      case 1 -> {
        byte[] more = data.consumeBytes(64);
        body = Arrays.copyOf(body, body.length + more.length);
        System.arraycopy(more, 0, body, body.length - more.length, more.length);
      }
      default -> { } // the same length
    }
    check(withChecksums(Arrays.copyOf(file, FileHeader.BYTES), body));
  }

  /**
   * Changes picked by the fuzzer to the page, sketch or vector file: any bytes, the header's fields (its checksum
   * computed again or not), a page's head (its count and leaf, which no checksum covers) or entries, a vector
   * record's id with its checksum computed again; the file cut short or lengthened. With damage to the entries of
   * pages or sketches, the manifest's page checksums may be computed again, so that it reaches the restoring of
   * the pages: then the ids and slots the pages name are what stands between the damage and the index.
   */
  @FuzzTest(maxDuration = "60s")
  void aDataFileWithDamage(FuzzedDataProvider data) throws IOException {
    String name = DATA_FILES.get(data.consumeInt(0, DATA_FILES.size() - 1));
    byte[] file = FILES.get(name).clone();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int unitBytes = b.getInt(32); // header param1
    int units = (file.length - FileHeader.BYTES) / unitBytes;
    int edits = data.consumeInt(1, 4);
    for (int i = 0; i < edits; i++) {
      long unit = FileHeader.BYTES + (long) unitBytes * data.consumeInt(0, units - 1);
      switch (data.consumeInt(0, 3)) {
        case 0 -> file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
        case 1 -> { // the header's version, dim, param1 or param2
          int at = 4 * data.consumeInt(6, 9);
          b.putInt(at, data.consumeBoolean() ? data.consumeInt() : b.getInt(at) + data.consumeInt(-2, 2));
        }
        case 2 -> { // an int of a unit's first 64 bytes: a page's count, leaf, ids and slots, a record's id and flags
          int at = (int) unit + 4 * data.consumeInt(0, Math.min(16, unitBytes / 4) - 1);
          b.putInt(at, data.consumeBoolean() ? data.consumeInt() : b.getInt(at) + data.consumeInt(-2, 2));
        }
        default -> {
          if (name.equals(VectorFile.NAME)) { // another id, its record's checksum computed again
            b.putLong((int) unit + VectorLayout.OFF_ID, data.consumeLong(-2, VECTORS + 2));
            CRC32C crc = new CRC32C();
            crc.update(file, (int) unit + VectorLayout.OFF_ID, 8);
            crc.update(file, (int) unit + VectorLayout.OFF_FLOATS, 4 * DIM);
            b.putInt((int) unit + VectorLayout.OFF_CRC, (int) crc.getValue());
          } else {
            file[(int) unit + data.consumeInt(0, unitBytes - 1)] = data.consumeByte();
          }
        }
      }
    }
    if (data.consumeBoolean()) { // the header's checksum computed again
      CRC32C crc = new CRC32C();
      crc.update(file, 0, 60);
      b.putInt(60, (int) crc.getValue());
    }
    Map<String, byte[]> damaged = new LinkedHashMap<>();
    switch (data.consumeInt(0, 5)) {
      case 0 -> file = Arrays.copyOf(file, data.consumeInt(0, file.length));
      case 1 -> {
        byte[] more = data.consumeBytes(2 * unitBytes);
        file = Arrays.copyOf(file, file.length + more.length);
        System.arraycopy(more, 0, file, file.length - more.length, more.length);
      }
      default -> { } // the same length
    }
    damaged.put(name, file);
    if (!name.equals(VectorFile.NAME) && data.consumeBoolean()) {
      damaged.put(Manifest.NAME, withPageChecksums(damaged));
    }
    check(damaged);
  }

  /**
   * Interesting values in every int field of the manifest (and the tag byte of every routing child), each
   * with valid checksums: zero, -1, 1, the extremes, and one more or less than the field holds.
   */
  @Test
  void everyFieldWithInterestingValues() throws IOException {
    int checks = 0;
    List<String> failures = new ArrayList<>();
    for (Field f : FIELDS) {
      ByteBuffer valid = ByteBuffer.wrap(MANIFEST).order(ByteOrder.LITTLE_ENDIAN);
      long[] values = f.width() == 4
          ? new long[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, valid.getInt(f.offset()) + 1L,
              valid.getInt(f.offset()) - 1L, 1 << 20}
          : new long[] {0, 1, 2, -1};
      for (long v : Arrays.stream(values).distinct().toArray()) {
        byte[] file = MANIFEST.clone();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (f.width() == 4) {
          if ((int) v == b.getInt(f.offset())) {
            continue;
          }
          b.putInt(f.offset(), (int) v);
        } else {
          file[f.offset()] = (byte) v;
        }
        try {
          check(withChecksums(Arrays.copyOf(file, FileHeader.BYTES),
              Arrays.copyOfRange(file, FileHeader.BYTES, file.length - 4)));
        } catch (AssertionError | IOException | RuntimeException | OutOfMemoryError e) {
          failures.add(f.name() + " at offset " + f.offset() + " set to " + v + ": " + e);
          e.printStackTrace(System.out); // the report has the stack traces
        }
        checks++;
      }
    }
    assertTrue(failures.isEmpty(),
        failures.size() + " of " + checks + " checks failed:\n" + String.join("\n", failures));
    assertTrue(checks > 100, "only " + checks + " checks: the layout walk found too few fields");
  }

  @Test
  void theValidManifestOpens() throws IOException {
    check(MANIFEST);
  }

  /**
   * Writes the valid index's files with {@code manifest} in place of its own, opens the directory and, if
   * that succeeds, checks what the index answers, writes to it, flushes and opens it again.
   */
  private static void check(byte[] manifest) throws IOException {
    check(Map.of(Manifest.NAME, manifest));
  }

  /** {@link #check(byte[])} with the valid index's files replaced by those of {@code damaged}. */
  private static void check(Map<String, byte[]> damaged) throws IOException {
    writeFiles(DIR, damaged);
    AtlasIndex index;
    try {
      index = AtlasIndex.open(DIR);
    } catch (CorruptIndexException | FormatTooOldException | FormatTooNewException e) {
      assertDescribes(e);
      return;
    }
    long removed = -1;
    java.util.Set<Long> live = new java.util.HashSet<>();
    try (index) {
      assertEquals(DIM, index.dimension());
      for (long id = 0; id < VECTORS + 4; id++) {
        float[] v = index.vector(id);
        if (v != null) {
          assertTrue(id < VECTORS, "id " + id + " appeared from nowhere");
          assertArrayEquals(STORED[(int) id], v, "id " + id + " came back with another vector");
          live.add(id);
          removed = removed < 0 ? id : removed;
        }
      }
      assertTrue(index.size() >= live.size(), index.size() + " live ids, but " + live.size() + " have vectors");
      for (float[] q : QUERIES) {
        checkResult(q, index.search(q, 5), 5);
        SearchResult exact = index.exactSearch(q, 5);
        checkResult(q, exact, 5);
        // A search of every leaf, without sketches, re-ranking every entry, is exact too: a subtree that
        // the descent cannot reach (a damaged centroid) makes it answer less.
        SearchResult all = index.search(q, 5, new SearchParams(1000, 1000, 1000, SearchParams.NO_SKETCH, true, 0));
        checkResult(q, all, 5);
        assertArrayEquals(exact.scores(), all.scores(), 1e-5f, "a search of every leaf is not exact");
      }
      // It takes writes (enough to fill pages and split leaves, which reuses free pages and slots), and a
      // flush writes a manifest that opens again with exactly what was there and what was written.
      for (int i = 0; i < ADDED.length; i++) {
        index.add(NEW_ID + i, ADDED[i]);
      }
      if (removed >= 0) {
        index.remove(removed);
        live.remove(removed);
      }
      index.flush();
    }
    try (AtlasIndex again = AtlasIndex.open(DIR)) {
      for (long id : live) {
        assertArrayEquals(STORED[(int) id], again.vector(id), "id " + id + " lost its vector after writes");
      }
      for (int i = 0; i < ADDED.length; i++) {
        assertArrayEquals(unit(ADDED[i]), again.vector(NEW_ID + i), 1e-6f, "the id added after opening is lost");
      }
      if (removed >= 0) {
        assertFalse(again.contains(removed), "the id removed after opening is back");
      }
      checkResult(QUERIES[1], again.search(QUERIES[1], 5), 5);
    }
  }

  /** The valid index's files, those of {@code replaced} in place of theirs, into {@code dir}, emptied first. */
  private static void writeFiles(Path dir, Map<String, byte[]> replaced) throws IOException {
    FuzzFiles.deleteTree(dir);
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
      Files.write(dir.resolve(f.getKey()), replaced.getOrDefault(f.getKey(), f.getValue()));
    }
  }

  /**
   * The valid manifest with each page's checksum computed again from the pages and sketches of {@code damaged},
   * or as it is if they cannot be opened (a damaged header).
   */
  private static byte[] withPageChecksums(Map<String, byte[]> damaged) throws IOException {
    writeFiles(SCRATCH, damaged);
    byte[] manifest = MANIFEST.clone();
    ByteBuffer m = ByteBuffer.wrap(manifest).order(ByteOrder.LITTLE_ENDIAN);
    int pageCapacity = m.getInt(FileHeader.BYTES);
    int pageHighWater = m.getInt(FileHeader.BYTES + 20);
    try (PageFile pages = PageFile.open(SCRATCH, new PageLayout(DIM, pageCapacity), pageHighWater)) {
      for (Field f : FIELDS) {
        if (f.name().startsWith("leaf ") && f.name().endsWith(" crc")) {
          m.putInt(f.offset(), pages.checksum(m.getInt(f.offset() - 8), m.getInt(f.offset() - 4)));
        }
      }
    } catch (IOException | RuntimeException e) {
      return MANIFEST;
    }
    return withChecksums(Arrays.copyOf(manifest, FileHeader.BYTES),
        Arrays.copyOfRange(manifest, FileHeader.BYTES, manifest.length - 4));
  }

  /** Results are ids that were written, once each, best first, scored against the vectors they were written with. */
  private static void checkResult(float[] query, SearchResult r, int k) {
    assertTrue(r.size() <= k);
    float[] unit = unit(query);
    for (int i = 0; i < r.size(); i++) {
      long id = r.ids()[i];
      float[] v = id >= NEW_ID && id < NEW_ID + ADDED.length ? unit(ADDED[(int) (id - NEW_ID)])
          : id >= 0 && id < VECTORS ? STORED[(int) id] : null;
      assertNotNull(v, "search answered id " + id + ", which was never written");
      assertEquals(dot(unit, v), r.scores()[i], 1e-3, "score of id " + id);
      assertTrue(i == 0 || r.scores()[i] <= r.scores()[i - 1], "results out of order");
      for (int j = 0; j < i; j++) {
        assertTrue(r.ids()[j] != id, "id " + id + " answered twice");
      }
    }
  }

  private static void assertDescribes(StoreFileException e) {
    assertNotNull(e.file(), e.toString());
    assertEquals(DIR, e.file().getParent(), e.toString());
    assertTrue(e.getMessage().contains(e.file().toString()), e.getMessage());
    assertTrue(e.offset() >= 0, e.getMessage());
  }

  /** {@code header}'s body length and checksum set for {@code body}, then the body and its checksum. */
  static byte[] withChecksums(byte[] header, byte[] body) {
    ByteBuffer out = ByteBuffer.allocate(FileHeader.BYTES + body.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    out.put(header).put(body);
    out.putInt(32, body.length); // param1: the body's length
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, 60);
    out.putInt(60, (int) crc.getValue());
    crc.reset();
    crc.update(body);
    out.putInt(FileHeader.BYTES + body.length, (int) crc.getValue());
    return out.array();
  }

  /**
   * The int fields of a manifest and the tag bytes of its routing tree, by walking the layout {@link Manifest}
   * documents.
   */
  private static List<Field> fields(byte[] manifest) {
    List<Field> fields = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(manifest).order(ByteOrder.LITTLE_ENDIAN);
    int dim = in.getInt(28);
    fields.add(new Field("header version", 24, 4));
    fields.add(new Field("header dim", 28, 4));
    in.position(FileHeader.BYTES);
    for (String name : new String[] {"pageCapacity", "pagesPerLeaf", "fanout", "nextLeafId", "slotHighWater",
        "pageHighWater"}) {
      fields.add(new Field(name, in.position(), 4));
      in.getInt();
    }
    in.position(in.position() + 4 * dim); // the sketch center
    fields.add(new Field("leafCount", in.position(), 4));
    int leaves = in.getInt();
    for (int l = 0; l < leaves; l++) {
      fields.add(new Field("leaf " + l + " id", in.position(), 4));
      in.getInt();
      in.getLong(); // version
      in.getFloat(); // mean norm
      fields.add(new Field("leaf " + l + " pageCount", in.position(), 4));
      int pages = in.getInt();
      for (int p = 0; p < pages; p++) {
        for (String what : new String[] {"page", "count", "crc"}) {
          fields.add(new Field("leaf " + l + " page " + p + " " + what, in.position(), 4));
          in.getInt();
        }
      }
    }
    node(in, dim, "root", fields);
    assertEquals(Manifest.VERSION, in.getInt(24), "the valid manifest is of version 4, naming a leaf waiting");
    for (String bitmap : new String[] {"tombstones", "freePages", "freeSlots", "mergesWaiting"}) {
      fields.add(new Field(bitmap + " length", in.position(), 4));
      int length = in.getInt();
      in.position(in.position() + length);
    }
    // The last 16-bit value of the bitmap of leaves waiting (one array container): its low byte, the leaf's id.
    fields.add(new Field("mergesWaiting leaf id", in.position() - 2, 1));
    assertEquals(manifest.length - 4, in.position(), "the walk of the manifest's layout went astray");
    return fields;
  }

  private static void node(ByteBuffer in, int dim, String name, List<Field> fields) {
    fields.add(new Field(name + " childCount", in.position(), 4));
    int children = in.getInt();
    in.position(in.position() + 4 * children * dim); // centroids
    for (int i = 0; i < children; i++) {
      fields.add(new Field(name + " child " + i + " tag", in.position(), 1));
      if (in.get() == 0) {
        fields.add(new Field(name + " child " + i + " leaf id", in.position(), 4));
        in.getInt();
      } else {
        node(in, dim, name + "." + i, fields);
      }
    }
  }

  /**
   * An index of {@value #VECTORS} vectors in leaves of at most 8, under a routing tree of two levels, with
   * removed ids (tombstones), a compaction (free pages and slots), and appends after a flush.
   */
  private static void buildValidIndex() throws IOException {
    Random r = new Random(7);
    try (AtlasIndex index = AtlasIndex.create(SOURCE, CONFIG)) {
      for (int i = 0; i < VECTORS; i++) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          v[d] = (float) r.nextGaussian();
        }
        index.add(i, v);
      }
      for (int i = 0; i < VECTORS; i++) {
        STORED[i] = index.vector(i);
      }
      for (long id : new long[] {3, 17, 18, 19, 40}) {
        index.remove(id);
      }
      index.compact();
      index.flush();
      index.remove(44);
      index.remove(45);
    }
    // One leaf of the tree named as waiting for a merge (a writer names one only on a device too full for its merge),
    // so that the manifest is version 4, whose last bitmap the damage then reaches.
    ManifestData m = Manifest.read(SOURCE);
    Manifest.write(SOURCE, new ManifestData(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(),
        m.slotHighWater(), m.pageHighWater(), m.sketchCenter(), m.leaves(), m.root(), m.tombstones(), m.freePages(),
        m.freeSlots(), RoaringBitmap.bitmapOf(m.leaves().getFirst().id())));
    for (float[][] vectors : new float[][][] {QUERIES, ADDED}) {
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          vectors[i][d] = (float) r.nextGaussian();
        }
      }
    }
    // The files as far as the manifest's high-water marks reach: the writer maps and extends them a chunk
    // (tens of MB) at a time, and writing that much for each check would take most of its time.
    ByteBuffer manifest = ByteBuffer.wrap(Files.readAllBytes(SOURCE.resolve(Manifest.NAME)))
        .order(ByteOrder.LITTLE_ENDIAN);
    int slotHighWater = manifest.getInt(FileHeader.BYTES + 16);
    int pageHighWater = manifest.getInt(FileHeader.BYTES + 20);
    try (Stream<Path> files = Files.list(SOURCE)) {
      for (Path f : files.sorted().toList()) {
        byte[] bytes = Files.readAllBytes(f);
        int unitBytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(32); // header param1
        String name = f.getFileName().toString();
        int units = name.equals(VectorFile.NAME) ? slotHighWater : name.equals(Manifest.NAME) ? -1 : pageHighWater;
        FILES.put(name, units < 0 ? bytes : Arrays.copyOf(bytes, FileHeader.BYTES + units * unitBytes));
      }
    }
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = (float) (v[i] / Math.sqrt(n));
    }
    return u;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
