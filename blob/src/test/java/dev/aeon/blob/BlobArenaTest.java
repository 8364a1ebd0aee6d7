package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static dev.aeon.common.testing.FileBytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.ebr.Guard;
import dev.aeon.common.testing.FileBytes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobArenaTest {

  @TempDir
  Path dir;

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @Test
  void blobsFromZeroBytesTo64MiBRoundTripAndSurviveReopen() throws IOException {
    int[] sizes = {0, 1, 7, 8, 17, 600, 4095, 4096, 65_537, 1 << 20, 64 << 20};
    Random r = new Random(1);
    List<byte[]> blobs = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    try (BlobArena arena = BlobArena.open(dir)) {
      for (int size : sizes) {
        byte[] b = randomBytes(r, size);
        blobs.add(b);
        refs.add(arena.append(b));
      }
      for (int i = 0; i < sizes.length; i++) {
        assertArrayEquals(blobs.get(i), arena.readBytes(refs.get(i)), "size " + sizes[i]);
        assertEquals(sizes[i], arena.length(refs.get(i)));
      }
      assertEquals(sizes.length, arena.verify().liveBlobs());
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      for (int i = 0; i < sizes.length; i++) {
        assertArrayEquals(blobs.get(i), arena.readBytes(refs.get(i)), "after reopen, size " + sizes[i]);
      }
      long more = arena.append("after reopen");
      assertTrue(more > refs.getLast(), "refs are never reused");
      assertEquals(sizes.length + 1, arena.verify().liveBlobs());
    }
    assertEquals(sizes.length + 1, BlobArena.verifyFile(dir.resolve("blobs-1.arena")).liveBlobs());
  }

  @Test
  void stringsAreUtf8AndSlicesAreReadOnlyZeroCopyViews() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      String text = "Grüße, 世界! 🚀 the user asked about the weather";
      long ref = arena.append(text);
      assertEquals(text, arena.readString(ref));
      assertThrows(IllegalStateException.class, () -> arena.slice(ref), "slice outside a guard is misuse");
      try (Guard g = arena.enter()) {
        MemorySegment s = arena.slice(ref);
        assertTrue(s.isReadOnly());
        assertTrue(s.isMapped(), "a slice is a view of the mapped file, not a copy");
        assertEquals(text, new String(s.toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
      }
    }
  }

  @Test
  void aStringWithAnUnpairedSurrogateIsRefusedNotStoredAsAnother() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      long next = arena.nextRef();
      var e = assertThrows(IllegalArgumentException.class, () -> arena.append("ab\uD800cd"));
      assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
      assertEquals(next, arena.nextRef(), "nothing was stored");
      assertEquals("a \uD83D\uDE80 pair", arena.readString(arena.append("a \uD83D\uDE80 pair")));
    }
  }

  @Test
  void freedAndUnknownRefsAreClearErrors() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      long a = arena.append("a");
      long b = arena.append("b");
      assertTrue(arena.free(a));
      assertFalse(arena.free(a), "a second free is a no-op so that replays are harmless");
      assertFalse(arena.contains(a));
      assertThrows(InvalidBlobRefException.class, () -> arena.readBytes(a));
      assertThrows(InvalidBlobRefException.class, () -> arena.readBytes(b + 1000));
      assertThrows(InvalidBlobRefException.class, () -> arena.readBytes(0));
      assertThrows(InvalidBlobRefException.class, () -> arena.readBytes(-5));
      assertThrows(InvalidBlobRefException.class, () -> arena.free(b + 1000));
      assertEquals("b", arena.readString(b));
      arena.force();
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      assertFalse(arena.contains(1), "a forced free survives reopen");
      assertEquals("b", arena.readString(2));
      assertEquals(1, arena.stats().freeBlobs());
    }
  }

  @Test
  void liveRefsAboveOneAreAscendingWithoutTheFreedOnes() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      for (int i = 1; i <= 2_100; i++) { // three pages of the ref table
        arena.append("text-" + i);
      }
      arena.free(4);
      arena.free(2_050);
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      long later = arena.append("after reopen");
      assertArrayEquals(new long[] {3, 5, 6}, Arrays.copyOf(arena.liveRefsAbove(2), 3));
      assertArrayEquals(new long[] {2_049, 2_051, 2_052}, Arrays.copyOf(arena.liveRefsAbove(2_048), 3));
      assertEquals(2_100 - 2 - 2 + 1, arena.liveRefsAbove(2).length, "and the one appended after the reopen");
      assertArrayEquals(new long[] {2_100, later}, arena.liveRefsAbove(2_099));
      assertArrayEquals(new long[] {}, arena.liveRefsAbove(later));
    }
  }

  @Test
  void gcKeepsRefsDropsTheDeadAndDeletesTheOldGeneration() throws IOException {
    Random r = new Random(2);
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      List<Long> refs = new ArrayList<>();
      List<byte[]> blobs = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        byte[] b = randomBytes(r, r.nextInt(1200));
        blobs.add(b);
        refs.add(arena.append(b));
      }
      for (int i = 0; i < 2000; i += 3) {
        arena.free(refs.get(i));
      }
      // the caller's live set drops every blob with index % 3 == 1 as well
      GcResult gc = arena.gc(ref -> (refs.indexOf(ref) % 3) != 1);
      assertEquals(1, gc.fromGeneration());
      assertEquals(2, gc.toGeneration());
      assertEquals(666, gc.keptBlobs());
      assertEquals(667, gc.droppedBlobs());
      assertTrue(gc.bytesAfter() < gc.bytesBefore() / 2);
      assertEquals(List.of("blobs-2.arena", "blobs.lock"), fileNames());
      for (int i = 0; i < 2000; i++) {
        if (i % 3 == 2) {
          assertArrayEquals(blobs.get(i), arena.readBytes(refs.get(i)), "same ref after gc");
        } else {
          assertFalse(arena.contains(refs.get(i)));
        }
      }
      assertEquals(666, arena.verify().liveBlobs());
      assertEquals(0, arena.stats().freeBlobs());
      long after = arena.append("after gc");
      assertEquals("after gc", arena.readString(after));
    }
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals(2, arena.stats().generation());
      assertEquals(667, arena.stats().liveBlobs());
    }
  }

  @Test
  void blobsFreedDuringACollectionCountAsFreeInTheNewGeneration() throws Exception {
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      long[] refs = new long[20_000];
      for (int i = 0; i < refs.length; i++) {
        refs[i] = arena.append(new byte[500]);
      }
      // the frees wait for the lock the listing holds, then run while the collection copies 10 MB
      java.util.concurrent.CountDownLatch listed = new java.util.concurrent.CountDownLatch(1);
      Thread freer = Thread.ofPlatform().start(() -> {
        try {
          listed.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        for (int i = 0; i < 100; i++) {
          arena.free(refs[i]);
        }
      });
      GcResult gc = arena.gc(ref -> {
        if (ref == refs[refs.length - 1]) {
          listed.countDown();
        }
        return true;
      });
      freer.join();
      // Frees that came after the copy are counted as any free is; those during it (as a rule, all of them:
      // gc.droppedBlobs() says how many) were counted as neither live nor free. Either way all 100 count.
      ArenaStats stats = arena.stats();
      assertEquals(100, stats.freeBlobs(), "their FREE frames take space in the new file: " + stats);
      assertEquals(arena.verify(), stats, "the counts must be those of the frames");
      assertEquals(stats.liveBytes() + stats.freeBytes(), gc.bytesAfter(),
          "bytesAfter counts the frames of the new generation, freed ones included: " + gc);
    }
  }

  @Test
  void theLiveSetOfACollectionMayNotFreeOrAppend() throws IOException {
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      long a = arena.append("a text freed while the collection lists what to keep");
      long b = arena.append("b");
      // a is listed first; a free of it while b is asked about would copy it as live, and never erase it
      assertThrows(IllegalStateException.class, () -> arena.gc(ref -> {
        if (ref == b) {
          arena.free(a);
        }
        return true;
      }));
      assertThrows(IllegalStateException.class, () -> arena.gc(ref -> arena.append("c") > 0));
      assertEquals("a text freed while the collection lists what to keep", arena.readString(a));
      assertTrue(arena.free(a), "the refused free freed nothing");
      GcResult gc = arena.gc();
      assertEquals(1, gc.keptBlobs());
      assertFalse(arena.contains(a));
      assertEquals(arena.verify(), arena.stats());
      assertFalse(filesContain("a text freed".getBytes()), "a freed blob's bytes survived the collection");
    }
  }

  @Test
  void autoGcStartsWhenTheGarbageRatioPassesTheThreshold() throws Exception {
    BlobArenaOptions options = BlobArenaOptions.defaults().withAutoGcMinBytes(0).withGcThreshold(0.5);
    try (BlobArena arena = BlobArena.open(dir, options, null)) {
      long[] refs = new long[10];
      for (int i = 0; i < refs.length; i++) {
        refs[i] = arena.append(new byte[1000]);
      }
      for (int i = 0; i < 4; i++) {
        arena.free(refs[i]);
      }
      arena.awaitBackgroundGc();
      assertEquals(1, arena.stats().generation(), "40% garbage: below the threshold");
      arena.free(refs[4]);
      arena.awaitBackgroundGc();
      assertEquals(2, arena.stats().generation(), "50% garbage: collected (on a thread of its own)");
      assertEquals(5, arena.stats().liveBlobs());
      assertEquals(1000, arena.length(refs[9]));
    }
  }

  @Test
  void freedBytesAreErasedAfterForceAndGoneFromEveryFileAfterGc() throws IOException {
    byte[] secret = "SECRET-MARKER-0123456789-the-user-asked-to-forget-this".getBytes();
    byte[] kept = "KEPT-MARKER-abcdefghijklmnopqrstuvwxyz".getBytes();
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY),
        null)) {
      long s = arena.append(secret);
      long k = arena.append(kept);
      arena.force();
      assertTrue(filesContain(secret));
      arena.free(s);
      arena.force(); // FREE state durable; erasure handed to EBR
      arena.epochs().awaitReclaimed(java.time.Duration.ofSeconds(10));
      arena.force(); // the zeroed bytes reach the file
      assertFalse(filesContain(secret), "a freed blob's bytes must be erased after force");
      assertTrue(filesContain(kept));
      long s2 = arena.append(secret);
      arena.free(s2);
      arena.gc();
      assertFalse(filesContain(secret), "gc must leave no byte of a freed blob in any file");
      assertEquals(new String(kept), arena.readString(k));
    }
  }

  @Test
  void corruptedFramesAreDetectedOnOpenReadAndVerify() throws IOException {
    long ref;
    try (BlobArena arena = BlobArena.open(dir)) {
      arena.append("first");
      ref = arena.append("a blob whose payload will be damaged");
    }
    Path file = dir.resolve("blobs-1.arena");
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, "damaged".getBytes());
    bytes[at] ^= 0x01;
    Files.write(file, bytes);
    var e = assertThrows(dev.aeon.common.io.CorruptFileException.class, () -> BlobArena.open(dir));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertThrows(dev.aeon.common.io.CorruptFileException.class, () -> BlobArena.verifyFile(file));
    bytes[at] ^= 0x01;
    Files.write(file, bytes);
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals("a blob whose payload will be damaged", arena.readString(ref));
      // damage behind the arena's back, through the shared page cache: the read must refuse it
      try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), at);
      }
      var r = assertThrows(dev.aeon.common.io.CorruptFileException.class, () -> arena.readString(ref));
      assertTrue(r.getMessage().contains("blob " + ref), r.getMessage());
      assertThrows(dev.aeon.common.io.CorruptFileException.class, arena::verify);
    }
  }

  /** A copy of the file with its header's static checksum made to match, as a release that wrote it would have. */
  private static byte[] withHeaderChecksum(byte[] original) {
    byte[] file = original.clone();
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(file, 0, dev.aeon.blob.format.ArenaHeader.STATIC_CRC_OFFSET);
    java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(dev.aeon.blob.format.ArenaHeader.STATIC_CRC_OFFSET, (int) crc.getValue());
    return file;
  }

  @Test
  void headerProblemsHaveDistinctErrors() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      arena.append("x");
    }
    Path file = dir.resolve("blobs-1.arena");
    byte[] good = Files.readAllBytes(file);
    byte[] newer = good.clone();
    newer[dev.aeon.blob.format.ArenaHeader.VERSION_OFFSET] = 9;
    Files.write(file, withHeaderChecksum(newer));
    assertThrows(dev.aeon.common.io.FormatTooNewException.class, () -> BlobArena.open(dir));
    byte[] older = good.clone();
    older[dev.aeon.blob.format.ArenaHeader.VERSION_OFFSET] = 0;
    Files.write(file, withHeaderChecksum(older));
    assertThrows(dev.aeon.common.io.FormatTooOldException.class, () -> BlobArena.open(dir));
    // The same versions with the checksum left as it was: the version field may be what is damaged
    Files.write(file, newer);
    var damaged = assertThrows(dev.aeon.common.io.CorruptFileException.class, () -> BlobArena.open(dir));
    assertTrue(damaged.getMessage().contains("checksum mismatch, and its version field reads 9"), damaged.getMessage());
    Files.write(file, older);
    assertThrows(dev.aeon.common.io.CorruptFileException.class, () -> BlobArena.open(dir));
    byte[] magic = good.clone();
    magic[0] = 'X';
    Files.write(file, magic);
    var e = assertThrows(dev.aeon.common.io.CorruptFileException.class, () -> BlobArena.open(dir));
    assertEquals(0, e.offset());
    Files.write(file, good);
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals("x", arena.readString(1));
    }
  }

  @Test
  void aTornTailAfterTheLastForceIsCutOffAndTheRestSurvives() throws IOException {
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    long a, b, c;
    try (BlobArena arena = BlobArena.open(dir.resolve("live"))) {
      a = arena.append("forced blob");
      arena.force();
      b = arena.append("complete but not forced");
      c = arena.append("torn by the crash TTTTTTTTTTTTTTTT");
      // what the disk might hold after a crash now: the mapped writes are in the page cache
      byte[] image = Files.readAllBytes(dir.resolve("live").resolve("blobs-1.arena"));
      image[indexOf(image, "TTTT".getBytes())] = 0;
      Files.write(copy.resolve("blobs-1.arena"), image);
    }
    try (BlobArena arena = BlobArena.open(copy)) {
      assertEquals("forced blob", arena.readString(a));
      assertEquals("complete but not forced", arena.readString(b));
      assertFalse(arena.contains(c));
      long d = arena.append("next");
      assertTrue(d > b);
      assertEquals(3, arena.verify().liveBlobs());
    }
    assertFalse(indexOf(Files.readAllBytes(copy.resolve("blobs-1.arena")), "torn by".getBytes()) >= 0,
        "no byte of the torn tail may survive recovery");
  }

  @Test
  void aDirectoryCanBeOpenedOnlyOnce() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      assertThrows(IllegalStateException.class, () -> BlobArena.open(dir));
    }
    BlobArena.open(dir).close();
  }

  @Test
  void leftoversOfAnInterruptedGcAreCleanedUpOnOpen() throws IOException {
    try (BlobArena arena = BlobArena.open(dir)) {
      arena.append("survivor");
    }
    Files.write(dir.resolve("blobs-2.arena.tmp"), new byte[] {1, 2, 3}); // a collection that died mid-copy
    try (BlobArena arena = BlobArena.open(dir)) {
      assertEquals("survivor", arena.readString(1));
      assertEquals(1, arena.stats().generation());
    }
    assertEquals(List.of("blobs-1.arena", "blobs.lock"), fileNames());
  }

  @Test
  void oversizedBlobsAreRefused() throws IOException {
    try (BlobArena arena = BlobArena.open(dir, BlobArenaOptions.defaults().withMaxBlobBytes(100), null)) {
      assertThrows(IllegalArgumentException.class, () -> arena.append(new byte[101]));
      assertEquals(100, arena.length(arena.append(new byte[100])));
    }
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private boolean filesContain(byte[] needle) throws IOException {
    return filesContain(dir, needle);
  }

  /** Whether any file in {@code dir} holds {@code needle}. */
  static boolean filesContain(Path dir, byte[] needle) throws IOException {
    return !FileBytes.filesContaining(dir, needle).isEmpty();
  }
}
