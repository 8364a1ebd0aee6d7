package dev.aeon.query.trace;

import static dev.aeon.common.testing.FileBytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.GrowingFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trace files whose checksums hold but whose content is impossible (a writer's bug, a crafted file): opening
 * refuses them as corrupt, naming the file, instead of failing otherwise or later.
 */
class TraceFileStructureTest {

  @TempDir
  Path dir;

  /**
   * A largest event id below the last event's was taken: the trace opened, took an append of an id between
   * the two, and then did not open again ("event id 1 not after 400"). One above it made appends of the ids
   * between return false, as replays of events already there.
   */
  @Test
  void aLargestEventIdOtherThanTheLastEventsIsCorrupt() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
    for (long maxId : new long[] {0, 29, 31, Long.MIN_VALUE, Long.MAX_VALUE}) {
      Files.write(dir.resolve(Checkpoint.FILE), valid);
      rewrite(CheckpointDescriptor.MAX_ID_OFFSET, maxId);
      TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
      assertNamesTheCheckpoint(e, "largest event id " + maxId
          + ", but the last of the 3 event records it counts has id 30");
      assertEquals(CheckpointDescriptor.MAX_ID_OFFSET, e.offset());
    }
  }

  /**
   * Lengths of the edge or meta file shorter than their header: from 0 to 31 opening cut the header off and
   * failed with an IllegalArgumentException mapping a negative length; a negative one discarded the file.
   */
  @Test
  void anAppendFileLengthShorterThanItsHeaderIsCorrupt() throws IOException {
    build();
    byte[] valid = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
    for (int offset : new int[] {CheckpointDescriptor.EDGE_BYTES_OFFSET, CheckpointDescriptor.META_BYTES_OFFSET}) {
      for (long length : new long[] {0, 31, -1, Long.MIN_VALUE}) {
        Files.write(dir.resolve(Checkpoint.FILE), valid);
        rewrite(offset, length);
        TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
        assertNamesTheCheckpoint(e, "file length " + length + " is shorter than its 32-byte header");
        assertEquals(offset, e.offset());
      }
    }
  }

  /**
   * A string logged twice in the meta file was taken under both ids: lookups by the string found the second
   * id only, so the history of a session left out the events logged under the first.
   */
  @Test
  void aStringLoggedTwiceIsCorrupt() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(Event.of(1, "sa", "user", 1, 1));
      t.append(Event.of(2, "sb", "user", 2, 2));
      t.flush(1);
    }
    Path meta = dir.resolve(Trace.META_FILE);
    byte[] all = Files.readAllBytes(meta);
    int at = indexOf(all, "sb".getBytes(StandardCharsets.US_ASCII));
    all[at + 1] = 'a'; // "sb" becomes "sa", logged before
    int frame = at - MetaRecordDescriptor.PAYLOAD_OFFSET - Integer.BYTES; // the payload starts with the string's id
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(frame + MetaRecordDescriptor.CRC_OFFSET, FileHeader.crc(b, frame + MetaRecordDescriptor.KIND_OFFSET,
        frame + MetaRecordDescriptor.PAYLOAD_OFFSET + b.getInt(frame)));
    Files.write(meta, all);
    TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
    assertEquals(meta, e.file());
    assertTrue(e.problem().contains("string 'sa' is logged again"), e.problem());
  }

  /**
   * Dictionary id 0 is the implicit NEXT type, which every trace interns first and a compaction never frees.
   * A meta log holding it as FREED, or under another name, was taken: the NEXT links between a session's
   * events came out with a null type (or the other name), and {@code [:NEXT]} found none of them.
   */
  @Test
  void aMetaLogWhoseFirstIdIsNotNextIsCorrupt() throws IOException {
    try (Trace t = Trace.open(dir)) {
      t.append(Event.of(10, "s", "user", 1, 1));
      t.append(Event.of(20, "s", "user", 2, 2));
      t.flush(1);
    }
    Path meta = dir.resolve(Trace.META_FILE);
    byte[] valid = Files.readAllBytes(meta);
    byte[] checkpoint = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
    ByteBuffer v = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN);
    int first = FileHeader.LENGTH;
    int rest = first + MetaRecordDescriptor.PAYLOAD_OFFSET + v.getInt(first); // the frames after the first
    assertEquals(0, v.getInt(first + MetaRecordDescriptor.PAYLOAD_OFFSET), "the first frame logs id 0");
    byte[][] firstFrames = {
        frame(MetaRecordDescriptor.KIND_FREED, new byte[4]), // id 0 freed
        frame(MetaRecordDescriptor.KIND_STRING, new byte[] {0, 0, 0, 0, 'N', 'E', 'X', 'U'})}; // id 0 another name
    for (byte[] replaced : firstFrames) {
      byte[] all = new byte[first + replaced.length + valid.length - rest];
      System.arraycopy(valid, 0, all, 0, first);
      System.arraycopy(replaced, 0, all, first, replaced.length);
      System.arraycopy(valid, rest, all, first + replaced.length, valid.length - rest);
      Files.write(meta, all);
      Files.write(dir.resolve(Checkpoint.FILE), checkpoint);
      rewrite(CheckpointDescriptor.META_BYTES_OFFSET, all.length);
      TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
      assertEquals(meta, e.file());
      assertTrue(e.problem().contains("dictionary id 0"), e.problem());
    }
  }

  /** A meta frame of {@code kind} and {@code payload}, its checksum computed. */
  private static byte[] frame(byte kind, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(MetaRecordDescriptor.PAYLOAD_OFFSET + payload.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(payload.length).putInt(0).put(kind).put(payload);
    b.putInt(MetaRecordDescriptor.CRC_OFFSET, FileHeader.crc(b, MetaRecordDescriptor.KIND_OFFSET, b.capacity()));
    return b.array();
  }

  @Test
  void aCheckpointsTemporaryLeftByACrashIsDeletedWhenTheTraceOpens() throws IOException {
    build();
    Path leftover = dir.resolve(Checkpoint.FILE + ".tmp");
    Files.write(leftover, new byte[] {1, 2, 3}); // a replace cut short by a crash
    try (Trace t = Trace.open(dir)) {
      assertEquals(3, t.eventCount());
    }
    assertTrue(Files.notExists(leftover), "a crash's part of a checkpoint outlives the open");
  }

  /**
   * A checkpoint file far longer than a checkpoint (another file in its place, a damaged file system's size) was
   * read whole before any check: past 2 GiB the read threw an OutOfMemoryError, below that it took as much heap.
   * It is refused as corrupt from its size, before it is read.
   */
  @Test
  void aCheckpointFileFarLongerThanACheckpointIsCorruptBeforeItIsRead() throws IOException {
    build();
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(Checkpoint.FILE).toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: no block of it is written
    }
    TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
    assertNamesTheCheckpoint(e, "checkpoint file of " + (3L << 30) + " bytes");
  }

  /**
   * A checkpoint file that grows after its size was taken (a named pipe stands in for it: its size is 0) is refused
   * once a checkpoint file's bound is read: it was read whole, however long it had grown.
   */
  @Test
  void aCheckpointFileThatGrowsAfterItsSizeWasTakenIsReadNoFurtherThanItsBound() throws Throwable {
    assumeTrue(GrowingFile.supported(), "named pipes are Linux's here");
    build();
    Files.delete(dir.resolve(Checkpoint.FILE));
    try (GrowingFile grows = GrowingFile.at(dir.resolve(Checkpoint.FILE), 32 << 20, (byte) 0)) {
      TraceCorruptException e = assertThrows(TraceCorruptException.class, () -> Trace.open(dir).close());
      assertNamesTheCheckpoint(e, "checkpoint file of " + (Checkpoint.MAX_BYTES + 1) + " bytes");
      long read = grows.written();
      assertTrue(read < 1 << 20, read + " bytes read of a checkpoint file, whose bound is " + Checkpoint.MAX_BYTES);
    }
  }

  private void build() throws IOException {
    try (Trace t = Trace.open(dir)) {
      for (int i = 1; i <= 3; i++) {
        t.append(Event.of(i * 10, "s", "user", i, i));
      }
      t.addEdge("CAUSES", 10, 20);
      t.flush(7);
    }
  }

  /** Sets the checkpoint's long at {@code offset} to {@code value} and computes its checksum again. */
  private void rewrite(int offset, long value) throws IOException {
    Path file = dir.resolve(Checkpoint.FILE);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(offset, value);
    b.putInt(CheckpointDescriptor.CRC_OFFSET,
        FileHeader.crc(b, CheckpointDescriptor.LSN_OFFSET, CheckpointDescriptor.CRC_OFFSET));
    Files.write(file, b.array());
  }

  private void assertNamesTheCheckpoint(TraceCorruptException e, String problem) {
    assertEquals(dir.resolve(Checkpoint.FILE), e.file());
    assertTrue(e.getMessage().contains(dir.resolve(Checkpoint.FILE).toString()), e.getMessage());
    assertTrue(e.problem().contains(problem), e.problem());
  }
}
