package dev.aeon.bench.locomo;

import static dev.aeon.bench.locomo.VectorFileLayout.*;

import dev.aeon.common.TextEmbedder;
import dev.aeon.common.UserCache;
import dev.aeon.common.io.Checksums;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.FormatTooNewException;
import dev.aeon.common.io.FormatTooOldException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Embeds texts once and keeps the vectors in files keyed by model, purpose (passage or query) and a
 * SHA-256 of the texts, so a benchmark rerun skips the model. A file that fails its checks is reported
 * and recomputed; it never feeds wrong vectors to a benchmark.
 */
public final class VectorCache {

  /** Whether the texts are stored passages or search queries: some models embed them differently. */
  public enum Purpose { PASSAGE, QUERY }

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ORDER);
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ORDER);
  private static final int PROGRESS_CHUNK = 256;

  private final Path dir;

  public VectorCache(Path dir) {
    this.dir = dir;
  }

  /** {@code $AEON_CACHE/vectors} if set, else {@code ~/.cache/aeon/vectors}. */
  public static Path defaultDir() {
    return UserCache.root().resolve("vectors");
  }

  /** The vectors of the texts, from the cache or computed (with progress output) and then cached. */
  public List<float[]> vectors(TextEmbedder embedder, Purpose purpose, List<String> texts) throws IOException {
    if (texts.isEmpty()) {
      return List.of();
    }
    byte[] key = key(embedder.model(), purpose, texts);
    Path file = dir.resolve(fileName(embedder.model(), purpose, key));
    if (Files.exists(file)) {
      try {
        List<float[]> cached = read(file, key);
        if (cached.size() == texts.size() && cached.getFirst().length == embedder.dimension()) {
          return cached;
        }
      } catch (FileFormatException e) {
        System.err.println("vector cache: " + e.getMessage() + "; recomputing");
      }
    }
    List<float[]> vectors = embed(embedder, purpose, texts);
    write(file, key, embedder.model(), vectors);
    return vectors;
  }

  private static List<float[]> embed(TextEmbedder embedder, Purpose purpose, List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    long start = System.nanoTime();
    long lastReport = start;
    for (int from = 0; from < texts.size(); from += PROGRESS_CHUNK) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + PROGRESS_CHUNK));
      out.addAll(purpose == Purpose.QUERY ? embedder.embedQueries(chunk) : embedder.embedAll(chunk));
      long now = System.nanoTime();
      if (now - lastReport > 1_000_000_000L || out.size() == texts.size()) {
        System.out.printf(Locale.ROOT, "  embedded %d/%d %s texts with %s (%.0f/s)%n", out.size(), texts.size(),
            purpose.name().toLowerCase(Locale.ROOT), embedder.model(), out.size() / ((now - start) / 1e9));
        lastReport = now;
      }
    }
    return out;
  }

  static byte[] key(String model, Purpose purpose, List<String> texts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    update(sha, model);
    update(sha, purpose.name());
    for (String text : texts) {
      update(sha, text);
    }
    return sha.digest();
  }

  /** Length-prefixed, so ("ab", "c") and ("a", "bc") differ. */
  private static void update(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).flip());
    sha.update(bytes);
  }

  static String fileName(String model, Purpose purpose, byte[] key) {
    String safeModel = model.replaceAll("[^A-Za-z0-9._-]", "_");
    return safeModel + "-" + purpose.name().toLowerCase(Locale.ROOT) + "-"
        + HexFormat.of().formatHex(key, 0, 8) + ".vec";
  }

  /** Writes the file durably: a temporary file, fsync, atomic rename. */
  static void write(Path file, byte[] key, String model, List<float[]> vectors) throws IOException {
    int dim = vectors.isEmpty() ? 0 : vectors.getFirst().length;
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(fileLength(vectors.size(), dim));
      MemorySegment.copy(MAGIC, 0, seg, ValueLayout.JAVA_BYTE, MAGIC_OFFSET, MAGIC.length);
      MemorySegment.copy(FORMAT, 0, seg, ValueLayout.JAVA_BYTE, FORMAT_OFFSET, FORMAT.length);
      seg.set(INT, VERSION_OFFSET, VERSION);
      seg.set(INT, DIMENSION_OFFSET, dim);
      seg.set(INT, COUNT_OFFSET, vectors.size());
      MemorySegment.copy(key, 0, seg, ValueLayout.JAVA_BYTE, KEY_OFFSET, KEY_LENGTH);
      byte[] name = Arrays.copyOf(model.getBytes(StandardCharsets.UTF_8), MODEL_LENGTH);
      MemorySegment.copy(name, 0, seg, ValueLayout.JAVA_BYTE, MODEL_OFFSET, MODEL_LENGTH);
      seg.set(INT, HEADER_CRC_OFFSET, Checksums.crc32c(seg, 0, HEADER_CRC_OFFSET));
      long at = HEADER_LENGTH;
      for (float[] v : vectors) {
        if (v.length != dim) {
          throw new IllegalArgumentException("vectors of different lengths: " + v.length + " and " + dim);
        }
        MemorySegment.copy(v, 0, seg, FLOAT, at, dim);
        at += (long) dim * Float.BYTES;
      }
      seg.set(INT, at, Checksums.crc32c(seg, HEADER_LENGTH, at - HEADER_LENGTH));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = seg.asByteBuffer();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
    }
    DurableFiles.atomicRename(tmp, file);
  }

  /**
   * Reads a file, checking magic, format, version, checksums and that it holds the vectors of
   * {@code expectedKey}.
   *
   * @throws CorruptFileException if the bytes are damaged or belong to other texts
   * @throws FormatTooOldException or {@link FormatTooNewException} for another version of the format
   */
  static List<float[]> read(Path file, byte[] expectedKey) throws IOException {
    try (Arena arena = Arena.ofConfined();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER_LENGTH) {
        throw new CorruptFileException(file, 0, "file of " + size + " bytes is shorter than its header");
      }
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      checkHeader(file, seg, expectedKey);
      int dim = seg.get(INT, DIMENSION_OFFSET);
      int count = seg.get(INT, COUNT_OFFSET);
      if (dim <= 0 || count < 0 || size != fileLength(count, dim)) {
        throw new CorruptFileException(file, COUNT_OFFSET, count + " vectors of " + dim
            + " dimensions do not fit a file of " + size + " bytes");
      }
      long trailer = trailerOffset(count, dim);
      if (Checksums.crc32c(seg, HEADER_LENGTH, trailer - HEADER_LENGTH) != seg.get(INT, trailer)) {
        throw new CorruptFileException(file, trailer, "vector checksum mismatch");
      }
      List<float[]> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        float[] v = new float[dim];
        MemorySegment.copy(seg, FLOAT, HEADER_LENGTH + (long) i * dim * Float.BYTES, v, 0, dim);
        out.add(v);
      }
      return out;
    }
  }

  private static void checkHeader(Path file, MemorySegment seg, byte[] expectedKey) {
    if (!Arrays.equals(seg.asSlice(MAGIC_OFFSET, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)
        || !Arrays.equals(seg.asSlice(FORMAT_OFFSET, FORMAT.length).toArray(ValueLayout.JAVA_BYTE), FORMAT)) {
      throw new CorruptFileException(file, MAGIC_OFFSET, "not a " + FORMAT_NAME + " file (bad magic)");
    }
    if (Checksums.crc32c(seg, 0, HEADER_CRC_OFFSET) != seg.get(INT, HEADER_CRC_OFFSET)) {
      throw new CorruptFileException(file, HEADER_CRC_OFFSET, "header checksum mismatch");
    }
    int version = seg.get(INT, VERSION_OFFSET);
    if (version < VERSION) {
      throw new FormatTooOldException(file, VERSION_OFFSET, FORMAT_NAME, version, VERSION);
    }
    if (version > VERSION) {
      throw new FormatTooNewException(file, VERSION_OFFSET, FORMAT_NAME, version, VERSION);
    }
    byte[] key = seg.asSlice(KEY_OFFSET, KEY_LENGTH).toArray(ValueLayout.JAVA_BYTE);
    if (!Arrays.equals(key, expectedKey)) {
      throw new CorruptFileException(file, KEY_OFFSET, "holds the vectors of other texts");
    }
  }
}
