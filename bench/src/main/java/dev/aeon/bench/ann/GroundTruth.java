package dev.aeon.bench.ann;

import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.VectorKernels;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import java.util.stream.IntStream;

/**
 * The exact top-k neighbours (by dot product of unit vectors) of every query, by brute force, cached
 * in a small checksummed file keyed by a CRC of the vectors: recomputing them for Fashion-MNIST's
 * 10,000 queries takes tens of seconds.
 *
 * <pre>
 *  "AEONGT01" | queries int32 | k int32 | key int64 | queries * k int32 ids | CRC32C of everything before
 * </pre>
 * (big-endian, {@link DataOutputStream}'s order).
 */
final class GroundTruth {

  private static final long MAGIC = 0x41454f4e47543031L; // "AEONGT01"

  private GroundTruth() {}

  static int[][] load(Dataset d, int k, Path cacheDir) throws IOException {
    long key = key(d, k);
    Path file = cacheDir.resolve(d.name() + "-" + d.base().length + "x" + d.queries().length + "-k" + k + ".gt");
    if (Files.exists(file)) {
      int[][] cached = read(file, key, d.queries().length, k);
      if (cached != null) {
        return cached;
      }
      System.out.println("  ground truth cache " + file + " is stale or damaged; recomputing");
    }
    long start = System.nanoTime();
    System.out.printf("  exact top-%d of %d queries over %d vectors (brute force, cached afterwards) ...%n",
        k, d.queries().length, d.base().length);
    int[][] truth = compute(d.base(), d.queries(), k);
    System.out.printf("  ground truth in %.1f s%n", (System.nanoTime() - start) / 1e9);
    write(file, key, truth, k);
    return truth;
  }

  /** Brute force over all base rows, queries in parallel (ties go to the lower id). */
  static int[][] compute(float[][] base, float[][] queries, int k) {
    int dim = base[0].length;
    float[] flat = new float[base.length * dim];
    for (int i = 0; i < base.length; i++) {
      System.arraycopy(base[i], 0, flat, i * dim, dim);
    }
    MemorySegment b = MemorySegment.ofArray(flat);
    VectorKernels kernels = Kernels.best();
    int[][] out = new int[queries.length][];
    IntStream.range(0, queries.length).parallel().forEach(q -> {
      MemorySegment qs = MemorySegment.ofArray(queries[q]);
      TopIds top = new TopIds(k);
      for (int i = 0; i < base.length; i++) {
        top.offer(kernels.dotF32(qs, 0, b, (long) i * dim * Float.BYTES, dim), i);
      }
      out[q] = top.idsDescending();
    });
    return out;
  }

  static long key(Dataset d, int k) {
    CRC32C crc = new CRC32C();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(d.dim() * Float.BYTES);
    for (float[][] rows : new float[][][] {d.base(), d.queries()}) {
      for (float[] v : rows) {
        buf.clear();
        buf.asFloatBuffer().put(v);
        crc.update(buf.array());
      }
    }
    return crc.getValue() ^ ((long) d.base().length << 32) ^ ((long) d.queries().length << 40) ^ ((long) k << 56);
  }

  private static int[][] read(Path file, long key, int queries, int k) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != 24 + 4L * queries * k + 4) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      if (in.readLong() != MAGIC || in.readInt() != queries || in.readInt() != k || in.readLong() != key) {
        return null;
      }
      int[][] out = new int[queries][k];
      for (int[] row : out) {
        for (int j = 0; j < k; j++) {
          row[j] = in.readInt();
        }
      }
      return in.readInt() == (int) crc.getValue() ? out : null;
    }
  }

  private static void write(Path file, long key, int[][] truth, int k) throws IOException {
    Files.createDirectories(file.getParent());
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(MAGIC);
      out.writeInt(truth.length);
      out.writeInt(k);
      out.writeLong(key);
      for (int[] row : truth) {
        for (int j = 0; j < k; j++) {
          out.writeInt(row[j]);
        }
      }
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
      out.write(body);
      out.writeInt((int) crc.getValue());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
