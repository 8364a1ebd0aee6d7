package dev.aeon.index.atlas.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The FP32 sidecar ({@value #NAME}): a {@link FileHeader} ({@code param1} = record bytes) followed by
 * one record per slot as {@link VectorLayout} says. Memory-mapped: re-ranking reads the originals in
 * place, and the operating system keeps only the touched records resident.
 */
public final class VectorFile implements AutoCloseable {

  public static final String NAME = "atlas.vectors";
  private static final int CHUNK_BYTES = 64 << 20;
  /** How much of the file {@link #readChecks} reads at a time. */
  private static final int READ_BYTES = 1 << 20;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final VectorLayout layout;
  private final ChunkedMapping map;

  /** The writer's image of a record, written to the file in one call (its padding stays zero). */
  private final MemorySegment record;

  private VectorFile(VectorLayout layout, ChunkedMapping map) {
    this.layout = layout;
    this.map = map;
    this.record = Arena.ofAuto().allocate(layout.recordBytes);
  }

  public static VectorFile create(Path dir, int dim) throws IOException {
    VectorLayout l = new VectorLayout(dim);
    FileHeader h = new FileHeader(VectorLayout.FORMAT, VectorLayout.VERSION, dim, l.recordBytes, 0);
    return new VectorFile(l, ChunkedMapping.create(dir.resolve(NAME), h, l.recordBytes, CHUNK_BYTES));
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
    return new VectorFile(l, map);
  }

  public int dim() {
    return layout.dim;
  }

  /**
   * Writes the record of {@code slot} (not through the mapping, see {@link ChunkedMapping}); the slot must
   * not be reachable by readers yet. Writer only.
   */
  public void write(int slot, long id, float[] v) {
    map.ensureUnits(slot + 1);
    record.set(LONG, VectorLayout.OFF_ID, id);
    MemorySegment.copy(v, 0, record, PageFile.FLOAT, VectorLayout.OFF_FLOATS, layout.dim);
    record.set(PageFile.INT, VectorLayout.OFF_CRC, crc(record.asByteBuffer()));
    record.set(PageFile.INT, VectorLayout.OFF_FLAGS, VectorLayout.FLAG_WRITTEN);
    map.write(slot, 0, record);
  }

  /** The segment holding the floats of {@code slot}; pair with {@link #floatsOffset}. */
  public MemorySegment segment(int slot) {
    return map.segment(slot);
  }

  public long floatsOffset(int slot) {
    return map.offset(slot) + VectorLayout.OFF_FLOATS;
  }

  public long id(int slot) {
    return map.segment(slot).get(LONG, map.offset(slot) + VectorLayout.OFF_ID);
  }

  public void read(int slot, float[] out) {
    read(slot, out, 0);
  }

  /** Reads the floats of {@code slot} into {@code out[at, at + dim)}. */
  public void read(int slot, float[] out, int at) {
    MemorySegment.copy(map.segment(slot), PageFile.FLOAT, floatsOffset(slot), out, at, layout.dim);
  }

  /**
   * Reads the records of slots {@code [0, slots)} in file order through a file channel and notes, for each,
   * whether it was written, whether its checksum holds, and its id; {@link RecordChecks#verify} then checks
   * the records a page names. Opening checks every live record: touching each through the mapping made
   * the kernel map the whole file into the process's page tables one fault at a time, most of an open's
   * time (160 MB at 100,000 vectors of 384 dimensions), while re-ranking touches only a few records.
   */
  public RecordChecks readChecks(int slots) throws IOException {
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


  public void force() throws IOException {
    map.force();
  }

  @Override
  public void close() throws IOException {
    map.close();
  }
}
