package dev.aeon.wal;

import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The file naming the last checkpointed LSN; layout in {@link WalFormat}. */
final class CheckpointFile {

  /** Where a new checkpoint is written before it is renamed into place; one found at open is a crash's part. */
  static final String TEMPORARY = WalFormat.CHECKPOINT_FILE + ".tmp";

  private CheckpointFile() {}

  /** The checkpointed LSN stored in {@code dir}, or 0 if the WAL has never been checkpointed. */
  static long read(Path dir) throws IOException {
    Path file = dir.resolve(WalFormat.CHECKPOINT_FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      String problem = WalFormat.checkPreamble(m, file, WalFormat.CHECKPOINT_SIZE, WalFormat.CHECKPOINT_FORMAT_NAME,
          WalFormat.CHECKPOINT_VERSION, WalFormat.CHECKPOINT_VERSION, WalFormat.CHECKPOINT_CRC);
      if (problem != null) {
        // Written whole and forced before it was renamed into place: damage here is never a torn write.
        throw new WalCorruptException(file, 0, -1, "checkpoint " + problem);
      }
      if (m.byteSize() != WalFormat.CHECKPOINT_SIZE) {
        // Written whole at its size and renamed into place: more bytes are not ours to ignore.
        throw new WalCorruptException(file, WalFormat.CHECKPOINT_SIZE, -1, "checkpoint file is " + m.byteSize()
            + " bytes, not " + WalFormat.CHECKPOINT_SIZE);
      }
      long lsn = m.get(WalFormat.LONG, WalFormat.CHECKPOINT_LSN);
      if (lsn < 0) {
        throw new WalCorruptException(file, WalFormat.CHECKPOINT_LSN, lsn, "negative checkpoint LSN");
      }
      if (lsn == Long.MAX_VALUE) {
        // Replay starts at the LSN after it, which overflows: recovery then took the log for one missing segments
        throw new WalCorruptException(file, WalFormat.CHECKPOINT_LSN, lsn, "the checkpoint names LSN " + lsn
            + ", which no log can reach: the checkpoint file is damaged");
      }
      return lsn;
    }
  }

  /**
   * Durably replaces the checkpoint with {@code lsn}: temporary file, force, atomic rename, force directory. A
   * temporary that could not be written whole or renamed is deleted: on a full device it holds a block the other
   * stores need, and it names nothing.
   */
  static void write(Path dir, long lsn, ChannelOpener opener) throws IOException {
    Path tmp = dir.resolve(TEMPORARY);
    try {
      try (FileChannel ch = opener.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        ByteBuffer b = WalFormat.encodeCheckpoint(lsn, System.currentTimeMillis());
        while (b.hasRemaining()) {
          ch.write(b, b.position());
        }
        ch.force(true);
      }
      Files.move(tmp, dir.resolve(WalFormat.CHECKPOINT_FILE), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      DurableFiles.deleteAfterFailure(tmp, e);
      throw e;
    }
    SegmentDirectory.syncDirectory(dir, opener);
  }
}
