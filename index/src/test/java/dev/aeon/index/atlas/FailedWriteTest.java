package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.common.testing.FileSizeLimit;
import dev.aeon.common.testing.SmallDevice;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails because the files cannot grow (a full device; here the process's file size limit,
 * which makes the growth an IOException as a full device does) leaves the index as it was: it goes on
 * working, and a flush after it writes a manifest that opens.
 */
class FailedWriteTest {

  @TempDir
  Path dir;

  /**
   * Vectors of the largest dimension and one per page: the ninth insert splits the full first leaf, and
   * the pages of the two new leaves are the first to need the page file's second MiB.
   */
  @Test
  void aSplitThatCannotGrowThePageFileLeavesTheIndexAsItWas() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = AtlasConfig.MAX_DIM;
    Random r = new Random(31);
    float[][] vs = AtlasIndexTest.randomVectors(r, 10, dim);
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, 1, 8, 4))) {
      for (int i = 0; i < 8; i++) {
        index.add(i, vs[i]);
      }
      assertEquals(1, index.stats().leaves());
      withFileSizeLimit(1, () -> assertThrows(UncheckedIOException.class, () -> index.add(8, vs[8])));
      assertFalse(index.contains(8));
      assertEquals(8, index.size());
      index.compact();
      index.flush();
    }
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(8, index.size());
      index.add(8, vs[8]);
      index.add(9, vs[9]);
      for (int i = 0; i < vs.length; i++) {
        assertEquals(i, index.search(vs[i], 1).ids()[0]);
      }
    }
  }

  /**
   * An add on a full device ({@link SmallDevice}, filled before each add) changes nothing: the stats are
   * those from before it, and once there is room the same add leaves the index just as a twin index that
   * never failed (the same stats, and a manifest with the same high-water marks and free lists). Vectors of
   * 4,096 dimensions in pages of two and leaves of four: the sidecar grows at most adds, the page and sketch
   * files at new pages, and the tree splits leaves and nodes all along. Before, a failed add kept the slot it
   * had taken, and one that could not grow the page file for its append also a page.
   */
  @Test
  void anAddOnAFullDeviceChangesNothing() throws Throwable {
    int dim = 4096;
    AtlasConfig config = new AtlasConfig(dim, 2, 2, 4);
    Random r = new Random(53);
    int n = 80;
    float[][] vs = AtlasIndexTest.randomVectors(r, n, dim);
    int sidecarFailures = 0, pageFailures = 0;
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 32)) {
      Path tried = device.root().resolve("tried");
      try (AtlasIndex index = AtlasIndex.create(tried, config);
          AtlasIndex twin = AtlasIndex.create(dir.resolve("twin"), config)) {
        for (int i = 0; i < n; i++) {
          AtlasStats before = index.stats();
          device.fill();
          try {
            index.add(i, vs[i]);
          } catch (UncheckedIOException e) {
            String what = e.getMessage();
            sidecarFailures += what.contains(dev.aeon.index.atlas.store.VectorFile.NAME) ? 1 : 0;
            pageFailures += what.contains(dev.aeon.index.atlas.store.PageFile.NAME)
                || what.contains(dev.aeon.index.atlas.store.PageFile.SKETCH_NAME) ? 1 : 0;
            assertFalse(index.contains(i));
            assertEquals(before, index.stats(), "after the failed add of " + i + " (" + what + ")");
            device.empty();
            index.add(i, vs[i]);
          } finally {
            device.empty();
          }
          twin.add(i, vs[i]);
          assertEquals(twin.stats(), index.stats(), "after the add of " + i);
        }
        assertTrue(sidecarFailures > 0 && pageFailures > 0, sidecarFailures + " adds failed to grow the sidecar, "
            + pageFailures + " the page or sketch file");
      } // the closes flush
      ManifestData m = Manifest.read(tried), expected = Manifest.read(dir.resolve("twin"));
      assertEquals(expected.slotHighWater(), m.slotHighWater(), "slots taken");
      assertEquals(expected.pageHighWater(), m.pageHighWater(), "pages taken");
      assertEquals(expected.freeSlots(), m.freeSlots());
      assertEquals(expected.freePages(), m.freePages());
      assertEquals(expected.nextLeafId(), m.nextLeafId());
      try (AtlasIndex index = AtlasIndex.open(tried)) {
        assertEquals(n, index.size());
        for (int i = 0; i < n; i++) {
          assertEquals(i, index.search(vs[i], 1).ids()[0]);
        }
      }
    }
  }

  /**
   * An add whose sidecar record is the first past the file's written part, in a chunk not mapped yet (here
   * the first add, of a vector larger than the 16 KiB a new file is written with): the file cannot grow, and
   * the failed add must not leave the slot taken. It did, and the manifest of the close named a slot past the
   * file's end: the index no longer opened ("file ends before unit 1").
   */
  @Test
  void aFailedFirstAddLeavesAnIndexThatOpens() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = 8192; // records of 32 KiB
    float[] v = AtlasIndexTest.randomVector(new Random(59), dim);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(dim))) {
      AtlasStats before = index.stats();
      withFileSizeLimit(1, () -> assertThrows(UncheckedIOException.class, () -> index.add(7, v)));
      assertEquals(before, index.stats());
    } // the close flushes
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(0, index.size());
      index.add(7, v);
      assertEquals(7, index.search(v, 1).ids()[0]);
    }
    assertEquals(1, Manifest.read(dir).slotHighWater());
  }

  /**
   * A remove that compacts its leaf (the quarter of its entries deleted) into pages the page file cannot grow
   * to leaves the index as it was: the id is still there, and removing it again once there is room works.
   * The compaction writes its three pages of entries into three fresh ones, past the three in use.
   */
  @Test
  void aRemoveWhoseCompactionCannotGrowThePageFileLeavesTheIndexAsItWas() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = 498, capacity = 8; // 16 + 12 * 8 + 8 * 498 = 4,096 bytes a page
    Random r = new Random(47);
    float[][] vs = new float[3 * capacity][];
    int last = vs.length / 4 - 1; // the remove that brings the deleted entries to a quarter
    try (AtlasIndex index = AtlasIndex.create(dir, new AtlasConfig(dim, capacity, 16, 4))) {
      for (int i = 0; i < vs.length; i++) {
        vs[i] = AtlasIndexTest.randomVector(r, dim);
        index.add(i, vs[i]);
      }
      for (int i = 0; i < last; i++) {
        index.remove(i);
      }
      long inUse = dev.aeon.index.atlas.store.FileHeader.BYTES + 3L * 4096; // nothing may be written past them
      withFileSizeLimit(inUse, () -> assertThrows(UncheckedIOException.class, () -> index.remove(last)));
      assertTrue(index.contains(last), "a remove that failed removed nothing");
      assertEquals(vs.length - last, index.size());
      assertEquals(last, index.search(vs[last], 1).ids()[0]);
      index.remove(last);
      assertFalse(index.contains(last));
    } // the close flushes
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(vs.length - last - 1, index.size());
      for (int i = last + 1; i < vs.length; i++) {
        assertEquals(i, index.search(vs[i], 1).ids()[0]);
      }
    }
  }

  /**
   * A bulk build (a first batch into an empty index) that cannot grow the sidecar leaves the empty index as
   * it was: it goes on taking vectors, and a flush after it writes a manifest that opens.
   */
  @Test
  void aBulkBuildThatCannotGrowTheSidecarLeavesTheIndexAsItWas() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = 1024;
    AtlasConfig config = AtlasConfig.of(dim);
    Random r = new Random(43);
    int n = 2 * config.leafCapacity(); // enough for a bulk build
    long[] ids = LongStream.range(0, n).toArray();
    float[][] vs = AtlasIndexTest.randomVectors(r, n, dim);
    Path sidecar = dir.resolve(dev.aeon.index.atlas.store.VectorFile.NAME);
    try (AtlasIndex index = AtlasIndex.create(dir, config)) {
      long written = java.nio.file.Files.size(sidecar);
      withFileSizeLimit(written, () -> assertThrows(UncheckedIOException.class, () -> index.addAll(ids, vs)));
      assertEquals(0, index.size());
      assertFalse(index.contains(0));
      index.add(0, vs[0]);
      assertEquals(0, index.search(vs[0], 1).ids()[0]);
      index.remove(0);
    } // the close flushes
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(0, index.size());
      index.addAll(ids, vs);
      for (int i = 0; i < n; i += 37) {
        assertEquals(i, index.search(vs[i], 1).ids()[0]);
      }
    }
  }

  /**
   * A bulk build on a device with room for a part of what it writes, for each part in steps of 16 KiB (the
   * smallest growth of a file), gives back every page and slot it took: in the flushed manifest of the empty
   * index every page and slot below the high-water marks is free. A page the page file could not grow to had
   * stayed taken.
   */
  @Test
  void aBulkBuildThatFailsAtAnyGrowthGivesBackEveryPage() throws Exception {
    int dim = 16;
    AtlasConfig config = new AtlasConfig(dim, 4, 4, 4);
    Random r = new Random(61);
    int n = 1000;
    long[] ids = LongStream.range(0, n).toArray();
    float[][] vs = AtlasIndexTest.randomVectors(r, n, dim);
    int pageFailures = 0;
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 16)) {
      for (int room = 0; ; room += 4) {
        Path d = device.root().resolve("index");
        boolean built;
        try (AtlasIndex index = AtlasIndex.create(d, config)) {
          device.fillLeaving(room);
          try {
            index.addAll(ids, vs);
            built = true;
          } catch (UncheckedIOException e) {
            built = false;
            pageFailures += e.getMessage().contains(dev.aeon.index.atlas.store.VectorFile.NAME) ? 0 : 1;
            assertEquals(0, index.size());
          } finally {
            device.empty();
          }
        } // the close flushes
        ManifestData m = Manifest.read(d);
        if (!built) {
          assertEquals(m.pageHighWater(), m.freePages().getCardinality(), "pages free with room for " + room);
          assertEquals(m.slotHighWater(), m.freeSlots().getCardinality(), "slots free with room for " + room);
        }
        try (AtlasIndex index = AtlasIndex.open(d)) {
          assertEquals(built ? n : 0, index.size());
        }
        try (var files = java.nio.file.Files.list(d)) {
          for (Path f : files.toList()) {
            java.nio.file.Files.delete(f);
          }
        }
        if (built) {
          break;
        }
      }
    }
    assertTrue(pageFailures > 0, "no build failed to grow the page or sketch file");
  }

  /**
   * A flush whose manifest cannot be written whole (the files cannot grow past the manifest's header) fails
   * and leaves no part of the manifest's temporary file behind: it names nothing, and on a full device it
   * holds blocks the other files need. The manifest in force is the last one written, and once the files can
   * grow the same flush goes through. A temporary left by a crash mid-flush is deleted when the index opens.
   */
  @Test
  void aManifestThatCannotBeWrittenLeavesNoTemporaryFile() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    Path temporary = dir.resolve(Manifest.NAME + ".tmp");
    float[] v = AtlasIndexTest.randomVector(new Random(67), 8);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasConfig.of(8))) {
      index.add(7, v);
      withFileSizeLimit(dev.aeon.index.atlas.store.FileHeader.BYTES,
          () -> assertThrows(IOException.class, index::flush));
      assertFalse(java.nio.file.Files.exists(temporary), "the failed flush's temporary manifest is left");
      assertEquals(0, Manifest.read(dir).slotHighWater(), "the manifest in force is the create's");
      index.flush();
      assertEquals(1, Manifest.read(dir).slotHighWater());
      assertFalse(java.nio.file.Files.exists(temporary));
    }
    java.nio.file.Files.write(temporary, new byte[7]); // as a crash between creating and renaming it leaves it
    try (AtlasIndex index = AtlasIndex.open(dir)) {
      assertEquals(7, index.search(v, 1).ids()[0]);
      assertFalse(java.nio.file.Files.exists(temporary), "a temporary left by a crash outlives the open");
    }
  }

  /** An index that cannot be created reports it and leaves no file open. */
  @Test
  void aCreateThatCannotWriteItsFilesClosesThem() throws Throwable {
    assumeTrue(FileSizeLimit.supported(), "setrlimit(RLIMIT_FSIZE) is Linux's");
    long before = openFiles();
    withFileSizeLimit(1, () -> assertThrows(IOException.class, () -> AtlasIndex.create(dir, AtlasConfig.of(8))));
    assertEquals(before, openFiles(), "file descriptors after a failed create");
  }

  private static long openFiles() throws IOException {
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Runs {@code body} while files of this process cannot grow past {@code bytes}. */
  private static void withFileSizeLimit(long bytes, ThrowingRunnable body) throws Throwable {
    try (FileSizeLimit limit = FileSizeLimit.of(bytes)) {
      body.run();
    }
  }

  private interface ThrowingRunnable {
    void run() throws Throwable;
  }
}
