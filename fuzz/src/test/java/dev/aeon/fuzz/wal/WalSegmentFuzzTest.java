package dev.aeon.fuzz.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.fuzz.FuzzFiles;
import dev.aeon.wal.Durability;
import dev.aeon.wal.RecoveryReport;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalCorruptException;
import dev.aeon.wal.WalOptions;
import dev.aeon.wal.WalTooNewException;
import dev.aeon.wal.WalTooOldException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * WAL recovery on arbitrary bytes as a segment file: opening read-only either succeeds or fails with one
 * of the documented errors (corrupt, too new, too old), and every record replay yields is checked against
 * the raw bytes: its frame's stored CRC32C matches, its LSN is the next one, and its payload is exactly
 * the bytes in the file. Corruption must also refuse a writable open; a torn tail must be cut off by it,
 * keeping the same records, for good. Inputs are either raw bytes or a real segment with some bytes
 * changed. The checkpoint file beside a real segment is fuzzed too ({@link #aCheckpointFileOfAnyBytes}).
 * Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class WalSegmentFuzzTest {

  private static final String SEGMENT = "00000000000000000001.wal";
  private static final int HEADER = 64;
  private static final int FRAME_HEADER = 25;
  private static final byte[] VALID = validSegment();
  /** The records {@link #VALID} holds, LSNs 1 to this. */
  private static final int RECORDS = 12;
  private static final String CHECKPOINT = "CHECKPOINT";
  private static final int CHECKPOINT_LSN = 24;
  private static final int CHECKPOINT_CRC = 40;
  /** The checkpoint file of a log of {@link #VALID}'s records checkpointed at LSN 5, written by the WAL itself. */
  private static final byte[] VALID_CHECKPOINT = validCheckpoint();

  @FuzzTest(maxDuration = "60s")
  void arbitrarySegmentBytesNeverEscapeTheDocumentedErrors(FuzzedDataProvider data) throws IOException {
    byte[] segment;
    if (data.consumeBoolean()) {
      segment = VALID.clone(); // a real segment, then damaged where the fuzzer says
      int edits = data.consumeInt(0, 8);
      for (int i = 0; i < edits; i++) {
        segment[data.consumeInt(0, segment.length - 1)] = data.consumeByte();
      }
      if (data.consumeBoolean()) {
        segment = java.util.Arrays.copyOf(segment, data.consumeInt(0, segment.length));
      }
    } else {
      segment = data.consumeRemainingAsBytes();
    }
    check(segment);
  }

  /**
   * Any bytes, or the real checkpoint file with some bytes changed, or naming any LSN with its checksum computed
   * again, beside the real segment: opening either refuses it as corrupt (never a checkpoint naming a record the
   * log holds) or starts replay right after the LSN it names; a writable open also appends after the log's last
   * record and opens again with the same checkpoint.
   */
  @FuzzTest(maxDuration = "60s")
  void aCheckpointFileOfAnyBytes(FuzzedDataProvider data) throws IOException {
    byte[] checkpoint;
    switch (data.consumeInt(0, 2)) {
      case 0 -> {
        checkpoint = VALID_CHECKPOINT.clone();
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
          checkpoint[data.consumeInt(0, checkpoint.length - 1)] = data.consumeByte();
        }
        if (data.consumeBoolean()) {
          checkpoint = java.util.Arrays.copyOf(checkpoint, data.consumeInt(0, checkpoint.length + 8));
        }
      }
      case 1 -> {
        checkpoint = VALID_CHECKPOINT.clone();
        ByteBuffer.wrap(checkpoint).order(ByteOrder.LITTLE_ENDIAN).putLong(CHECKPOINT_LSN,
            data.consumeBoolean() ? data.consumeLong(-2, RECORDS + 2) : data.consumeLong());
        CRC32C crc = new CRC32C();
        crc.update(checkpoint, 0, CHECKPOINT_CRC);
        ByteBuffer.wrap(checkpoint).order(ByteOrder.LITTLE_ENDIAN).putInt(CHECKPOINT_CRC, (int) crc.getValue());
      }
      default -> checkpoint = data.consumeRemainingAsBytes();
    }
    checkCheckpoint(checkpoint);
  }

  @Test
  void theValidCheckpointOpens() throws IOException {
    checkCheckpoint(VALID_CHECKPOINT);
  }

  private static void checkCheckpoint(byte[] checkpoint) throws IOException {
    Path dir = Files.createTempDirectory("wal-fuzz");
    try {
      Files.write(dir.resolve(SEGMENT), VALID);
      Files.write(dir.resolve(CHECKPOINT), checkpoint);
      WalOptions options = WalOptions.defaults().segmentSize(1024).maxPayload(512);
      ByteBuffer b = ByteBuffer.wrap(checkpoint).order(ByteOrder.LITTLE_ENDIAN);
      boolean sound = checkpoint.length == VALID_CHECKPOINT.length
          && java.util.Arrays.equals(checkpoint, 0, CHECKPOINT_LSN, VALID_CHECKPOINT, 0, CHECKPOINT_LSN)
          && b.getLong(CHECKPOINT_LSN) >= 0 && b.getLong(CHECKPOINT_LSN) <= RECORDS
          && b.getInt(CHECKPOINT_CRC) == crc(checkpoint, CHECKPOINT_CRC);
      long named = sound ? b.getLong(CHECKPOINT_LSN) : -1;
      for (boolean readOnly : new boolean[] {true, false}) {
        Wal wal;
        try {
          wal = Wal.open(dir, options.readOnly(readOnly));
        } catch (WalCorruptException | WalTooNewException | WalTooOldException e) {
          assertTrue(!sound, "a checkpoint at LSN " + named + " of a log of " + RECORDS + " records was refused: " + e);
          continue;
        }
        try (wal) {
          assertEquals(RECORDS, wal.lastLsn());
          long at = wal.checkpointLsn();
          assertTrue(at >= 0 && (at <= RECORDS || readOnly), "opened with a checkpoint at LSN " + at);
          assertTrue(!sound || at == named, "the checkpoint at LSN " + named + " was read as " + at);
          long[] next = {at + 1};
          wal.replay((lsn, type, payload) -> assertEquals(next[0]++, lsn, "replay after the checkpoint at " + at));
          assertEquals(Math.max(at, RECORDS), next[0] - 1, "replay stopped short");
          if (!readOnly) {
            assertEquals(RECORDS + 1, wal.appendAndWait((byte) 1, new byte[] {1}));
          }
        }
        if (!readOnly) {
          try (Wal again = Wal.open(dir, options.readOnly(true))) {
            assertEquals(RECORDS + 1, again.lastLsn());
          }
        }
      }
    } finally {
      FuzzFiles.deleteTree(dir);
    }
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  /** The same property over seeded random damage of a real segment, so it runs without a corpus too. */
  @Test
  void seededDamageOfARealSegment() throws IOException {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    System.out.println("WalSegmentFuzzTest seed " + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      byte[] segment = VALID.clone();
      int edits = 1 + random.nextInt(4);
      for (int i = 0; i < edits; i++) {
        int at = random.nextInt(segment.length);
        segment[at] = random.nextBoolean() ? (byte) random.nextInt() : (byte) (segment[at] ^ (1 << random.nextInt(8)));
      }
      check(segment);
    }
  }

  private static void check(byte[] segment) throws IOException {
    Path dir = Files.createTempDirectory("wal-fuzz");
    try {
      Files.write(dir.resolve(SEGMENT), segment);
      WalOptions options = WalOptions.defaults().segmentSize(1024).maxPayload(512);
      RecoveryReport readOnly = openAndVerify(dir, options.readOnly(true), segment);
      if (readOnly == null || readOnly.damage().isEmpty()) {
        return; // refused, or clean: a writable open would read exactly the same
      }
      if (readOnly.damage().get().kind() == RecoveryReport.Kind.CORRUPTION) {
        assertThrows(WalCorruptException.class, () -> Wal.open(dir, options), "corruption refuses a writer");
        return;
      }
      RecoveryReport writable = openAndVerify(dir, options, segment);
      assertEquals(readOnly.lastLsn(), writable.lastLsn(), "the writer keeps what the reader saw");
      RecoveryReport after = openAndVerify(dir, options.readOnly(true), Files.readAllBytes(dir.resolve(SEGMENT)));
      assertTrue(after.damage().isEmpty(), "the torn tail was cut off for good");
      assertEquals(readOnly.lastLsn(), after.lastLsn());
    } finally {
      FuzzFiles.deleteTree(dir);
    }
  }

  /** Opens, checks every replayed record against the raw bytes; null if opening was refused as documented. */
  private static RecoveryReport openAndVerify(Path dir, WalOptions options, byte[] raw) throws IOException {
    Wal wal;
    try {
      wal = Wal.open(dir, options);
    } catch (WalCorruptException | WalTooNewException | WalTooOldException e) {
      return null; // documented outcomes
    }
    try (wal) {
      RecoveryReport report = wal.recovery();
      long[] offset = {HEADER};
      long[] expectedLsn = {1};
      wal.replay(0, (lsn, type, payload) -> {
        int off = (int) offset[0];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt(off);
        assertEquals(expectedLsn[0], lsn);
        assertEquals(lsn, b.getLong(off + 8));
        assertEquals(length, payload.remaining());
        CRC32C crc = new CRC32C();
        crc.update(raw, off, 4);
        crc.update(raw, off + 8, FRAME_HEADER - 8 + length);
        assertEquals(b.getInt(off + 4), (int) crc.getValue(), "replay yielded a record whose CRC does not match");
        byte[] got = new byte[length];
        payload.get(got);
        assertArrayEquals(java.util.Arrays.copyOfRange(raw, off + FRAME_HEADER, off + FRAME_HEADER + length), got);
        assertEquals(raw[off + 24], type);
        offset[0] += FRAME_HEADER + length;
        expectedLsn[0]++;
      });
      assertEquals(wal.lastLsn(), expectedLsn[0] - 1, "replay yields every recovered record");
      assertEquals(report.lastLsn(), wal.lastLsn());
      return report;
    }
  }

  private static byte[] validCheckpoint() {
    try {
      Path dir = Files.createTempDirectory("wal-fuzz-seed");
      Files.write(dir.resolve(SEGMENT), VALID);
      try (Wal wal = Wal.open(dir, WalOptions.defaults().segmentSize(1024).maxPayload(512))) {
        wal.checkpoint(5);
      }
      byte[] bytes = Files.readAllBytes(dir.resolve(CHECKPOINT));
      FuzzFiles.deleteTree(dir);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-segment log of 1024 bytes holding a few records, written by the WAL itself. */
  private static byte[] validSegment() {
    try {
      Path dir = Files.createTempDirectory("wal-fuzz-seed");
      try (Wal wal = Wal.open(dir, WalOptions.defaults().segmentSize(1024).maxPayload(512)
          .durability(Durability.SYNC))) {
        for (int i = 0; i < RECORDS; i++) {
          byte[] p = new byte[i * 5];
          java.util.Arrays.fill(p, (byte) (i + 1));
          wal.appendAndWait((byte) i, p);
        }
      }
      byte[] bytes = Files.readAllBytes(dir.resolve(SEGMENT));
      FuzzFiles.deleteTree(dir);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
