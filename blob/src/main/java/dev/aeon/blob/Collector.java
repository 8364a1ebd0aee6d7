package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import org.agrona.collections.LongArrayList;

/**
 * Copies the live blobs of a generation into a new one, in three steps so that writers wait only for the
 * first and the last: {@link #snapshot} lists the frames to copy (under the arena's write lock), {@link #copy}
 * copies them into a new file under a temp name (without the lock; the arena goes on appending and freeing
 * in the old one), and {@link Copy#finish} (under the lock again) drops what was freed meanwhile, copies what
 * was appended meanwhile, forces the file and renames it into place: that rename is the moment it becomes
 * authoritative. Frames are copied verbatim (a frame carries its id, so refs stay valid), each checked
 * against its checksum on the way so a damaged blob is reported instead of copied.
 */
final class Collector {

  /**
   * The new generation, already renamed into place, and its table; {@code freeBlobs}/{@code freeBytes} are
   * the frames it holds as FREE (blobs freed during the copy), which take space until the next collection.
   */
  record Collected(Generation generation, RefTable table, long kept, long dropped, long bytes, long freeBlobs,
                   long freeBytes) {}

  /**
   * The frames to copy: ids (ascending) and offsets in {@code data}, the old generation's mapping when the
   * snapshot was taken, their bytes, and the first id the arena had not handed out yet.
   */
  record Snapshot(Generation old, MemorySegment data, LongArrayList ids, LongArrayList offsets, long bytes,
                  long dropped, long nextId) {}

  /**
   * A collection given up because the arena is closing: its copy is deleted, and {@code close} waits for it to
   * end before it releases the directory.
   */
  static final class Cancelled extends IllegalStateException {
    Cancelled(Path dir) {
      super("blob arena " + dir + " was closed during a garbage collection");
    }
  }

  /** Bytes gathered before one positional write into the new file. */
  private static final int STAGING_BYTES = 1 << 20;

  private Collector() {}

  /**
   * Deletes a new generation file that was renamed into place and then given up, and syncs the directory:
   * once this returns, no crash can bring the file back to win the next open.
   */
  static void withdraw(Path file, Generation.DirectorySync sync) throws IOException {
    Files.deleteIfExists(file);
    Uninterruptibly.run(() -> sync.sync(file.toAbsolutePath().getParent()));
  }

  /** Under the write lock: the blobs of {@code table} that {@code live} keeps. */
  static Snapshot snapshot(Generation old, RefTable table, LongPredicate live, long nextId) {
    MemorySegment data = old.data();
    LongArrayList ids = new LongArrayList();
    LongArrayList offsets = new LongArrayList();
    long[] bytes = {0};
    table.forEachId(id -> {
      if (live.test(id)) {
        long at = table.get(id);
        ids.addLong(id);
        offsets.addLong(at);
        bytes[0] += Frames.frameLength(Frames.length(data, at));
      }
    });
    return new Snapshot(old, data, ids, offsets, bytes[0], table.size() - ids.size(), nextId);
  }

  /**
   * Without the lock, inside an epoch guard that keeps {@code s.data()} mapped: copies the snapshot's frames
   * into a new generation under a temp name. Gives up with {@link Cancelled}, deleting the copy, as soon as
   * {@code closing} says the arena is closing (checked before each frame).
   */
  static Copy copy(Path dir, Snapshot s, long initialCapacity, Generation.DirectorySync sync, BooleanSupplier closing)
      throws IOException {
    long number = s.old().number + 1;
    Generation next = Generation.create(Generation.tempFileFor(dir, number), number,
        Math.max(initialCapacity, ArenaHeader.DATA_START + s.bytes()), s.old().idLimit());
    Copy c = new Copy(s.old(), next, sync, closing);
    try {
      c.append(s.data(), s.ids(), s.offsets());
      return c;
    } catch (IOException | RuntimeException e) {
      c.abandon(e);
      throw e;
    }
  }

  /** A new generation being filled, not visible to anyone yet. */
  static final class Copy {
    private final Generation old;
    private final Generation next;
    private final Generation.DirectorySync sync;
    private final RefTable table = new RefTable();
    private long end = ArenaHeader.DATA_START;
    private long bytes;
    private long lastId;
    private final BooleanSupplier closing;
    private Path notWithdrawn;

    private Copy(Generation old, Generation next, Generation.DirectorySync sync, BooleanSupplier closing) {
      this.old = old;
      this.next = next;
      this.sync = sync;
      this.closing = closing;
    }

    /**
     * Under the write lock: drops the blobs freed since the snapshot ({@code freed}; their copies are marked
     * free and zeroed), copies those appended since ({@code current} refs from {@code s.nextId()} up to
     * {@code nextId}, read from the old generation's current {@code data}), then forces the new generation
     * and renames it into place.
     */
    Collected finish(Snapshot s, LongArrayList freed, MemorySegment data, RefTable current, long nextId)
        throws IOException {
      try {
        long dropped = s.dropped();
        long[] erase = new long[freed.size()];
        int erased = 0;
        long freeBytes = 0;
        for (int i = 0; i < freed.size(); i++) {
          long at = table.remove(freed.getLong(i));
          if (at != 0) {
            Frames.markFree(next.data(), at);
            erase[erased++] = at;
            long length = Frames.frameLength(Frames.length(next.data(), at));
            bytes -= length;
            freeBytes += length;
            dropped++;
          }
        }
        next.erase(java.util.Arrays.copyOf(erase, erased));
        LongArrayList ids = new LongArrayList();
        LongArrayList offsets = new LongArrayList();
        for (long id = s.nextId(); id < nextId; id++) {
          long at = current.get(id);
          if (at != 0) {
            ids.addLong(id);
            offsets.addLong(at);
          }
        }
        append(data, ids, offsets);
        next.commitUnpublished(old.idLimit());
        next.renameTo(Generation.fileFor(old.path().getParent(), next.number), sync);
        return new Collected(next, table, table.size(), dropped, bytes, erased, freeBytes);
      } catch (IOException | RuntimeException e) {
        abandon(e);
        throw e;
      }
    }

    /**
     * Closes and deletes the unfinished generation; the old one stays authoritative. If it was renamed into
     * place already (the directory's sync after the rename failed), that name may be durable all the same: a
     * crash that kept it would make this file win the next open over the old generation, which the arena goes
     * on in. So its deletion is synced too; if that fails, {@link #notWithdrawn} names the file. What fails on
     * the way is added to {@code cause}, the failure the collection is given up for, as suppressed: dropped, it
     * left the one who reads the failure no way to tell that the file stayed behind, or why.
     */
    void abandon(Throwable cause) {
      try {
        next.closeNow();
      } catch (IOException e) {
        cause.addSuppressed(e); // the file goes all the same
      }
      if (Generation.numberOf(next.path(), true) >= 0) {
        try {
          Files.deleteIfExists(next.path());
        } catch (IOException e) {
          cause.addSuppressed(e); // opening the arena deletes a leftover temp file
        }
        return;
      }
      try {
        withdraw(next.path(), sync);
      } catch (IOException e) {
        cause.addSuppressed(e);
        notWithdrawn = next.path();
      }
    }

    /** The renamed file that {@link #abandon} could not durably delete, or null. */
    Path notWithdrawn() {
      return notWithdrawn;
    }

    /**
     * Appends the frames at {@code offsets} of {@code src} through a staging buffer with positional writes
     * rather than stores into a fresh mapping: a store to a fresh page of a sparse mapped file costs a page
     * fault and a block allocation, one write of 1 MiB costs one system call.
     */
    private void append(MemorySegment src, LongArrayList ids, LongArrayList offsets) throws IOException {
      long needed = end;
      for (int i = 0; i < offsets.size(); i++) {
        needed += Frames.frameLength(Frames.length(src, offsets.getLong(i)));
      }
      if (needed > next.capacity()) {
        next.grow(needed).close(); // nobody else has seen the new generation's mapping
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment buffer = arena.allocate(STAGING_BYTES, 4096);
        long buffered = 0;
        for (int i = 0; i < ids.size(); i++) {
          if (closing.getAsBoolean()) {
            throw new Cancelled(old.path().getParent());
          }
          long id = ids.getLong(i);
          long at = offsets.getLong(i);
          // A blob freed during the copy may be caught with its state and checksum half rewritten: it is
          // copied as it is, and finish marks it freed in the new file
          String problem = FrameScanner.problem(src, at, src.byteSize(), lastId, false);
          if (problem != null && Frames.state(src, at) == Frames.FREE) {
            problem = null;
          }
          if (problem != null || Frames.id(src, at) != id) {
            throw new CorruptFileException(old.path(), at, problem != null ? problem : "frame is not blob " + id);
          }
          long length = Frames.frameLength(Frames.length(src, at));
          if (buffered + length > STAGING_BYTES) {
            next.write(buffer.asSlice(0, buffered), end - buffered);
            buffered = 0;
          }
          if (length > STAGING_BYTES) {
            next.write(src.asSlice(at, length), end);
          } else {
            MemorySegment.copy(src, at, buffer, buffered, length);
            buffered += length;
          }
          table.put(id, end);
          end += length;
          bytes += length;
          lastId = id;
        }
        next.write(buffer.asSlice(0, buffered), end - buffered);
      }
      next.setEnd(end);
    }
  }
}
