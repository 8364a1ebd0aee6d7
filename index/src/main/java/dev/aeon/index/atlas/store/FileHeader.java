package dev.aeon.index.atlas.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The 64-byte header every Atlas file starts with.
 *
 * <pre>
 *  0               8                        24        28     32       36       40            60      64
 *  +---------------+------------------------+---------+------+--------+--------+-------------+-------+
 *  | magic         | format name (ASCII,    | version | dim  | param1 | param2 | reserved (0)| crc32c|
 *  | "AEONATLS"    |  NUL-padded, 16 bytes) |  int    | int  |  int   |  int   |  20 bytes   |  int  |
 *  +---------------+------------------------+---------+------+--------+--------+-------------+-------+
 * </pre>
 * All integers little-endian; the CRC32C covers bytes [0, 60). {@code param1}/{@code param2} mean what
 * the file's own descriptor says (e.g. page size and vectors per page).
 */
public record FileHeader(String format, int version, int dim, int param1, int param2) {

  public static final int BYTES = 64;
  public static final long MAGIC = 0x534C54414E4F4541L; // "AEONATLS" read as a little-endian long
  static final int OFF_MAGIC = 0;
  static final int OFF_FORMAT = 8;
  static final int FORMAT_BYTES = 16;
  static final int OFF_VERSION = 24;
  static final int OFF_DIM = 28;
  static final int OFF_PARAM1 = 32;
  static final int OFF_PARAM2 = 36;
  static final int OFF_CRC = 60;

  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  public FileHeader {
    if (format.length() > FORMAT_BYTES) {
      throw new IllegalArgumentException("format name longer than " + FORMAT_BYTES + ": " + format);
    }
  }

  /** Writes this header at offset 0 of {@code s}. */
  public void writeTo(MemorySegment s) {
    MemorySegment h = s.asSlice(0, BYTES);
    h.fill((byte) 0);
    h.set(LONG, OFF_MAGIC, MAGIC);
    byte[] name = format.getBytes(StandardCharsets.US_ASCII);
    MemorySegment.copy(MemorySegment.ofArray(name), 0, h, OFF_FORMAT, name.length);
    h.set(INT, OFF_VERSION, version);
    h.set(INT, OFF_DIM, dim);
    h.set(INT, OFF_PARAM1, param1);
    h.set(INT, OFF_PARAM2, param2);
    h.set(INT, OFF_CRC, crc(h));
  }

  public byte[] toBytes() {
    byte[] b = new byte[BYTES];
    writeTo(MemorySegment.ofArray(b));
    return b;
  }

  /** Reads and checks the header of {@code file}: magic, checksum, format name and version range. */
  public static FileHeader read(Path file, MemorySegment s, String expectedFormat, int oldest, int newest)
      throws java.io.IOException {
    if (s.byteSize() < BYTES) {
      throw new CorruptIndexException(file, 0, "file of " + s.byteSize() + " bytes is shorter than its header");
    }
    if (s.get(LONG, OFF_MAGIC) != MAGIC) {
      throw new CorruptIndexException(file, OFF_MAGIC, "bad magic, not an Atlas file");
    }
    if (s.get(INT, OFF_CRC) != crc(s.asSlice(0, BYTES))) {
      throw new CorruptIndexException(file, OFF_CRC, "header checksum mismatch");
    }
    byte[] name = s.asSlice(OFF_FORMAT, FORMAT_BYTES).toArray(ValueLayout.JAVA_BYTE);
    int len = 0;
    while (len < name.length && name[len] != 0) {
      len++;
    }
    String format = new String(name, 0, len, StandardCharsets.US_ASCII);
    if (!format.equals(expectedFormat)) {
      throw new CorruptIndexException(file, OFF_FORMAT, "format '" + format + "', expected '" + expectedFormat + "'");
    }
    int version = s.get(INT, OFF_VERSION);
    if (version < oldest) {
      throw new FormatTooOldException(file, version, oldest);
    }
    if (version > newest) {
      throw new FormatTooNewException(file, version, newest);
    }
    return new FileHeader(format, version, s.get(INT, OFF_DIM), s.get(INT, OFF_PARAM1), s.get(INT, OFF_PARAM2));
  }

  private static int crc(MemorySegment header) {
    CRC32C c = new CRC32C();
    c.update(header.asSlice(0, OFF_CRC).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
    return (int) c.getValue();
  }
}
