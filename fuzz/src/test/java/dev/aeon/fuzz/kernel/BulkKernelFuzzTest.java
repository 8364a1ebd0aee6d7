package dev.aeon.fuzz.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.index.kernel.Int8Query;
import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.ScalarKernels;
import dev.aeon.index.kernel.VectorKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Bulk INT8 scoring with the kernels this JVM uses (AVX-512 VNNI machine code where the CPU has it) against
 * the scalar kernel, on fuzzed lengths, counts, offsets and bytes, with the codes on the heap or off it and
 * ending exactly at the end of their segment. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class BulkKernelFuzzTest {

  private static final VectorKernels BEST = Kernels.best();

  @FuzzTest(maxDuration = "60s")
  void bulkScoresMatchTheScalarKernel(FuzzedDataProvider data) {
    int dim = data.consumeInt(0, 1600);
    int count = data.consumeInt(0, 40);
    int offset = data.consumeInt(0, 63);
    boolean offHeap = data.consumeBoolean();
    byte[] query = new byte[dim];
    byte[] page = new byte[offset + count * dim];
    byte[] given = data.consumeBytes(query.length + page.length);
    // Fuzzed bytes first, then bytes from a seed the fuzzer chose, so that short inputs still fill long vectors.
    Random rest = new Random(given.length == 0 ? 0 : given[0]);
    byte[] all = new byte[query.length + page.length];
    rest.nextBytes(all);
    System.arraycopy(given, 0, all, 0, given.length);
    System.arraycopy(all, 0, query, 0, dim);
    System.arraycopy(all, dim, page, 0, page.length);

    int[] expected = new int[count], actual = new int[count];
    ScalarKernels.INSTANCE.bulkDotI8(MemorySegment.ofArray(query), 0, MemorySegment.ofArray(page), offset, dim,
        count, expected);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment codes = offHeap
          ? arena.allocate(Math.max(1, page.length)).asSlice(0, page.length).copyFrom(MemorySegment.ofArray(page))
          : MemorySegment.ofArray(page);
      BEST.bulkDotI8(Int8Query.of(query), codes, offset, count, actual);
    }
    assertArrayEquals(expected, actual, () -> BEST.name() + ", dim " + dim + ", count " + count + ", offset "
        + offset + (offHeap ? ", off heap" : ", on heap"));
  }
}
