package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

  @TempDir
  Path dir;

  private void write(int records, Durability mode) throws IOException {
    try (Wal wal = Wal.open(dir, WalTest.small().durability(mode))) {
      for (long i = 1; i <= records; i++) {
        wal.appendAndWait((byte) (i % 128), WalTest.payload(i));
      }
    }
  }

  /** The file and offset of the frame with this LSN. */
  private Map.Entry<Path, Long> locate(long lsn) throws IOException {
    Map.Entry<Long, Path> seg = SegmentDirectory.list(dir).floorEntry(lsn);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(seg.getValue())).order(ByteOrder.LITTLE_ENDIAN);
    long off = WalFormat.HEADER_SIZE;
    for (long l = seg.getKey(); l < lsn; l++) {
      off += WalFormat.frameSize(b.getInt((int) off));
    }
    assertEquals(lsn, b.getLong((int) off + WalFormat.FRAME_LSN));
    return Map.entry(seg.getValue(), off);
  }

  private static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  private static byte readByte(Path file, long offset) throws IOException {
    return Files.readAllBytes(file)[(int) offset];
  }

  @Test
  void tornLastRecordIsCutOffReportedAndOverwritten() throws IOException {
    write(40, Durability.SYNC);
    var at = locate(40);
    overwrite(at.getKey(), at.getValue() + WalFormat.FRAME_HEADER_SIZE + 3, new byte[] {0});
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      RecoveryReport.Damage d = wal.recovery().damage().orElseThrow();
      assertEquals(RecoveryReport.Kind.TORN_TAIL, d.kind());
      assertEquals(at.getKey(), d.file());
      assertEquals(at.getValue(), d.offset());
      assertEquals(40, d.lsn());
      assertEquals("CRC32C mismatch", d.problem());
      assertTrue(d.repaired());
      assertEquals(39, wal.lastLsn());
      assertEquals(0, readByte(at.getKey(), at.getValue()), "the torn frame is zeroed on disk");
      WalTest.checkRecords(WalTest.replayAll(wal, 0), 1, 39);
      assertEquals(40, wal.appendAndWait((byte) 40, WalTest.payload(40)));
    }
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertTrue(wal.recovery().damage().isEmpty());
      WalTest.checkRecords(WalTest.replayAll(wal, 0), 1, 40);
    }
  }

  @Test
  void shortHeaderAtTheEndIsATornTail() throws IOException {
    write(10, Durability.SYNC);
    var at = locate(10);
    // Keep only the first 6 bytes of the last frame, as a write cut short would.
    long frame = WalFormat.frameSize(WalTest.payload(10).length);
    overwrite(at.getKey(), at.getValue() + 6, new byte[(int) frame - 6]);
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      RecoveryReport.Damage d = wal.recovery().damage().orElseThrow();
      assertEquals(RecoveryReport.Kind.TORN_TAIL, d.kind());
      assertEquals(10, d.lsn());
      assertEquals(6, d.bytesCut());
      assertEquals(9, wal.lastLsn());
    }
  }

  @Test
  void damageToAForcedRecordIsCorruptionNamingFileOffsetAndLsn() throws IOException {
    write(40, Durability.SYNC);
    var at = locate(20);
    byte old = readByte(at.getKey(), at.getValue() + WalFormat.FRAME_HEADER_SIZE);
    overwrite(at.getKey(), at.getValue() + WalFormat.FRAME_HEADER_SIZE, new byte[] {(byte) (old ^ 0x10)});
    var e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(at.getKey(), e.file());
    assertEquals(at.getValue(), e.offset());
    assertEquals(20, e.lsn());
    assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
    long sizeBefore = Files.size(at.getKey());
    try (Wal wal = Wal.open(dir, WalTest.small().readOnly(true))) {
      RecoveryReport.Damage d = wal.recovery().damage().orElseThrow();
      assertEquals(RecoveryReport.Kind.CORRUPTION, d.kind());
      assertFalse(d.repaired());
      assertEquals(20, d.laterRecords());
      assertEquals(19, wal.lastLsn());
      WalTest.checkRecords(WalTest.replayAll(wal, 0), 1, 19);
    }
    assertEquals((byte) (old ^ 0x10), readByte(at.getKey(), at.getValue() + WalFormat.FRAME_HEADER_SIZE),
        "read-only open changed nothing");
    assertEquals(sizeBefore, Files.size(at.getKey()));
    assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()), "still refused");
  }

  @Test
  void zeroedFrameFollowedByForcedDataIsCorruption() throws IOException {
    write(30, Durability.SYNC);
    var at = locate(12);
    overwrite(at.getKey(), at.getValue(), new byte[WalFormat.FRAME_HEADER_SIZE]);
    var e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(12, e.lsn());
    assertTrue(e.getMessage().contains("zero bytes followed by non-zero data"), e.getMessage());
  }

  @Test
  void damageBeforeRecordsThatWereNeverForcedIsATornTail() throws IOException {
    // OFF never forces while appending, so no later record proves LSN 5 was durable: after a power loss
    // this shape is legitimate, and everything from the hole on is cut off (and reported).
    try (Wal wal = Wal.open(dir, WalTest.small().durability(Durability.OFF))) {
      for (long i = 1; i <= 12; i++) {
        wal.append((byte) (i % 128), WalTest.payload(i));
      }
    }
    var at = locate(5);
    overwrite(at.getKey(), at.getValue() + WalFormat.FRAME_LSN, new byte[] {99});
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      RecoveryReport.Damage d = wal.recovery().damage().orElseThrow();
      assertEquals(RecoveryReport.Kind.TORN_TAIL, d.kind());
      assertEquals(5, d.lsn());
      assertEquals(7, d.laterRecords());
      assertEquals(4, wal.lastLsn());
    }
  }

  @Test
  void afterACleanCloseEvenOffModeRecordsAreProvenForced() throws IOException {
    try (Wal wal = Wal.open(dir, WalTest.small().durability(Durability.OFF))) {
      for (long i = 1; i <= 12; i++) {
        wal.append((byte) (i % 128), WalTest.payload(i));
      }
    }
    try (Wal wal = Wal.open(dir, WalTest.small().durability(Durability.OFF))) {
      wal.appendAndWait((byte) 13, WalTest.payload(13));
    }
    var at = locate(5);
    overwrite(at.getKey(), at.getValue() + WalFormat.FRAME_LSN, new byte[] {99});
    assertEquals(5, assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small())).lsn());
  }

  private void rewriteHeader(Path file, int version, boolean fixCrc) throws IOException {
    byte[] h = new byte[WalFormat.HEADER_SIZE];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.read(ByteBuffer.wrap(h), 0);
      ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort(WalFormat.HEADER_VERSION, (short) version);
      if (fixCrc) {
        CRC32C crc = new CRC32C();
        crc.update(h, 0, WalFormat.HEADER_CRC);
        b.putInt(WalFormat.HEADER_CRC, (int) crc.getValue());
      }
      ch.write(ByteBuffer.wrap(h), 0);
    }
  }

  @Test
  void newerAndOlderFormatVersionsAreRefusedWithTheirOwnErrors() throws IOException {
    write(5, Durability.SYNC);
    Path seg = SegmentDirectory.list(dir).firstEntry().getValue();
    rewriteHeader(seg, WalFormat.VERSION + 1, true);
    var tooNew = assertThrows(WalTooNewException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(WalFormat.VERSION + 1, tooNew.version());
    assertEquals(seg, tooNew.file());
    assertThrows(WalTooNewException.class, () -> Wal.open(dir, WalTest.small().readOnly(true)));
    rewriteHeader(seg, 0, true);
    assertEquals(0, assertThrows(WalTooOldException.class, () -> Wal.open(dir, WalTest.small())).version());
    // A version this release does not read, with the CRC not matching: the version field may be what is damaged
    rewriteHeader(seg, WalFormat.VERSION + 1, false);
    var damagedVersion = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertTrue(damagedVersion.getMessage().contains("header CRC32C mismatch, and its version field reads 2"),
        damagedVersion.getMessage());
    rewriteHeader(seg, WalFormat.VERSION, false);
    var corrupt = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(0, corrupt.offset());
    assertTrue(corrupt.getMessage().contains("header CRC32C mismatch"), corrupt.getMessage());
    rewriteHeader(seg, WalFormat.VERSION, true);
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertEquals(5, wal.lastLsn());
    }
  }

  /** The records in the part cut off would otherwise vanish as if never written (the last segment's tail). */
  @Test
  void aSegmentCutShortIsCorruption() throws IOException {
    write(40, Durability.SYNC);
    var at = locate(30);
    Path last = at.getKey();
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      ch.truncate(at.getValue()); // LSN 30 on are gone
    }
    var e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(last, e.file());
    assertEquals(at.getValue(), e.offset());
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    assertEquals(30, e.lsn());
    try (Wal wal = Wal.open(dir, WalTest.small().readOnly(true))) {
      RecoveryReport.Damage d = wal.recovery().damage().orElseThrow();
      assertEquals(RecoveryReport.Kind.CORRUPTION, d.kind());
      assertEquals(29, wal.lastLsn());
      WalTest.checkRecords(WalTest.replayAll(wal, 0), 1, 29);
    }
    assertEquals(at.getValue(), Files.size(last), "read-only open changed nothing");
    assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()), "still refused");
  }

  /** A segment cut after its last record, where the next segment goes on, lost nothing. */
  @Test
  void aSegmentCutAfterItsLastRecordWhereTheNextGoesOnIsRead() throws IOException {
    write(400, Durability.SYNC);
    List<Long> firsts = List.copyOf(SegmentDirectory.list(dir).keySet());
    assertTrue(firsts.size() >= 2, firsts::toString);
    long last = firsts.get(1) - 1; // the first segment's last record
    var at = locate(last);
    try (FileChannel ch = FileChannel.open(at.getKey(), StandardOpenOption.WRITE)) {
      ch.truncate(at.getValue() + WalFormat.frameSize(WalTest.payload(last).length));
    }
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertTrue(wal.recovery().damage().isEmpty());
      WalTest.checkRecords(WalTest.replayAll(wal, 0), 1, 400);
    }
  }

  @Test
  void aMissingSegmentIsCorruption() throws IOException {
    write(400, Durability.SYNC);
    List<Path> segs = List.copyOf(SegmentDirectory.list(dir).values());
    assertTrue(segs.size() >= 4, segs::toString);
    Files.delete(segs.get(1));
    var middle = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertTrue(middle.getMessage().contains("next segment"), middle::getMessage);
    Files.delete(segs.get(0));
    var first = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertTrue(first.getMessage().contains("segments are missing"), first.getMessage());
  }

  @Test
  void aDamagedCheckpointFileIsCorruptionAndADamagedCheckpointedRecordToo() throws IOException {
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      for (long i = 1; i <= 30; i++) {
        wal.appendAndWait((byte) (i % 128), WalTest.payload(i));
      }
      wal.checkpoint(30);
    }
    // The last record is covered by the checkpoint, so damage to it is not a torn tail.
    var at = locate(30);
    overwrite(at.getKey(), at.getValue() + WalFormat.FRAME_HEADER_SIZE, new byte[] {(byte) 0xFF});
    var e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertTrue(e.getMessage().contains("checkpoint"), e.getMessage());
    overwrite(at.getKey(), at.getValue() + WalFormat.FRAME_HEADER_SIZE, WalTest.payload(30));
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertEquals(30, wal.checkpointLsn());
    }
    Path cp = dir.resolve(WalFormat.CHECKPOINT_FILE);
    byte[] intact = Files.readAllBytes(cp);
    Files.write(cp, new byte[] {7}, java.nio.file.StandardOpenOption.APPEND);
    var longer = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertTrue(longer.getMessage().contains("checkpoint file is 45 bytes, not 44"), longer.getMessage());
    Files.write(cp, intact);
    overwrite(cp, WalFormat.CHECKPOINT_LSN, new byte[] {1});
    var bad = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(cp, bad.file());
  }

  /**
   * A checkpoint file whose checksum matches but whose LSN no log can reach (Long.MAX_VALUE: replay would start past
   * the last LSN there is) is damage, said as such: the LSN after it overflowed, and the log was refused as one whose
   * first segments are missing. An LSN beyond the log's end is said as it is, the log ending before it.
   */
  @Test
  void aCheckpointAtAnLsnNoLogCanReachIsDamageNotMissingSegments() throws IOException {
    write(3, Durability.SYNC);
    Path cp = dir.resolve(WalFormat.CHECKPOINT_FILE);
    Files.write(cp, WalFormat.encodeCheckpoint(Long.MAX_VALUE, 0).array());
    var e = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertEquals(cp, e.file());
    assertTrue(e.getMessage().contains("checkpoint names LSN " + Long.MAX_VALUE + ", which no log can reach: the"
        + " checkpoint file is damaged"), e.getMessage());
    Files.write(cp, WalFormat.encodeCheckpoint(Long.MAX_VALUE - 1, 0).array());
    var beyond = assertThrows(WalCorruptException.class, () -> Wal.open(dir, WalTest.small()));
    assertTrue(beyond.getMessage().contains("the log ends at LSN 3 but the checkpoint names LSN "
        + (Long.MAX_VALUE - 1)), beyond.getMessage());
  }

  /**
   * Read-only, a log that ends before its checkpoint opens (to salvage what it holds), but its report says what is
   * missing: it said nothing, as if the log were whole.
   */
  @Test
  void readOnlyALogEndingBeforeItsCheckpointIsReportedAsCorruption() throws IOException {
    write(3, Durability.SYNC);
    Files.write(dir.resolve(WalFormat.CHECKPOINT_FILE), WalFormat.encodeCheckpoint(10, 0).array());
    try (Wal wal = Wal.open(dir, WalTest.small().readOnly(true))) {
      assertEquals(3, wal.lastLsn());
      RecoveryReport.Damage damage = wal.recovery().damage().orElseThrow(() ->
          new AssertionError("no damage reported"));
      assertEquals(RecoveryReport.Kind.CORRUPTION, damage.kind());
      assertEquals(4, damage.lsn());
      assertFalse(damage.repaired());
      assertTrue(damage.problem().contains("the log ends at LSN 3 but the checkpoint names LSN 10"), damage.problem());
    }
  }

  @Test
  void strayFilesAreIgnoredAndALeftoverPreallocationIsRemoved() throws IOException {
    write(3, Durability.SYNC);
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.write(dir.resolve(SegmentDirectory.PREALLOC_NAME), new byte[100]);
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertEquals(3, wal.lastLsn());
      assertTrue(wal.recovery().damage().isEmpty());
    }
    assertTrue(Files.exists(dir.resolve("notes.txt")));
  }

  /**
   * Segment names are ASCII digits in any default locale (in Arabic they were Arabic-Indic digits, names
   * that a file system with another encoding cannot hold).
   */
  @Test
  void segmentNamesAreAsciiWhateverTheDefaultLocale() throws IOException {
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG"));
      write(400, Durability.SYNC);
    } finally {
      java.util.Locale.setDefault(before);
    }
    var segments = SegmentDirectory.list(dir);
    assertTrue(segments.size() > 1, segments::toString);
    segments.forEach((first, path) -> assertEquals(String.format(java.util.Locale.ROOT, "%020d.wal", first),
        path.getFileName().toString()));
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      WalTest.checkRecords(WalTest.replayAll(wal, 0), 1, 400);
    }
  }

  /** Twenty digits that spell more than a long are a stray file too; opening failed on them. */
  @Test
  void aSegmentLikeNameBeyondTheRangeOfLsnsIsAStrayFile() throws IOException {
    write(3, Durability.SYNC);
    Path stray = dir.resolve("99999999999999999999" + WalFormat.SEGMENT_SUFFIX);
    Files.write(stray, new byte[100]);
    assertEquals(-1, WalFormat.parseSegmentName(stray.getFileName().toString()));
    try (Wal wal = Wal.open(dir, WalTest.small())) {
      assertEquals(3, wal.lastLsn());
      assertTrue(wal.recovery().damage().isEmpty());
    }
    assertTrue(Files.exists(stray));
  }
}
