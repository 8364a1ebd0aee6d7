package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails because the files cannot grow (a full device; here the process's file size limit,
 * which makes the growth an IOException as a full device does) leaves the index as it was: it goes on
 * working, and a flush after it writes a manifest that opens.
 */
@SuppressWarnings("restricted") // setrlimit through the native linker, as the kernels' own downcalls
class FailedWriteTest {

  private static final int RLIMIT_FSIZE = 1; // Linux

  @TempDir
  Path dir;

  /**
   * Vectors of the largest dimension and one per page: the ninth insert splits the full first leaf, and
   * the pages of the two new leaves are the first to need the page file's second MiB.
   */
  @Test
  void aSplitThatCannotGrowThePageFileLeavesTheIndexAsItWas() throws Throwable {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = AtlasConfig.MAX_DIM;
    Random r = new Random(31);
    float[][] vs = new float[10][];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = AtlasIndexTest.randomVector(r, dim);
    }
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
   * A remove that compacts its leaf (the quarter of its entries deleted) into pages the page file cannot grow
   * to leaves the index as it was: the id is still there, and removing it again once there is room works.
   * The compaction writes its three pages of entries into three fresh ones, past the three in use.
   */
  @Test
  void aRemoveWhoseCompactionCannotGrowThePageFileLeavesTheIndexAsItWas() throws Throwable {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "setrlimit(RLIMIT_FSIZE) is Linux's");
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
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "setrlimit(RLIMIT_FSIZE) is Linux's");
    int dim = 1024;
    AtlasConfig config = AtlasConfig.of(dim);
    Random r = new Random(43);
    int n = 2 * config.leafCapacity(); // enough for a bulk build
    long[] ids = new long[n];
    float[][] vs = new float[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
      vs[i] = AtlasIndexTest.randomVector(r, dim);
    }
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

  /** An index that cannot be created reports it and leaves no file open. */
  @Test
  void aCreateThatCannotWriteItsFilesClosesThem() throws Throwable {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "setrlimit(RLIMIT_FSIZE) is Linux's");
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
    Linker linker = Linker.nativeLinker();
    FunctionDescriptor d = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    MethodHandle get = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), d);
    MethodHandle set = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), d);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment old = arena.allocate(16, 8), limited = arena.allocate(16, 8);
      assertEquals(0, (int) get.invokeExact(RLIMIT_FSIZE, old));
      limited.set(ValueLayout.JAVA_LONG, 0, bytes); // soft limit
      limited.set(ValueLayout.JAVA_LONG, 8, old.get(ValueLayout.JAVA_LONG, 8)); // hard limit unchanged
      assertEquals(0, (int) set.invokeExact(RLIMIT_FSIZE, limited));
      try {
        body.run();
      } finally {
        assertEquals(0, (int) set.invokeExact(RLIMIT_FSIZE, old));
      }
    }
  }

  private interface ThrowingRunnable {
    void run() throws Throwable;
  }
}
