package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.lang.foreign.ValueLayout;
import dev.aeon.index.kernel.VectorKernels;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The FP32 sidecar ({@value #NAME}): a {@link FileHeader} ({@code param1} = record bytes) followed by
 * one record per slot as {@link VectorLayout} says. Memory-mapped: re-ranking reads the originals in
 * place, and the operating system keeps only the touched records resident.
 *
 * <p>Records appended at the file's end are first gathered in the writer's {@link Tail} and written to the file
 * together, one {@code pwrite} for up to {@value #TAIL_BYTES} bytes of them instead of one per insert: that call was a
 * tenth of the writer thread's time on the remember path (docs/benchmarks.md). Readers (re-ranking, exact scans,
 * {@link #read}) look in the tail first, so a record is theirs as soon as {@link #write} returns, as it was when
 * every write went to the page cache at once. {@link #force} and {@link #close} write the tail first, so a checkpoint
 * names only records in the file; a crash loses the tail as a power cut loses what the page cache held, and the
 * records after the last checkpoint come back from the log's replay.
 */
public final class VectorFile implements AutoCloseable {

  public static final String NAME = "atlas.vectors";
  private static final int CHUNK_BYTES = 64 << 20;
  /** How much of the file {@link #readChecks} reads at a time. */
  private static final int READ_BYTES = 1 << 20;
  /** The most a {@link Tail} holds before it is written to the file: a few dozen records of the usual dimensions. */
  static final int TAIL_BYTES = 128 << 10;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final VectorLayout layout;
  private final ChunkedMapping map;

  /** The writer's image of a record written in place, not at the file's end (its padding stays zero). */
  private final MemorySegment record;
  /** Records {@link #tail} holds at most. */
  private final int tailRecords;
  /** Slots from here on were never written (before the tail's are written to the file). Writer only. */
  private int end;
  /** The records appended since the last {@link #flush}, or null. Written under this file's lock. */
  private volatile Tail tail;

  private VectorFile(VectorLayout layout, ChunkedMapping map, int slots) {
    this.layout = layout;
    this.map = map;
    this.record = Arena.ofAuto().allocate(layout.recordBytes);
    this.tailRecords = Math.max(1, TAIL_BYTES / layout.recordBytes);
    this.end = slots;
  }

  /**
   * Records of the consecutive slots {@code [first, first + count)}, not yet in the file. Readers may still hold a
   * tail after it was written to the file, so a tail is never reused: the next one is a new allocation (one per
   * {@code tailRecords} appends), and the garbage collector frees the old one once no reader holds it.
   */
  private static final class Tail {

    final int first;
    final MemorySegment records;
    /** Raised after the record is in {@link #records}, so a reader that sees it sees the record. */
    volatile int count;

    Tail(int first, long bytes) {
      this.first = first;
      this.records = Arena.ofAuto().allocate(bytes, 16);
    }

    /** Where {@code slot}'s record is in {@link #records}, or -1 if it is not here. */
    long offset(int slot, int recordBytes) {
      int i = slot - first;
      return i >= 0 && i < count ? (long) i * recordBytes : -1;
    }
  }

  public static VectorFile create(Path dir, int dim) throws IOException {
    VectorLayout l = new VectorLayout(dim);
    FileHeader h = new FileHeader(VectorLayout.FORMAT, VectorLayout.VERSION, dim, l.recordBytes, 0);
    return new VectorFile(l, ChunkedMapping.create(dir.resolve(NAME), h, l.recordBytes, CHUNK_BYTES), 0);
  }

  public static VectorFile open(Path dir, int dim, int slots) throws IOException {
    VectorLayout l = new VectorLayout(dim);
    Path path = dir.resolve(NAME);
    ChunkedMapping map = ChunkedMapping.open(path, l.recordBytes, CHUNK_BYTES, slots);
    try {
      FileHeader h = FileHeader.read(path, map.header(), VectorLayout.FORMAT, VectorLayout.VERSION,
          VectorLayout.VERSION);
      if (h.dim() != dim || h.param1() != l.recordBytes) {
        throw new CorruptIndexException(path, FileHeader.OFF_DIM, "header says dim " + h.dim() + " and "
            + h.param1() + "-byte records; the manifest says dim " + dim);
      }
    } catch (IOException e) {
      map.close();
      throw e;
    }
    return new VectorFile(l, map, slots);
  }

  public int dim() {
    return layout.dim;
  }

  /**
   * Writes the record of {@code slot} (not through the mapping, see {@link ChunkedMapping}): into the tail if the slot
   * is at the file's end or the tail holds it, else into the file. The slot must not be reachable by readers yet.
   * Writer only.
   */
  public synchronized void write(int slot, long id, float[] v) {
    map.ensureUnits(slot + 1); // the record's room in the file now, so that a full device fails this insert
    Tail t = tail;
    long at = t == null ? -1 : t.offset(slot, layout.recordBytes);
    if (at >= 0) { // written again (an insert that failed for want of room named the slot first)
      fill(t.records, at, id, v);
    } else if (t != null && slot == t.first + t.count && t.count < tailRecords) {
      fill(t.records, (long) t.count * layout.recordBytes, id, v);
      t.count++;
    } else if (slot >= end) {
      flush();
      t = new Tail(slot, (long) tailRecords * layout.recordBytes);
      fill(t.records, 0, id, v);
      t.count = 1;
      tail = t;
    } else { // a freed slot taken again: in place
      fill(record, 0, id, v);
      map.write(slot, 0, record);
    }
    end = Math.max(end, slot + 1);
  }

  /** Lays out the record of {@code id} and {@code v} at byte {@code at} of {@code dst}. */
  private void fill(MemorySegment dst, long at, long id, float[] v) {
    dst.set(LONG, at + VectorLayout.OFF_ID, id);
    MemorySegment.copy(v, 0, dst, PageFile.FLOAT, at + VectorLayout.OFF_FLOATS, layout.dim);
    dst.set(PageFile.INT, at + VectorLayout.OFF_CRC, crc(dst.asSlice(at, layout.recordBytes).asByteBuffer()));
    dst.set(PageFile.INT, at + VectorLayout.OFF_FLAGS, VectorLayout.FLAG_WRITTEN);
  }

  /**
   * Writes the tail's records to the file in one call; readers that took the tail before still read it, those after
   * read the file, which has the same bytes.
   */
  public synchronized void flush() {
    Tail t = tail;
    if (t != null) {
      map.write(t.first, 0, t.records.asSlice(0, (long) t.count * layout.recordBytes));
      tail = null;
    }
  }

  /**
   * The mapped chunk holding {@code slot}'s record in the file; pair with {@link #floatsOffset}. A record still in
   * the tail is not there yet: for prefetching only; {@link #dot} and {@link #read} read the record.
   */
  public MemorySegment segment(int slot) {
    return map.segment(slot);
  }

  public long floatsOffset(int slot) {
    return map.offset(slot) + VectorLayout.OFF_FLOATS;
  }

  /** The dot product of {@code q} (at its start) with the floats of {@code slot}. */
  public float dot(VectorKernels kernels, MemorySegment q, int slot) {
    Tail t = tail;
    long at = t == null ? -1 : t.offset(slot, layout.recordBytes);
    return at >= 0 ? kernels.dotF32(q, 0, t.records, at + VectorLayout.OFF_FLOATS, layout.dim)
        : kernels.dotF32(q, 0, map.segment(slot), floatsOffset(slot), layout.dim);
  }

  public long id(int slot) {
    Tail t = tail;
    long at = t == null ? -1 : t.offset(slot, layout.recordBytes);
    return at >= 0 ? t.records.get(LONG, at + VectorLayout.OFF_ID)
        : map.segment(slot).get(LONG, map.offset(slot) + VectorLayout.OFF_ID);
  }

  public void read(int slot, float[] out) {
    read(slot, out, 0);
  }

  /** Reads the floats of {@code slot} into {@code out[at, at + dim)}. */
  public void read(int slot, float[] out, int at) {
    Tail t = tail;
    long in = t == null ? -1 : t.offset(slot, layout.recordBytes);
    if (in >= 0) {
      MemorySegment.copy(t.records, PageFile.FLOAT, in + VectorLayout.OFF_FLOATS, out, at, layout.dim);
    } else {
      MemorySegment.copy(map.segment(slot), PageFile.FLOAT, floatsOffset(slot), out, at, layout.dim);
    }
  }

  /** The calls that wrote the file since it was opened (tests: writes per insert). */
  long writes() {
    return map.writes();
  }

  /**
   * Reads the records of slots {@code [0, slots)} in file order through a file channel and notes, for each,
   * whether it was written, whether its checksum holds, and its id; {@link RecordChecks#verify} then checks
   * the records a page names. Opening checks every live record: touching each through the mapping made
   * the kernel map the whole file into the process's page tables one fault at a time, most of an open's
   * time (160 MB at 100,000 vectors of 384 dimensions), while re-ranking touches only a few records.
   */
  public RecordChecks readChecks(int slots) throws IOException {
    flush(); // read through a channel of its own, not the tail
    RecordChecks checks = new RecordChecks(slots);
    int recordBytes = layout.recordBytes;
    // From an arena of its own, freed here: a direct buffer would wait for a collection, and a server opens
    // a namespace at the first command after each idle close.
    try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(map.path(), StandardOpenOption.READ)) {
      ByteBuffer buffer = arena.allocate((long) Math.max(1, READ_BYTES / recordBytes) * recordBytes).asByteBuffer()
          .order(ByteOrder.LITTLE_ENDIAN);
      int slot = 0;
      while (slot < slots) {
        int n = Math.min(slots - slot, buffer.capacity() / recordBytes);
        buffer.clear().limit(n * recordBytes);
        long position = map.fileOffset(slot);
        while (buffer.hasRemaining()) {
          int read = ch.read(buffer, position + buffer.position());
          if (read < 0) {
            throw new CorruptIndexException(map.path(), position + buffer.position(),
                "the file ends inside vector record "
                + (slot + buffer.position() / recordBytes) + " of " + slots);
          }
        }
        for (int i = 0; i < n; i++, slot++) {
          int b = i * recordBytes;
          long id = buffer.getLong(b + VectorLayout.OFF_ID);
          checks.note(slot, id, buffer.getInt(b + VectorLayout.OFF_FLAGS) == VectorLayout.FLAG_WRITTEN,
              buffer.getInt(b + VectorLayout.OFF_CRC) == crc(buffer.slice(b, recordBytes)));
        }
      }
    }
    return checks;
  }

  /** What {@link #readChecks} found in each record. */
  public final class RecordChecks {

    private static final byte SOUND = 0;
    private static final byte NEVER_WRITTEN = 1;
    private static final byte BAD_CHECKSUM = 2;

    private final long[] ids;
    private final byte[] states;

    private RecordChecks(int slots) {
      ids = new long[slots];
      states = new byte[slots];
    }

    private void note(int slot, long id, boolean written, boolean checksumHolds) {
      ids[slot] = id;
      states[slot] = !written ? NEVER_WRITTEN : checksumHolds ? SOUND : BAD_CHECKSUM;
    }

    /** Checks the record of {@code slot}, one of those read: written, checksum, and (if {@code id >= 0}) its id. */
    public void verify(int slot, long id) throws CorruptIndexException {
      if (states[slot] == NEVER_WRITTEN) {
        throw new CorruptIndexException(map.path(), map.fileOffset(slot), "vector record " + slot
            + " was never written");
      }
      if (states[slot] == BAD_CHECKSUM) {
        throw new CorruptIndexException(map.path(), map.fileOffset(slot), "checksum mismatch in vector record " + slot);
      }
      if (id >= 0 && ids[slot] != id) {
        throw new CorruptIndexException(map.path(), map.fileOffset(slot), "vector record " + slot + " holds id "
            + ids[slot] + ", the page says " + id);
      }
    }
  }

  /** The checksum of one record (its id and floats), given as a buffer that starts at the record. */
  private int crc(ByteBuffer record) {
    CRC32C c = new CRC32C();
    c.update(record.slice(VectorLayout.OFF_ID, 8));
    c.update(record.slice(VectorLayout.OFF_FLOATS, 4 * layout.dim));
    return (int) c.getValue();
  }


  /** Writes the tail to the file, then the file to the device; any thread (a checkpoint's, beside the writer). */
  public void force() throws IOException {
    try {
      flush();
    } catch (UncheckedIOException e) {
      throw e.getCause(); // a checkpoint's failure, as the force's own would be
    }
    map.force();
  }

  @Override
  public synchronized void close() throws IOException {
    try (map) {
      flush();
    }
  }
}
