package dev.aeon.blob;

import static dev.aeon.common.testing.FileBytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.CorruptFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BlobArena#readString} reads short texts through a buffer and a checksum its thread keeps. */
class ReadStringTest {

  @TempDir
  Path dir;

  @Test
  void aThreadsTextReadsDoNotSeeItsEarlierOnes() throws IOException {
    long seed = new Random().nextLong();
    System.out.println("ReadStringTest seed " + seed);
    Random r = new Random(seed);
    String[] texts = {
        "x".repeat(ReadScratch.MAX_KEPT), // fills the thread's buffer to the brim
        "short",
        "",
        "y".repeat(ReadScratch.MAX_KEPT + 1), // past the buffer: read in place
        "Grüße, 世界! 🚀",
        "z".repeat(3000),
        "a",
    };
    try (BlobArena arena = BlobArena.open(dir)) {
      long[] refs = new long[texts.length];
      for (int i = 0; i < texts.length; i++) {
        refs[i] = arena.append(texts[i]);
      }
      // malformed UTF-8 decodes as new String does, replacement characters included
      byte[] malformed = {'o', 'k', (byte) 0xC3, (byte) 0xFF, (byte) 0xE2, (byte) 0x82, '!'};
      long bad = arena.append(malformed);
      for (int n = 0; n < 200; n++) {
        int i = r.nextInt(texts.length + 1);
        if (i == texts.length) {
          assertEquals(new String(malformed, StandardCharsets.UTF_8), arena.readString(bad), "seed " + seed);
        } else {
          assertEquals(texts[i], arena.readString(refs[i]), "text " + i + ", seed " + seed);
        }
      }
    }
  }

  @Test
  void aFailedReadLeavesNothingToTheNext() throws IOException {
    long a;
    long b;
    long c;
    try (BlobArena arena = BlobArena.open(dir)) {
      a = arena.append("the first text, damaged first");
      b = arena.append("the second text, never damaged");
      c = arena.append("the third text, damaged last");
    }
    Path file = dir.resolve("blobs-1.arena");
    byte[] bytes = Files.readAllBytes(file);
    try (BlobArena arena = BlobArena.open(dir)) {
      flipABit(file, indexOf(bytes, "damaged first".getBytes()));
      var first = assertThrows(CorruptFileException.class, () -> arena.readString(a));
      assertTrue(first.getMessage().contains("checksum"), first.getMessage());
      assertEquals("the second text, never damaged", arena.readString(b), "a good text after a failed read");
      assertEquals("the third text, damaged last", arena.readString(c));
      flipABit(file, indexOf(bytes, "damaged last".getBytes()));
      assertThrows(CorruptFileException.class, () -> arena.readString(c), "a flipped bit after good reads");
      assertThrows(CorruptFileException.class, () -> arena.readString(a));
      assertEquals("the second text, never damaged", arena.readString(b));
      assertTrue(arena.free(b));
      assertThrows(InvalidBlobRefException.class, () -> arena.readString(b));
    }
  }

  /** Damages the file behind the arena's back, through the shared page cache. */
  private static void flipABit(Path file, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x04)).rewind();
      ch.write(one, at);
    }
  }
}
