package dev.aeon.query.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The 32-byte header every trace file starts with (little-endian).
 *
 * <pre>
 *  0        4                        20        24        28        32
 *  +--------+------------------------+---------+---------+---------+
 *  | magic  | format name (16 ASCII) | version | param   | CRC32C  |
 *  +--------+------------------------+---------+---------+---------+
 * </pre>
 * {@code param} is format-specific (the record size of fixed-record files, the meta generation of the
 * checkpoint); the CRC covers bytes 0..27.
 */
final class FileHeader {

  static final int MAGIC = 0x4145_4F4E; // "AEON"
  static final int MAGIC_OFFSET = 0;
  static final int NAME_OFFSET = 4;
  static final int NAME_LENGTH = 16;
  static final int VERSION_OFFSET = 20;
  static final int PARAM_OFFSET = 24;
  static final int CRC_OFFSET = 28;
  static final int LENGTH = 32;

  /** The format version of every trace file but the checkpoint ({@link CheckpointDescriptor#VERSION}). */
  static final int VERSION = 1;

  private FileHeader() {}

  static ByteBuffer write(String format, int param) {
    return write(format, VERSION, param);
  }

  static ByteBuffer write(String format, int version, int param) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC_OFFSET, MAGIC);
    byte[] name = format.getBytes(StandardCharsets.US_ASCII);
    b.put(NAME_OFFSET, name, 0, Math.min(name.length, NAME_LENGTH));
    b.putInt(VERSION_OFFSET, version);
    b.putInt(PARAM_OFFSET, param);
    b.putInt(CRC_OFFSET, crc(b, 0, CRC_OFFSET));
    return b;
  }

  /** Checks a header read from {@code file} of version {@link #VERSION}; returns its param. */
  static int verify(Path file, ByteBuffer b, String format) throws IOException {
    return verify(file, b, format, VERSION, VERSION);
  }

  /** Checks a header read from {@code file} of a version from {@code oldest} to {@code newest}; returns its param. */
  static int verify(Path file, ByteBuffer b, String format, int oldest, int newest) throws IOException {
    if (b.remaining() < LENGTH) {
      throw new TraceCorruptException(file, 0, "file too short for its header (" + b.remaining() + " bytes)");
    }
    b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(MAGIC_OFFSET) != MAGIC) {
      throw new TraceCorruptException(file, MAGIC_OFFSET, "bad magic, not an Aeon file");
    }
    // The checksum first: a damaged name would be reported as another format (and a flipped bit in its
    // padding printed as the expected name).
    if (b.getInt(CRC_OFFSET) != crc(b, 0, CRC_OFFSET)) {
      throw new TraceCorruptException(file, CRC_OFFSET, "header checksum mismatch");
    }
    byte[] name = new byte[NAME_LENGTH];
    b.get(NAME_OFFSET, name);
    String found = new String(name, StandardCharsets.US_ASCII).replace("\0", "");
    if (!found.equals(format)) {
      throw new TraceCorruptException(file, NAME_OFFSET, "format '" + found + "', expected '" + format + "'");
    }
    int version = b.getInt(VERSION_OFFSET);
    if (version < oldest) {
      throw new TraceVersionException.TooOld(file, version, oldest);
    }
    if (version > newest) {
      throw new TraceVersionException.TooNew(file, version, newest);
    }
    return b.getInt(PARAM_OFFSET);
  }

  /** The version of a header that {@link #verify} accepted. */
  static int version(ByteBuffer b) {
    return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(VERSION_OFFSET);
  }

  static int crc(ByteBuffer b, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().limit(to).position(from));
    return (int) crc.getValue();
  }
}
