package dev.aeon.index.atlas.store;

import dev.aeon.common.io.BoundedRead;
import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * The manifest ({@value #NAME}): the root of trust of an index directory, replaced atomically on every
 * flush (write a temporary file, force it, rename it over the old one, force the directory). A temporary
 * that could not be written whole or renamed is deleted; one a crash left is deleted when the index opens.
 *
 * <pre>
 *  0          64                                  64 + bodyBytes
 *  +----------+-----------------------------------+--------+
 *  | header   | body (little-endian, see below)   | crc32c |
 *  +----------+-----------------------------------+--------+
 *  header: FileHeader("atlas-manifest", version, dim, param1 = bodyBytes, param2 = 0)
 *  body:   pageCapacity pagesPerLeaf fanout nextLeafId slotHighWater pageHighWater   (6 ints)
 *          sketchCenter float[dim]
 *          leafCount, then per leaf: id int, version long, meanNorm float,
 *                                    pageCount int, then per page: page int, count int, crc int
 *          root node: childCount int, centroids float[childCount*dim],
 *                     per child: tag byte (0 = leaf: id int, 1 = node: nested node)
 *          tombstones, freePages, freeSlots, mergesWaiting (leaf ids; version 4 on):
 *                     each int length + portable RoaringBitmap bytes
 * </pre>
 * The trailing CRC32C covers the body. Version 3 added the sketch center, with the page file's sketches
 * (page format 2); older indexes have no sketches and are refused (rebuild them from their vectors). Version 4 added
 * the leaves waiting for a merge skipped for want of room, which a reopen forgot before; a version 3 manifest is read
 * as naming none. A manifest is written as the oldest version that holds what it names ({@link #versionOf}).
 */
public final class Manifest {

  public static final String NAME = "atlas.manifest";
  /** Where a new manifest is written before it is renamed into place; one found at open is a crash's part. */
  public static final String TEMPORARY = NAME + ".tmp";
  public static final String FORMAT = "atlas-manifest";
  public static final int VERSION = 4;
  /** The oldest version this release reads and writes: 3, without the leaves waiting for a merge. */
  public static final int OLDEST_VERSION = 3;
  private static final int MAX_DEPTH = 64;
  /** Where the body's fixed fields are in the file, for errors that name them. */
  public static final int NEXT_LEAF_ID_AT = FileHeader.BYTES + 12;
  public static final int SLOT_HIGH_WATER_AT = FileHeader.BYTES + 16;
  public static final int PAGE_HIGH_WATER_AT = FileHeader.BYTES + 20;
  public static final int SKETCH_CENTER_AT = FileHeader.BYTES + 24;

  private Manifest() {}

  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(NAME));
  }

  /**
   * The version {@code m} is written as: the oldest that holds what it names. Naming no leaf waiting for a merge, as
   * every index whose device never ran out of room for one, it is version 3, which the releases before version 4 read
   * too: written as 4 always, every directory this release had flushed was refused by them as too new, for a field
   * that said nothing.
   */
  public static int versionOf(ManifestData m) {
    return m.mergesWaiting().isEmpty() ? OLDEST_VERSION : VERSION;
  }

  /** How many bitmaps end the body of a manifest of {@code version}: 3 before the leaves waiting for a merge. */
  private static int bitmaps(int version) {
    return version >= 4 ? 4 : 3;
  }

  public static void write(Path dir, ManifestData m) throws IOException {
    int version = versionOf(m);
    Buffer body = new Buffer();
    for (int v : new int[] {m.pageCapacity(), m.pagesPerLeaf(), m.fanout(), m.nextLeafId(), m.slotHighWater(),
        m.pageHighWater()}) {
      body.putInt(v);
    }
    body.putFloats(m.sketchCenter());
    body.putInt(m.leaves().size());
    for (ManifestData.LeafRecord l : m.leaves()) {
      body.putInt(l.id());
      body.putLong(l.version());
      body.putFloat(l.meanNorm());
      body.putInt(l.pages().length);
      for (int i = 0; i < l.pages().length; i++) {
        body.putInt(l.pages()[i]);
        body.putInt(l.counts()[i]);
        body.putInt(l.checksums()[i]);
      }
    }
    writeNode(body, m.root());
    RoaringBitmap[] all = {m.tombstones(), m.freePages(), m.freeSlots(), m.mergesWaiting()};
    for (RoaringBitmap b : Arrays.copyOf(all, bitmaps(version))) {
      b.runOptimize();
      ByteBuffer bb = ByteBuffer.allocate(b.serializedSizeInBytes());
      b.serialize(bb);
      body.putInt(bb.capacity());
      body.putBytes(bb.array());
    }
    byte[] header = new FileHeader(FORMAT, version, m.dim(), body.size(), 0).toBytes();
    CRC32C crc = new CRC32C();
    crc.update(body.array(), 0, body.size());
    ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());

    Path tmp = dir.resolve(TEMPORARY);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        writeFully(ch, ByteBuffer.wrap(header));
        writeFully(ch, ByteBuffer.wrap(body.array(), 0, body.size()));
        writeFully(ch, trailer);
        ch.force(true);
      }
      DurableFiles.atomicRename(tmp, dir.resolve(NAME));
    } catch (IOException | RuntimeException e) {
      DurableFiles.deleteAfterFailure(tmp, e);
      throw e;
    }
  }

  public static ManifestData read(Path dir) throws IOException {
    Path path = dir.resolve(NAME);
    // The header first: the file is read whole below, and its size, which no checksum covers, must not size the
    // array before the checksummed header has said how long the file is (past 2 GiB, an OutOfMemoryError).
    long size = Files.size(path);
    byte[] head;
    try (var stream = Files.newInputStream(path)) {
      head = stream.readNBytes(FileHeader.BYTES);
    }
    FileHeader h =
        FileHeader.read(path, java.lang.foreign.MemorySegment.ofArray(head), FORMAT, OLDEST_VERSION, VERSION);
    long bodyBytes = Integer.toUnsignedLong(h.param1());
    if (FileHeader.BYTES + bodyBytes + 4 != size || size > Integer.MAX_VALUE - 9) { // read below, with one more
      throw new CorruptIndexException(path, FileHeader.OFF_PARAM1, "header announces " + bodyBytes
          + " body bytes but the file has " + size + " bytes");
    }
    // Read to the size the header confirmed and no further: a file that grew since is not read whole.
    byte[] all = BoundedRead.readAtMost(path, (int) size, grown -> new CorruptIndexException(path, size,
        "the file changed while it was read: " + size + " bytes, then " + grown));
    if (all.length != size) {
      throw new CorruptIndexException(path, Math.min(all.length, size), "the file changed while it was read: "
          + size + " bytes, then " + all.length);
    }
    // The body holds the sketch center's dim floats: a larger dim is corrupt, and must not size an array.
    if (h.dim() < 1 || h.dim() > bodyBytes / Float.BYTES) {
      throw new CorruptIndexException(path, FileHeader.OFF_DIM, "dimension " + h.dim()
          + " is not positive or does not fit the "
          + bodyBytes + "-byte body");
    }
    ByteBuffer in = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(all, FileHeader.BYTES, (int) bodyBytes);
    if (in.getInt(all.length - 4) != (int) crc.getValue()) {
      throw new CorruptIndexException(path, all.length - 4, "body checksum mismatch");
    }
    in.position(FileHeader.BYTES).limit(all.length - 4);
    try {
      return readBody(in, h.dim(), h.version());
    } catch (RuntimeException | IOException e) { // IOException: a bitmap's deserialization, from memory, says malformed
      // Our own checks' messages say what is wrong; others (a buffer underflow) are named by their type.
      throw new CorruptIndexException(path, in.position(), "malformed body: "
          + (e instanceof IllegalStateException ? e.getMessage() : e.toString()));
    }
  }

  /** Where page entry {@code i} of a leaf record read from the file is. */
  public static long pageEntryAt(ManifestData.LeafRecord r, int i) {
    return r.offset() + 20 + 12L * i;
  }

  /** Where centroid value {@code i} of a routing node read from the file is. */
  public static long centroidAt(ManifestData.NodeRecord n, int i) {
    return n.offset() + 4 + 4L * i;
  }

  private static ManifestData readBody(ByteBuffer in, int dim, int version) throws IOException {
    int pageCapacity = in.getInt(), pagesPerLeaf = in.getInt(), fanout = in.getInt();
    int nextLeafId = in.getInt(), slotHighWater = in.getInt(), pageHighWater = in.getInt();
    float[] sketchCenter = getFloats(in, dim);
    int leafCount = readCount(in, 1, "leaf count");
    List<ManifestData.LeafRecord> leaves = new ArrayList<>(leafCount);
    for (int i = 0; i < leafCount; i++) {
      int offset = in.position();
      int id = in.getInt();
      long leafVersion = in.getLong();
      float meanNorm = in.getFloat();
      int pages = readCount(in, 12, "page count of leaf " + id);
      int[] p = new int[pages], c = new int[pages], k = new int[pages];
      for (int j = 0; j < pages; j++) {
        p[j] = in.getInt();
        c[j] = in.getInt();
        k[j] = in.getInt();
      }
      leaves.add(new ManifestData.LeafRecord(id, leafVersion, meanNorm, p, c, k, offset));
    }
    ManifestData.NodeRecord root = readNode(in, dim, 0);
    RoaringBitmap[] bitmaps = {null, null, null, new RoaringBitmap()}; // version 3: no leaf waits
    long[] bitmapOffsets = {0, 0, 0, ManifestData.NOT_READ};
    String[] names = {"tombstones", "free pages", "free slots", "merges waiting"};
    for (int i = 0; i < bitmaps(version); i++) {
      bitmapOffsets[i] = in.position();
      int len = readCount(in, 1, "bitmap length");
      ByteBuffer slice = in.slice(in.position(), len).order(ByteOrder.LITTLE_ENDIAN);
      bitmaps[i] = new RoaringBitmap();
      bitmaps[i].deserialize(slice);
      // Deserializing takes containers as they are: an unsorted one would answer contains() and intersects()
      // wrongly, and a free list naming a slot in use would pass the checks at open.
      if (!bitmaps[i].validate()) {
        throw new IllegalStateException("the " + names[i] + " bitmap is malformed");
      }
      in.position(in.position() + len);
    }
    if (in.hasRemaining()) {
      throw new IllegalStateException(in.remaining() + " trailing bytes");
    }
    return new ManifestData(dim, pageCapacity, pagesPerLeaf, fanout, nextLeafId, slotHighWater, pageHighWater,
        sketchCenter, leaves, root, bitmaps[0], bitmaps[1], bitmaps[2], bitmaps[3], bitmapOffsets);
  }

  private static void writeNode(Buffer out, ManifestData.NodeRecord n) {
    out.putInt(n.leafIds().length);
    out.putHalfFloatsWidened(n.centroids());
    for (int i = 0; i < n.leafIds().length; i++) {
      if (n.nodes()[i] == null) {
        out.putByte((byte) 0);
        out.putInt(n.leafIds()[i]);
      } else {
        out.putByte((byte) 1);
        writeNode(out, n.nodes()[i]);
      }
    }
  }

  private static ManifestData.NodeRecord readNode(ByteBuffer in, int dim, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("routing tree deeper than " + MAX_DEPTH);
    }
    int offset = in.position();
    int children = readCount(in, Math.max(1, 4 * dim), "child count");
    short[] centroids = getFloatsAsHalf(in, children * dim);
    int[] leafIds = new int[children];
    ManifestData.NodeRecord[] nodes = new ManifestData.NodeRecord[children];
    long[] childOffsets = new long[children];
    for (int i = 0; i < children; i++) {
      childOffsets[i] = in.position();
      byte tag = in.get();
      switch (tag) {
        case 0 -> leafIds[i] = in.getInt();
        case 1 -> nodes[i] = readNode(in, dim, depth + 1);
        default -> {
          in.position(in.position() - 1); // the error names the position: the tag's, not the byte after it
          throw new IllegalStateException("bad child tag " + tag);
        }
      }
    }
    return new ManifestData.NodeRecord(centroids, leafIds, nodes, offset, childOffsets);
  }

  /**
   * Reads a count of items of {@code unit} bytes, which the bytes left after it must hold; if they cannot, the
   * position is put back at the count before the error, which names the position: the count's, not the next
   * field's.
   */
  private static int readCount(ByteBuffer in, int unit, String what) {
    int at = in.position();
    int n = in.getInt();
    try {
      return checkCount(n, in.remaining() / unit, what);
    } catch (IllegalStateException e) {
      in.position(at);
      throw e;
    }
  }

  /** {@code n}, if it is in [0, max] (what the bytes left could hold), else the reason it is not. */
  private static int checkCount(int n, int max, String what) {
    if (n < 0 || n > max) {
      throw new IllegalStateException(what + " " + n + (n < 0 ? " is negative" : " is more than the bytes left hold, "
          + max));
    }
    return n;
  }

  private static short[] getFloatsAsHalf(ByteBuffer in, int n) {
    short[] h = new short[n];
    for (int i = 0; i < n; i++) {
      h[i] = Float.floatToFloat16(in.getFloat());
    }
    return h;
  }

  private static float[] getFloats(ByteBuffer in, int n) {
    checkCount(n, in.remaining() / Float.BYTES, "float count"); // before allocating
    float[] f = new float[n];
    in.asFloatBuffer().get(f);
    in.position(in.position() + 4 * n);
    return f;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** A growable little-endian byte buffer. */
  private static final class Buffer {
    private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    private void ensure(int n) {
      if (b.remaining() < n) {
        ByteBuffer g = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
        b.flip();
        g.put(b);
        b = g;
      }
    }

    void putByte(byte v) {
      ensure(1);
      b.put(v);
    }

    void putInt(int v) {
      ensure(4);
      b.putInt(v);
    }

    void putLong(long v) {
      ensure(8);
      b.putLong(v);
    }

    void putFloat(float v) {
      ensure(4);
      b.putFloat(v);
    }

    void putFloats(float[] f) {
      ensure(4 * f.length);
      b.asFloatBuffer().put(f);
      b.position(b.position() + 4 * f.length);
    }

    void putHalfFloatsWidened(short[] h) {
      ensure(4 * h.length);
      for (short x : h) {
        b.putFloat(Float.float16ToFloat(x));
      }
    }

    void putBytes(byte[] a) {
      ensure(a.length);
      b.put(a);
    }

    byte[] array() {
      return b.array();
    }

    int size() {
      return b.position();
    }
  }
}
