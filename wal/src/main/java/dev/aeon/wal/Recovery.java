package dev.aeon.wal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Opening scan of a WAL directory: checks every header and frame, finds the last checkpoint and the end
 * of the log, and decides whether damage is a torn tail (cut off) or corruption (refused).
 *
 * <p>Damage at LSN {@code n} is corruption when some intact record after it carries a forced LSN of at
 * least {@code n} (that record was written after {@code n} had been forced, so {@code n} was durable and
 * has since been damaged), or when the checkpoint covers {@code n} (a checkpoint forces the log first). Otherwise the
 * damage lies after the last force, where a crash may leave anything, and everything from it on is cut off. A damaged
 * segment header is always corruption, since headers are forced before their segment gets its name; so is a segment
 * shorter than its header says (segments are preallocated in full before they are named), unless the next segment goes
 * on from its last record.
 */
final class Recovery {

  private static final System.Logger LOG = System.getLogger(Wal.class.getName());

  /** Where recovery stopped, if before the clean end of the log; {@code cutShort} if the file ended there. */
  private record Stop(int segment, long offset, long lsn, String problem, boolean cutShort) {}

  /** Intact-looking frames found after a stop, and the highest forced LSN any of them names. */
  private record Evidence(int records, long maxForcedLsn, long lsnOfMax) {}

  /**
   * The recovered state.
   *
   * @param segments the segments to keep, by first LSN
   * @param lastLsn newest intact LSN (first LSN of the first segment minus one when it has no records)
   * @param checkpointLsn last checkpointed LSN
   * @param tailOffset where the next record goes in the last segment
   */
  record Result(ConcurrentSkipListMap<Long, Path> segments, long lastLsn, long checkpointLsn, long tailOffset,
      RecoveryReport report) {}

  private final boolean readOnly;
  private final ChannelOpener opener;
  private final Path[] paths;
  private final long[] firsts;
  private final FrameReader[] readers;
  private final long[] dataEnd;
  private final long checkpointLsn;
  private long expected;

  private Recovery(ConcurrentSkipListMap<Long, Path> found, long checkpointLsn, boolean readOnly,
      ChannelOpener opener) {
    this.checkpointLsn = checkpointLsn;
    this.readOnly = readOnly;
    this.opener = opener;
    this.paths = found.values().toArray(Path[]::new);
    this.firsts = found.keySet().stream().mapToLong(Long::longValue).toArray();
    this.readers = new FrameReader[paths.length];
    this.dataEnd = new long[paths.length];
  }

  static Result run(Path dir, boolean readOnly, ChannelOpener opener) throws IOException {
    long checkpointLsn = CheckpointFile.read(dir);
    ConcurrentSkipListMap<Long, Path> found = SegmentDirectory.list(dir);
    if (found.isEmpty()) {
      if (checkpointLsn > 0) {
        throw new WalCorruptException(dir.resolve(WalFormat.CHECKPOINT_FILE), WalFormat.CHECKPOINT_LSN,
            checkpointLsn, "checkpoint at LSN " + checkpointLsn + " but no segment files");
      }
      return new Result(found, 0, 0, -1, new RecoveryReport(0, 0, 0, 0, Optional.empty()));
    }
    try (Arena arena = Arena.ofConfined()) {
      return new Recovery(found, checkpointLsn, readOnly, opener).recover(arena);
    }
  }

  private Result recover(Arena arena) throws IOException {
    for (int i = 0; i < paths.length; i++) {
      try (FileChannel ch = FileChannel.open(paths[i], StandardOpenOption.READ)) {
        readers[i] = new FrameReader(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
      }
    }
    expected = firsts[0];
    Stop stop = walk();
    if (stop == null) {
      return checked(result(paths.length - 1, dataEnd[paths.length - 1], null));
    }
    return checked(atDamage(stop));
  }

  /** Scans every segment in order; returns the first damage, or null at a clean end. */
  private Stop walk() throws IOException {
    for (int i = 0; i < paths.length; i++) {
      String headerProblem = checkHeader(i);
      if (headerProblem != null) {
        throw new WalCorruptException(paths[i], 0, expected, headerProblem);
      }
      String cutShort = cutShort(i);
      if (i > 0 && firsts[i] != expected) {
        return new Stop(i - 1, dataEnd[i - 1], expected,
            "the log ends here but the next segment " + paths[i].getFileName() + " starts at LSN " + firsts[i], false);
      }
      FrameReader r = readers[i];
      long off = WalFormat.HEADER_SIZE;
      while (true) {
        FrameReader.Status status = r.check(off, expected);
        if (status == FrameReader.Status.VALID) {
          off += WalFormat.frameSize(r.length(off));
          expected++;
        } else if (cutShort != null) {
          if (i + 1 < paths.length && firsts[i + 1] == expected) {
            break; // the next segment goes on from here: no record was in the part cut off
          }
          return new Stop(i, off, expected, cutShort, true);
        } else if (status == FrameReader.Status.END_OF_SEGMENT) {
          break;
        } else if (status == FrameReader.Status.ZEROS) {
          if (r.endOfNonZero(off) == off) {
            break;
          }
          return new Stop(i, off, expected, "zero bytes followed by non-zero data", false);
        } else {
          return new Stop(i, off, expected, status.problem, false);
        }
      }
      dataEnd[i] = off;
    }
    return null;
  }

  /** Null if the header of segment {@code i} is good, else what is wrong with it. */
  private String checkHeader(int i) throws IOException {
    MemorySegment m = readers[i].segment();
    String problem = WalFormat.checkPreamble(m, paths[i], WalFormat.HEADER_SIZE, WalFormat.FORMAT_NAME,
        WalFormat.VERSION, WalFormat.OLDEST_READABLE_VERSION, WalFormat.HEADER_CRC);
    if (problem != null) {
      return "segment " + problem;
    }
    long first = m.get(WalFormat.LONG, WalFormat.HEADER_FIRST_LSN);
    if (first != firsts[i]) {
      return "header says first LSN " + first + " but the file is named for " + firsts[i];
    }
    return null;
  }

  /**
   * Null if segment {@code i} is as long as its header says, else what is wrong. A segment is preallocated
   * in full and forced before it is named, and never shrunk: one shorter than that was cut short after it
   * was written, and whatever records were in the part cut off are gone. Its end would otherwise read as
   * the clean end of the log or a torn tail, and acknowledged records would vanish without a word.
   */
  private String cutShort(int i) {
    long size = readers[i].segment().byteSize();
    long preallocated = readers[i].segment().get(WalFormat.LONG, WalFormat.HEADER_SEGMENT_SIZE);
    return size >= preallocated ? null : "the segment is " + size + " bytes but was preallocated with "
        + preallocated + ": it was cut short, and any records in the rest are lost";
  }

  /** Decides what the damage at {@code stop} is and acts on it. */
  private Result atDamage(Stop stop) throws IOException {
    Evidence ev = evidenceAfter(stop);
    long bytesCut = readers[stop.segment].endOfNonZero(stop.offset) - stop.offset;
    for (int j = stop.segment + 1; j < readers.length; j++) {
      bytesCut += readers[j].endOfNonZero(0);
    }
    Path file = paths[stop.segment];
    boolean laterRecordProvesForced = ev.records > 0 && ev.maxForcedLsn >= stop.lsn;
    if (stop.cutShort || laterRecordProvesForced || stop.lsn <= checkpointLsn) {
      String problem = stop.problem + (stop.cutShort ? "" : laterRecordProvesForced
          ? "; the later record with LSN " + ev.lsnOfMax + " was written after LSN " + ev.maxForcedLsn
              + " had been forced"
          : "; the checkpoint at LSN " + checkpointLsn + " was taken after this record had been forced");
      if (!readOnly) {
        throw new WalCorruptException(file, stop.offset, stop.lsn,
            problem + " (open read-only to read up to the last good record)");
      }
      var damage = new RecoveryReport.Damage(RecoveryReport.Kind.CORRUPTION, file, stop.offset, stop.lsn, problem,
          bytesCut, ev.records, false);
      LOG.log(System.Logger.Level.WARNING, "WAL opened read-only up to corruption: {0}", damage);
      return result(stop.segment, stop.offset, damage);
    }
    var damage = new RecoveryReport.Damage(RecoveryReport.Kind.TORN_TAIL, file, stop.offset, stop.lsn, stop.problem,
        bytesCut, ev.records, !readOnly);
    if (!readOnly) {
      cutTail(stop);
    }
    LOG.log(System.Logger.Level.WARNING, "WAL recovery found a torn tail: {0}", damage);
    return result(stop.segment, stop.offset, damage);
  }

  /** Searches every byte offset after the stop for frames that were written after it. */
  private Evidence evidenceAfter(Stop stop) {
    int records = 0;
    long maxForced = -1;
    long lsnOfMax = -1;
    for (int j = stop.segment; j < readers.length; j++) {
      FrameReader r = readers[j];
      long end = r.segment().byteSize() - WalFormat.FRAME_HEADER_SIZE;
      long off = j == stop.segment ? stop.offset + 1 : WalFormat.HEADER_SIZE;
      while (off <= end) {
        if (r.plausibleFrameAt(off, stop.lsn)) {
          records++;
          if (r.forcedLsn(off) > maxForced) {
            maxForced = r.forcedLsn(off);
            lsnOfMax = r.lsn(off);
          }
          off += WalFormat.frameSize(r.length(off));
        } else {
          off++;
        }
      }
    }
    return new Evidence(records, maxForced, lsnOfMax);
  }

  /** Zeroes the damaged tail of the stop's segment, forces it, and deletes every later segment. */
  private void cutTail(Stop stop) throws IOException {
    long end = readers[stop.segment].endOfNonZero(stop.offset);
    if (end > stop.offset) {
      try (FileChannel ch = opener.open(paths[stop.segment], StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, end - stop.offset));
        for (long pos = stop.offset; pos < end; ) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
          pos += ch.write(zeros, pos);
        }
        ch.force(false);
      }
    }
    boolean deleted = false;
    for (int j = paths.length - 1; j > stop.segment; j--) {
      java.nio.file.Files.deleteIfExists(paths[j]);
      deleted = true;
    }
    if (deleted) {
      SegmentDirectory.syncDirectory(paths[0].getParent(), opener);
    }
  }

  /** The state after keeping segments 0..lastSegment, with the log ending at {@code tailOffset} in it. */
  private Result result(int lastSegment, long tailOffset, RecoveryReport.Damage damage) {
    ConcurrentSkipListMap<Long, Path> kept = new ConcurrentSkipListMap<>();
    for (int i = 0; i <= lastSegment; i++) {
      kept.put(firsts[i], paths[i]);
    }
    long lastLsn = damage == null ? expected - 1 : damage.lsn() - 1;
    long firstLsn = lastLsn >= firsts[0] ? firsts[0] : 0;
    var report = new RecoveryReport(firstLsn, lastLsn, checkpointLsn, kept.size(), Optional.ofNullable(damage));
    return new Result(kept, lastLsn, checkpointLsn, tailOffset, report);
  }

  /**
   * Refuses a log that does not reach from the checkpoint to its end: segments missing at the start, or
   * a log ending before the checkpoint (checkpoints force the log first, so that means lost records). Read-only,
   * the latter opens up to its end, reported as corruption.
   */
  private Result checked(Result r) throws WalCorruptException {
    if (firsts[0] > checkpointLsn + 1) {
      throw new WalCorruptException(paths[0], WalFormat.HEADER_SIZE, checkpointLsn + 1,
          "the log starts at LSN " + firsts[0] + " but the last checkpoint covers only up to LSN " + checkpointLsn
              + ": segments are missing");
    }
    if (r.lastLsn() >= checkpointLsn) {
      return r;
    }
    Path last = r.segments().lastEntry().getValue();
    String problem = "the log ends at LSN " + r.lastLsn() + " but the checkpoint names LSN " + checkpointLsn;
    if (!readOnly) {
      throw new WalCorruptException(last, r.tailOffset(), r.lastLsn() + 1, problem);
    }
    if (r.report().damage().isPresent()) {
      return r; // the damage reported is where the log stops
    }
    var damage = new RecoveryReport.Damage(RecoveryReport.Kind.CORRUPTION, last, r.tailOffset(), r.lastLsn() + 1,
        problem, 0, 0, false);
    LOG.log(System.Logger.Level.WARNING, "WAL opened read-only up to corruption: {0}", damage);
    RecoveryReport report = r.report();
    return new Result(r.segments(), r.lastLsn(), checkpointLsn, r.tailOffset(), new RecoveryReport(report.firstLsn(),
        report.lastLsn(), checkpointLsn, report.segments(), Optional.of(damage)));
  }
}
