package dev.aeon.fuzz.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.blob.ArenaStats;
import dev.aeon.blob.BlobArena;
import dev.aeon.blob.BlobArenaOptions;
import dev.aeon.blob.InvalidBlobRefException;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.io.FileFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary or damaged bytes as a blob arena generation file: {@code verifyFile} and {@code open} either
 * succeed or throw a {@link FileFormatException} naming the file and offset, nothing else; and whatever an
 * arena opened from such a file hands out is the exact bytes that were written, never garbage. Regression
 * mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ArenaFileFuzzTest {

  private static final int BLOBS = 12;
  private static final Epochs EBR = new Epochs(Epochs.Config.defaults().withReclaimInterval(Duration.ZERO));
  private static final Path DIR;
  private static final byte[] VALID;

  static {
    try {
      DIR = Files.createTempDirectory("aeon-blob-fuzz");
      VALID = validArena();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    clear();
    Files.deleteIfExists(DIR);
  }

  @FuzzTest(maxDuration = "60s")
  void arbitraryBytesAsAnArenaFile(FuzzedDataProvider data) throws IOException {
    check(data.consumeRemainingAsBytes());
  }

  @FuzzTest(maxDuration = "60s")
  void aValidArenaWithDamage(FuzzedDataProvider data) throws IOException {
    byte[] file = VALID.clone();
    int edits = data.consumeInt(1, 8);
    for (int i = 0; i < edits; i++) {
      file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
    }
    if (data.consumeBoolean()) {
      file = java.util.Arrays.copyOf(file, data.consumeInt(0, file.length));
    }
    check(file);
  }

  /**
   * Single-byte damage of a valid file: every byte of the header and of the first frame, then every 13th
   * byte (each check opens, writes and fsyncs the arena, so all of them would take too long for the build).
   */
  @Test
  void singleByteDamageIsDetectedOrHarmless() throws IOException {
    int meaningful = lastNonZero(VALID) + 1;
    for (int at = 0; at < meaningful; at += at < 160 ? 1 : 13) {
      byte[] file = VALID.clone();
      file[at] ^= (byte) (1 << (at % 8));
      check(file);
    }
  }

  @Test
  void edgeCases() throws IOException {
    check(new byte[0]);
    check(new byte[127]);
    check(java.util.Arrays.copyOf(VALID, 128));
    check(java.util.Arrays.copyOf(VALID, 200));
    check(VALID);
  }

  /** Writes {@code bytes} as generation 1, then verifies, opens, reads, writes and reopens it. */
  private static void check(byte[] bytes) throws IOException {
    clear();
    Path file = DIR.resolve("blobs-1.arena");
    Files.write(file, bytes);
    try {
      ArenaStats stats = BlobArena.verifyFile(file);
      assertTrue(stats.liveBlobs() >= 0 && stats.liveBlobs() <= BLOBS, "blobs appeared from nowhere");
    } catch (FileFormatException e) {
      assertDescribes(e, file);
    }
    BlobArena arena;
    try {
      arena = BlobArena.open(DIR, BlobArenaOptions.defaults().withInitialCapacity(4096), EBR);
    } catch (FileFormatException e) {
      assertDescribes(e, file);
      return;
    }
    try (arena) {
      arena.verify();
      for (long ref = -1; ref <= BLOBS + 2; ref++) {
        byte[] got;
        try {
          got = arena.readBytes(ref);
        } catch (InvalidBlobRefException e) {
          continue; // absent, freed or lost with a torn tail: reported, not invented
        }
        assertArrayEquals(content(ref), got, "blob " + ref + " came back with other bytes");
      }
      long fresh = arena.append("written after opening a damaged file");
      arena.force();
      assertEquals("written after opening a damaged file", arena.readString(fresh));
    }
    try (BlobArena again = BlobArena.open(DIR, BlobArenaOptions.defaults(), EBR)) {
      again.verify();
    }
  }

  private static void assertDescribes(FileFormatException e, Path file) {
    assertEquals(file, e.file());
    assertTrue(e.offset() >= 0);
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  /** Blob {@code ref} of the valid arena: ref-dependent text of ref-dependent length (ref 1 is empty). */
  private static byte[] content(long ref) {
    return ("blob-" + ref + "-").repeat((int) (ref - 1) * 3).getBytes(StandardCharsets.US_ASCII);
  }

  /** A small arena with every kind of frame: empty, live, freed (erased), and an unforced tail. */
  private static byte[] validArena() throws IOException {
    clear();
    try (BlobArena arena = BlobArena.open(DIR, BlobArenaOptions.defaults().withInitialCapacity(4096), EBR)) {
      for (int i = 1; i <= BLOBS; i++) {
        long ref = arena.append(content(i));
        assertEquals(i, ref);
      }
      arena.free(4);
      arena.free(9);
      arena.force();
      EBR.awaitReclaimed(Duration.ofSeconds(5));
    }
    byte[] bytes = Files.readAllBytes(DIR.resolve("blobs-1.arena"));
    clear();
    return java.util.Arrays.copyOf(bytes, lastNonZero(bytes) + 64);
  }

  private static void clear() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }

  private static int lastNonZero(byte[] b) {
    int i = b.length - 1;
    while (i > 0 && b[i] == 0) {
      i--;
    }
    return i;
  }
}
