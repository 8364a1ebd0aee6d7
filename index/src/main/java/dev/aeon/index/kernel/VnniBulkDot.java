package dev.aeon.index.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bulk INT8 scoring with AVX-512 VNNI's {@code vpdpbusd}, which multiplies 64 byte pairs and adds them
 * four by four into 32-bit lanes in one instruction. The Vector API cannot emit it (its INT8 products
 * take nine instructions per 64 bytes, {@link SimdKernels}), so the code is assembled from
 * {@code index/src/main/asm/bulk_dot_i8_vnni.s} into {@link VnniCode}, copied into a page that libc's
 * {@code mmap} and {@code mprotect} make executable (written first, then read-and-execute, never both),
 * and called through a critical downcall: no thread-state transition, and heap arrays are passed in
 * place. A thread in such a call holds off safepoints (and so the GC), so one call scores at most
 * {@link #VECTORS_PER_CALL} vectors, a few microseconds of work; longer runs are split.
 *
 * <p>Available on Linux x86-64 when {@code /proc/cpuinfo} lists AVX-512 F, BW and VNNI and BMI2, and when
 * the mapped code passes a self-check against the scalar kernel; otherwise {@link #unavailableReason()}
 * says why and callers keep the Vector API kernel. The Java side checks every bound before the call.
 */
// Mapping and calling native code is this class's job: the JVM runs with --enable-native-access, and
// where native access is denied the kernel stays unavailable.
@SuppressWarnings("restricted")
final class VnniBulkDot {

  private static final Set<String> CPU_FLAGS = Set.of("avx512f", "avx512bw", "avx512_vnni", "bmi2");
  static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
  private static final int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;
  static final int VECTORS_PER_CALL = 1024;

  private static final String UNAVAILABLE;
  /** The kernel with the codes as a segment (on the heap); {@link #BULK_AT_ADDRESS} takes their address. */
  private static final MethodHandle BULK;
  private static final MethodHandle BULK_AT_ADDRESS;

  static {
    String reason;
    MethodHandle bulk = null, bulkAtAddress = null;
    try {
      reason = unsupportedPlatform();
      if (reason == null) {
        MemorySegment code = mapExecutable(code());
        Linker linker = Linker.nativeLinker();
        bulk = linker.downcallHandle(code,
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.critical(true));
        // The same function: on x86-64 a pointer argument travels in the same register as a long.
        bulkAtAddress = linker.downcallHandle(code,
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.critical(true));
        reason = selfCheck(bulk, bulkAtAddress);
      }
    } catch (Throwable e) { // an unusual libc or a restricted JVM: keep the Vector API kernel
      reason = "the code could not be mapped and linked: " + e;
    }
    UNAVAILABLE = reason;
    BULK = reason == null ? bulk : null;
    BULK_AT_ADDRESS = reason == null ? bulkAtAddress : null;
  }

  private VnniBulkDot() {}

  /** Why this kernel cannot run here, or empty if it can. */
  static Optional<String> unavailableReason() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  /**
   * {@link VectorKernels#bulkDotI8(Int8Query, MemorySegment, long, int, int[])}; exact for any byte values
   * as long as each dot product fits in an int. Only call when {@link #unavailableReason()} is empty.
   *
   * <p>Mapped codes are passed by address, not as a segment. A downcall acquires a segment's session for
   * its duration, a compare-and-set on one counter that every reader of the index's pages shares: on
   * every call, readers on different cores took that cache line from each other, and the first time two of
   * them collided the JIT threw this method's compiled code away (the failed compare-and-set had never been
   * profiled), so until it was compiled again every search ran it unoptimised. An address also needs no
   * new segment per call. The caller keeps {@code codes} mapped for the call (Atlas readers are inside the
   * index's reader gate, and closing the index waits for them); it is checked to be alive here, as an
   * access through it would be.
   */
  static void bulkDotI8(Int8Query query, MemorySegment codes, long codesOffset, int count, int[] out) {
    int dim = query.dim();
    Kernels.checkBulk(codes, codesOffset, dim, count, out);
    MemorySegment scores = query.scoreSegment(out);
    long bias = 128L * query.codeSum;
    boolean mapped = codes.isNative();
    if (mapped && !codes.scope().isAlive()) {
      throw new IllegalStateException("the codes' arena is closed");
    }
    for (int from = 0; from < count; from += VECTORS_PER_CALL) {
      int n = Math.min(VECTORS_PER_CALL, count - from);
      long at = codesOffset + (long) from * dim;
      MemorySegment into = from == 0 ? scores : scores.asSlice((long) from * Integer.BYTES);
      try {
        if (mapped) {
          BULK_AT_ADDRESS.invokeExact(query.codeSegment, codes.address() + at, (long) dim, (long) n, into, bias);
        } else {
          MemorySegment block = at == 0 ? codes : codes.asSlice(at);
          BULK.invokeExact(query.codeSegment, block, (long) dim, (long) n, into, bias);
        }
      } catch (Throwable e) {
        throw new IllegalStateException("VNNI bulk kernel failed", e);
      }
    }
    Reference.reachabilityFence(codes); // an address does not keep an automatic arena's memory alive
  }

  private static byte[] code() {
    return HexFormat.ofDelimiter(" ").parseHex(String.join(" ", VnniCode.BULK_DOT_I8));
  }

  private static String unsupportedPlatform() throws IOException {
    String arch = System.getProperty("os.arch");
    if (!System.getProperty("os.name").startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "it is x86-64 Linux code and this is " + System.getProperty("os.name") + " on " + arch;
    }
    Path cpuinfo = Path.of("/proc/cpuinfo");
    String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
    List<String> present = List.of(flags.substring(flags.indexOf(':') + 1).trim().split("\\s+"));
    for (String flag : CPU_FLAGS) {
      if (!present.contains(flag)) {
        return "this CPU lacks " + flag;
      }
    }
    return null;
  }

  /** Copies the code into fresh pages, then turns them from writable to executable. */
  private static MemorySegment mapExecutable(byte[] code) throws Throwable {
    MemorySegment pages = mapAnonymous(code.length);
    pages.copyFrom(MemorySegment.ofArray(code));
    protect(pages, PROT_READ | PROT_EXEC);
    return pages;
  }

  /** Maps {@code size} fresh bytes (zeroed), readable and writable, with libc's {@code mmap}. */
  static MemorySegment mapAnonymous(long size) throws Throwable {
    MethodHandle mmap = libc("mmap",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    MemorySegment pages = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
    if (pages.address() == -1L) {
      throw new IllegalStateException("mmap of " + size + " bytes failed");
    }
    return pages.reinterpret(size);
  }

  /** Sets the protection ({@code PROT_*} bits) of page-aligned {@code pages} with libc's {@code mprotect}. */
  static void protect(MemorySegment pages, int prot) throws Throwable {
    MethodHandle mprotect = libc("mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    if ((int) mprotect.invokeExact(pages, pages.byteSize(), prot) != 0) {
      throw new IllegalStateException("mprotect to " + prot + " failed");
    }
  }

  /** A downcall handle for the C library's function {@code name}. */
  static MethodHandle libc(String name, FunctionDescriptor descriptor) {
    Linker linker = Linker.nativeLinker();
    return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
  }

  /**
   * Scores a small page of odd length against the scalar kernel, through both handles (codes on the heap,
   * codes at a native address): the code must be exact before it is used.
   */
  private static String selfCheck(MethodHandle bulk, MethodHandle bulkAtAddress) throws Throwable {
    int dim = 71, count = 6;
    byte[] query = new byte[dim], codes = new byte[dim * count];
    var random = new java.util.Random(dim);
    random.nextBytes(query);
    random.nextBytes(codes);
    long querySum = 0;
    for (byte b : query) {
      querySum += b;
    }
    int[] onHeap = new int[count], atAddress = new int[count], expected = new int[count];
    bulk.invokeExact(MemorySegment.ofArray(query), MemorySegment.ofArray(codes), (long) dim, (long) count,
        MemorySegment.ofArray(onHeap), 128L * querySum);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment nativeCodes = arena.allocate(codes.length).copyFrom(MemorySegment.ofArray(codes));
      bulkAtAddress.invokeExact(MemorySegment.ofArray(query), nativeCodes.address(), (long) dim, (long) count,
          MemorySegment.ofArray(atAddress), 128L * querySum);
    }
    ScalarKernels.INSTANCE.bulkDotI8(MemorySegment.ofArray(query), 0, MemorySegment.ofArray(codes), 0, dim, count,
        expected);
    return Arrays.equals(onHeap, expected) && Arrays.equals(atAddress, expected) ? null
        : "its self-check disagreed with the scalar kernel";
  }
}
