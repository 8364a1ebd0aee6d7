package dev.aeon.wal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Reads records back from the segment files, checking every frame again. */
final class Replayer {

  private Replayer() {}

  /**
   * Feeds {@code consumer} every caller record with an LSN in {@code (afterLsn, upToLsn]}, in order.
   *
   * @param live the log's segments, by first LSN, as a checkpoint changes them
   */
  static void replay(NavigableMap<Long, Path> live, long afterLsn, long upToLsn, RecordConsumer consumer)
      throws IOException {
    // A checkpoint may delete segments while this reads them: a copy keeps the order that was checked here. It is
    // copied entry by entry: TreeMap's copy of a sorted map takes the size first and then expects that many
    // entries, and failed with NoSuchElementException when a checkpoint took one off meanwhile.
    NavigableMap<Long, Path> segments = new TreeMap<>();
    for (Map.Entry<Long, Path> e : live.entrySet()) {
      segments.put(e.getKey(), e.getValue());
    }
    if (segments.isEmpty() || afterLsn >= upToLsn) {
      return;
    }
    long first = segments.firstKey();
    if (afterLsn + 1 < first) {
      throw new IllegalArgumentException("records before LSN " + first
          + " were deleted by a checkpoint; cannot replay from LSN " + (afterLsn + 1));
    }
    // Start at the last segment whose first LSN is at most afterLsn + 1.
    long expected = segments.floorKey(afterLsn + 1);
    for (Map.Entry<Long, Path> e : segments.tailMap(expected, true).entrySet()) {
      if (e.getKey() != expected) {
        throw new WalCorruptException(e.getValue(), 0, expected, "segment starts at LSN " + e.getKey());
      }
      try {
        expected = replaySegment(e.getValue(), expected, afterLsn, upToLsn, consumer);
      } catch (NoSuchFileException gone) {
        if (live.containsKey(e.getKey())) {
          throw gone; // lost, not checkpointed: a checkpoint takes a segment off the list before deleting it
        }
        throw new IllegalArgumentException("records from LSN " + expected + " were deleted by a checkpoint during"
            + " the replay; cannot replay from LSN " + (afterLsn + 1), gone);
      }
      if (expected > upToLsn) {
        return;
      }
    }
    throw new WalCorruptException(segments.lastEntry().getValue(), -1, expected,
        "the log ends before LSN " + upToLsn + " that it held when opened");
  }

  /** Replays one segment; returns the LSN expected next. */
  private static long replaySegment(Path file, long expected, long afterLsn, long upToLsn, RecordConsumer consumer)
      throws IOException {
    try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FrameReader r = new FrameReader(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
      long off = WalFormat.HEADER_SIZE;
      while (expected <= upToLsn) {
        FrameReader.Status status = r.check(off, expected);
        if (status == FrameReader.Status.END_OF_SEGMENT || status == FrameReader.Status.ZEROS) {
          return expected;
        }
        if (status != FrameReader.Status.VALID) {
          throw new WalCorruptException(file, off, expected, status.problem + " (found while replaying)");
        }
        byte type = r.type(off);
        if (expected > afterLsn && type >= 0) {
          consumer.accept(expected, type, r.payload(off).asByteBuffer().asReadOnlyBuffer());
        }
        off += WalFormat.frameSize(r.length(off));
        expected++;
      }
      return expected;
    }
  }
}
