package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.io.CorruptFileException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongPredicate;
import org.agrona.collections.LongArrayList;

/**
 * Copies the live blobs of a generation into a new one. Frames are copied verbatim (a frame carries its id,
 * so refs stay valid), each checked against its checksum on the way so
 * a damaged blob is reported instead of copied. The new generation is written under a temp name, forced, and
 * renamed into place: that rename is the moment it becomes authoritative.
 */
final class Collector {

  /** The new generation, already renamed into place, and its table. */
  record Collected(Generation generation, RefTable table, long kept, long dropped, long bytes) {}

  private Collector() {}

  static Collected collect(Path dir, Generation old, RefTable table, LongPredicate live,
                           long initialCapacity) throws IOException {
    MemorySegment src = old.data();
    LongArrayList ids = new LongArrayList();
    LongArrayList offsets = new LongArrayList();
    long[] bytes = {0};
    long total = table.size();
    table.forEachId(id -> {
      if (live.test(id)) {
        long at = table.get(id);
        ids.addLong(id);
        offsets.addLong(at);
        bytes[0] += Frames.frameLength(Frames.length(src, at));
      }
    });
    long number = old.number + 1;
    Path temp = Generation.tempFileFor(dir, number);
    Generation next = Generation.create(temp, number, Math.max(initialCapacity, ArenaHeader.DATA_START + bytes[0]),
        old.idLimit());
    try {
      RefTable newTable = copy(old, next, ids, offsets);
      next.commitUnpublished(old.idLimit());
      next.renameTo(Generation.fileFor(dir, number));
      return new Collected(next, newTable, ids.size(), total - ids.size(), bytes[0]);
    } catch (IOException | RuntimeException e) {
      next.closeNow();
      Files.deleteIfExists(next.path());
      throw e;
    }
  }

  /** Bytes gathered before one positional write into the new file. */
  private static final int STAGING_BYTES = 1 << 20;

  /**
   * Copies the frames through a staging buffer with positional writes rather than stores into a fresh
   * mapping: a store to a fresh page of a sparse mapped file costs a page fault and a block allocation,
   * one write of 1 MiB costs one system call.
   */
  private static RefTable copy(Generation old, Generation next, LongArrayList ids, LongArrayList offsets)
      throws IOException {
    MemorySegment src = old.data();
    RefTable newTable = new RefTable();
    long out = ArenaHeader.DATA_START;
    long lastId = 0;
    try (Arena staging = Arena.ofConfined()) {
      MemorySegment buffer = staging.allocate(STAGING_BYTES, 4096);
      long buffered = 0;
      for (int i = 0; i < ids.size(); i++) {
        long id = ids.getLong(i);
        long at = offsets.getLong(i);
        String problem = FrameScanner.problem(src, at, src.byteSize(), lastId);
        if (problem != null || Frames.id(src, at) != id) {
          throw new CorruptFileException(old.path(), at, problem != null ? problem : "frame is not blob " + id);
        }
        long length = Frames.frameLength(Frames.length(src, at));
        if (buffered + length > STAGING_BYTES) {
          next.write(buffer.asSlice(0, buffered), out - buffered);
          buffered = 0;
        }
        if (length > STAGING_BYTES) {
          next.write(src.asSlice(at, length), out);
        } else {
          MemorySegment.copy(src, at, buffer, buffered, length);
          buffered += length;
        }
        newTable.put(id, out);
        out += length;
        lastId = id;
      }
      next.write(buffer.asSlice(0, buffered), out - buffered);
    }
    next.setEnd(out);
    return newTable;
  }
}
