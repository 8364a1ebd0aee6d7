package dev.aeon.index.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VNNI machine code against the scalar kernel: every length the four-vector loop, the one-vector loop
 * and the masked tail can meet, codes at odd offsets, on the heap and off it, every byte value, and codes
 * that end where readable memory ends.
 */
class VnniBulkDotTest {

  private static final long SEED = Long.getLong("aeon.test.seed", System.nanoTime());
  private static final int[] COUNTS = {0, 1, 2, 3, 4, 5, 7, 8, 9, 67};

  static {
    System.out.println("VnniBulkDotTest seed " + SEED + " (rerun with -Daeon.test.seed=" + SEED + ")");
  }

  /** Fails, rather than skips, when a CPU that has VNNI does not get the kernel. */
  @Test
  void availableExactlyWhereTheCpuHasVnni() throws IOException {
    boolean x86Linux = System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64");
    boolean vnni = x86Linux && Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512_vnni");
    assertEquals(vnni, VnniBulkDot.unavailableReason().isEmpty(), "unavailable because: "
        + VnniBulkDot.unavailableReason().orElse("(available)"));
    if (vnni && System.getProperty("aeon.kernels") == null) { // else the kernels were chosen by hand
      assertEquals(VnniKernels.class, Kernels.best().getClass());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 63, 64, 65, 127, 383, 384, 767, 768, 784, 1023, 1536})
  void matchesScalarOnEveryLengthAndCount(int dim) {
    assumeVnni();
    Random r = new Random(SEED + dim);
    try (Arena arena = Arena.ofConfined()) {
      for (int count : COUNTS) {
        byte[] q = randomBytes(r, dim);
        long offset = r.nextInt(64); // codes need not be aligned
        byte[] heapPage = randomBytes(r, (int) offset + count * dim);
        MemorySegment nativePage = arena.allocate(heapPage.length).copyFrom(MemorySegment.ofArray(heapPage));
        for (MemorySegment page : new MemorySegment[] {nativePage, MemorySegment.ofArray(heapPage)}) {
          assertArrayEquals(scalar(q, page, offset, dim, count), vnni(q, page, offset, dim, count),
              "dim " + dim + ", count " + count + ", offset " + offset + ", " + (page.isNative() ? "off" : "on")
                  + " heap");
        }
      }
    }
  }

  @Test
  void extremeCodesDoNotOverflow() {
    assumeVnni();
    int dim = 1536, count = 5;
    for (byte value : new byte[] {-128, -127, 127}) {
      byte[] q = new byte[dim], page = new byte[dim * count];
      java.util.Arrays.fill(q, value);
      java.util.Arrays.fill(page, value);
      int[] scores = vnni(q, MemorySegment.ofArray(page), 0, dim, count);
      for (int score : scores) {
        assertEquals(dim * value * value, score, "all " + value);
      }
      java.util.Arrays.fill(q, (byte) Math.min(127, -value));
      assertArrayEquals(scalar(q, MemorySegment.ofArray(page), 0, dim, count),
          vnni(q, MemorySegment.ofArray(page), 0, dim, count), "opposite signs of " + value);
    }
  }

  /** The masked tail reads no byte past the last vector: here that byte would be an unreadable page. */
  @ParameterizedTest
  @ValueSource(ints = {1, 37, 64, 100, 784})
  void readsNothingPastTheLastVector(int dim) throws Throwable {
    assumeVnni();
    Random r = new Random(SEED * 7 + dim);
    long pageSize = 4096;
    MemorySegment pages = guardedPages(2 * pageSize);
    try {
      for (int count : new int[] {1, 3, 4, 5}) {
        long offset = pageSize - (long) count * dim; // the codes end where the unreadable page starts
        MemorySegment.copy(MemorySegment.ofArray(randomBytes(r, count * dim)), 0, pages, offset, (long) count * dim);
        byte[] q = randomBytes(r, dim);
        assertArrayEquals(scalar(q, pages, offset, dim, count), vnni(q, pages, offset, dim, count));
      }
    } finally {
      munmap(pages);
    }
  }

  @Test
  void checksBoundsBeforeTheCall() {
    assumeVnni();
    byte[] q = new byte[64];
    MemorySegment page = MemorySegment.ofArray(new byte[64 * 4]);
    assertThrows(IndexOutOfBoundsException.class, () -> vnni(q, page, 1, 64, 4));
    assertThrows(IllegalArgumentException.class,
        () -> VnniBulkDot.bulkDotI8(Int8Query.of(q), page, 0, 4, new int[3]));
    assertThrows(IllegalArgumentException.class,
        () -> VnniBulkDot.bulkDotI8(Int8Query.of(q), page, 0, -1, new int[4]));
  }

  /** More vectors than one call scores are split into calls, each writing its own part of the scores. */
  @Test
  void longRunsAreSplitIntoCalls() {
    assumeVnni();
    Random r = new Random(SEED * 5);
    int dim = 7, count = 2 * VnniBulkDot.VECTORS_PER_CALL + 3;
    byte[] q = randomBytes(r, dim);
    byte[] heapPage = randomBytes(r, 1 + count * dim);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment nativePage = arena.allocate(heapPage.length).copyFrom(MemorySegment.ofArray(heapPage));
      for (MemorySegment page : new MemorySegment[] {nativePage, MemorySegment.ofArray(heapPage)}) {
        assertArrayEquals(scalar(q, page, 1, dim, count), vnni(q, page, 1, dim, count));
      }
    }
  }

  /** A query keeps a segment over the last score array: each call must still write the array it is given. */
  @Test
  void aQueryScoresIntoWhicheverArrayEachCallGives() {
    assumeVnni();
    Random r = new Random(SEED * 11);
    int dim = 48, count = 5;
    Int8Query query = Int8Query.of(randomBytes(r, dim));
    try (Arena arena = Arena.ofConfined()) {
      int[] first = new int[count], second = new int[count + 2];
      for (int round = 0; round < 3; round++) {
        for (int[] out : new int[][] {first, second, first}) {
          byte[] codes = randomBytes(r, count * dim);
          MemorySegment page = arena.allocate(codes.length).copyFrom(MemorySegment.ofArray(codes));
          int[] expected = new int[out.length];
          java.util.Arrays.fill(expected, -1); // past count, nothing is written
          ScalarKernels.INSTANCE.bulkDotI8(query, page, 0, count, expected);
          java.util.Arrays.fill(out, -1);
          VnniBulkDot.bulkDotI8(query, page, 0, count, out);
          assertArrayEquals(expected, out, "round " + round + ", array of " + out.length);
        }
      }
    }
  }

  /** Codes whose arena is closed are refused, as a read through their segment would be, not read. */
  @Test
  void codesOfAClosedArenaAreRefused() {
    assumeVnni();
    Arena arena = Arena.ofShared();
    MemorySegment page = arena.allocate(64 * 2);
    arena.close();
    assertThrows(IllegalStateException.class,
        () -> VnniBulkDot.bulkDotI8(Int8Query.of(new byte[64]), page, 0, 2, new int[2]));
  }

  /** The committed hex table is what the committed assembly assembles to (checked where binutils exist). */
  @Test
  void theHexTableIsTheAssembly(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("as") && onPath("objdump"), "GNU as and objdump are not installed");
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    Path regenerated = dir.resolve("VnniCode.java");
    Process assemble = new ProcessBuilder("bash", module.resolve("src/main/asm/assemble").toString(),
        regenerated.toString()).redirectErrorStream(true).start();
    String log = new String(assemble.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, assemble.waitFor(), log);
    assertEquals(Files.readString(module.resolve("src/main/java/dev/aeon/index/kernel/VnniCode.java")),
        Files.readString(regenerated), "run index/src/main/asm/assemble after changing the assembly");
  }

  private static boolean onPath(String tool) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }

  private static int[] vnni(byte[] q, MemorySegment page, long offset, int dim, int count) {
    int[] out = new int[count];
    VnniBulkDot.bulkDotI8(Int8Query.of(q), page, offset, count, out);
    return out;
  }

  private static int[] scalar(byte[] q, MemorySegment page, long offset, int dim, int count) {
    int[] out = new int[count];
    ScalarKernels.INSTANCE.bulkDotI8(MemorySegment.ofArray(q), 0, page, offset, dim, count, out);
    return out;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b); // every value, -128 included
    return b;
  }

  private static void assumeVnni() {
    assumeTrue(VnniBulkDot.unavailableReason().isEmpty(), () -> "no VNNI kernel here: "
        + VnniBulkDot.unavailableReason().get());
  }

  /** Maps {@code size} bytes whose last 4096 are unreadable. */
  private static MemorySegment guardedPages(long size) throws Throwable {
    MemorySegment pages = VnniBulkDot.mapAnonymous(size);
    VnniBulkDot.protect(pages.asSlice(size - 4096), VnniBulkDot.PROT_NONE);
    return pages;
  }

  private static void munmap(MemorySegment pages) throws Throwable {
    MethodHandle munmap = VnniBulkDot.libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    assertEquals(0, (int) munmap.invokeExact(pages, pages.byteSize()));
  }
}
