package dev.aeon.engine;

import dev.aeon.common.io.BoundedRead;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.FormatTooNewException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The embedding model whose vectors a namespace holds, recorded in the file {@code embedding-model} of the
 * namespace's folder. Two models may give vectors of one dimension (all-MiniLM-L6-v2 and bge-small-en-v1.5
 * both give 384) that cannot be compared: mixed in one index they make recall quietly worse. So the first
 * vector whose model is known (embedded by the engine, or given with {@link Remember#vector(float[], String)})
 * records it, and a later vector or query of another model is refused, as one of another dimension is.
 * A vector given without a model is taken on the caller's word.
 *
 * <p>The record is written, forced and renamed into place before the log holds the vector that made it, so
 * no logged vector has a model that a crash could lose. A crash in between leaves the model recorded with no
 * vector of it, which is harmless: the namespace was being filled with that model. The file is text, so that
 * it can be read by eye; its checksum line reports a damaged file rather than refusing good vectors.
 */
final class EmbeddingModel {

  static final String FILE = "embedding-model";
  private static final String FORMAT_NAME = "aeon embedding-model";
  private static final int VERSION = 1;
  private static final String FORMAT = FORMAT_NAME + " " + VERSION;
  /** Longer names are refused: a model's name, settings included, is a few dozen characters. */
  static final int MAX_NAME_CHARS = 200;
  /**
   * The longest record, of any version this one can tell: its first line (a space, a version of up to 10 digits, a
   * line end), a name of {@link #MAX_NAME_CHARS} characters of at most 3 bytes of UTF-8 each and its line end, and
   * its checksum line ("crc32c ", 8 hex digits, a line end).
   */
  private static final int MAX_RECORD_BYTES = FORMAT_NAME.length() + 12 + 3 * MAX_NAME_CHARS + 1 + 16;
  /** How to mend a damaged record, which guards the vectors but holds none of them. */
  private static final String MENDED_BY = "; it holds no vector, only guards against vectors of another model:"
      + " restore it from a backup, or delete it, and the next vector of a known model records that model, whether"
      + " or not it is the one the namespace's vectors came from";

  private final Path file;
  private volatile String name;

  private EmbeddingModel(Path file, String name) {
    this.file = file;
    this.name = name;
  }

  /** The record in {@code namespaceDir}, or none yet. */
  static EmbeddingModel open(Path namespaceDir) throws IOException {
    Path file = namespaceDir.resolve(FILE);
    DurableFiles.deleteLeftoverOfReplace(file); // a crash's part of a record, which no later write may overwrite
    byte[] bytes;
    try {
      // Its size must not size the array, nor a record that grew after it was taken be read whole.
      bytes = BoundedRead.readAtMost(file, MAX_RECORD_BYTES, size -> new CorruptFileException(file, MAX_RECORD_BYTES,
          "a record of " + size + " bytes, longer than any the engine writes (at most " + MAX_RECORD_BYTES + ")"
          + MENDED_BY));
    } catch (NoSuchFileException none) {
      return new EmbeddingModel(file, null);
    }
    return new EmbeddingModel(file, parse(file, bytes));
  }

  /** The recorded model, or null when none is. */
  String name() {
    return name;
  }

  /**
   * Throws unless a vector or query of {@code model} may be compared with the namespace's vectors: when
   * either is unknown (null) it may.
   */
  void check(String model, String namespace, String what) {
    String recorded = name;
    if (model != null && recorded != null && !recorded.equals(model)) {
      throw new IllegalArgumentException(what + " comes from the embedding model '" + model + "', but namespace '"
          + namespace + "' holds vectors of '" + recorded + "' (their similarities would mean nothing); use"
          + " that model, or another namespace");
    }
  }

  /** Checks a model's name before anything is embedded with it or logged. */
  static void checkName(String model) {
    if (model.isEmpty() || model.length() > MAX_NAME_CHARS || model.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("an embedding model's name must be 1 to " + MAX_NAME_CHARS
          + " characters without control characters, got " + (model.length() > 40
          ? model.length() + " characters" : "'" + model.replaceAll("\\p{Cntrl}", "?") + "'"));
    }
    Inputs.text("an embedding model's name", model); // recorded as UTF-8: an unpaired surrogate would read back as '?'
  }

  /**
   * Records {@code model} if the namespace has no model yet (durably, before the caller logs the vector);
   * throws if it has another. Writer only: under the namespace's write lock.
   */
  void adopt(String model, String namespace, String what) {
    checkName(model); // an embedder's own name is checked here, a caller's when given
    check(model, namespace, what);
    if (name != null) {
      return;
    }
    try {
      DurableFiles.replace(file, ByteBuffer.wrap(format(model)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the embedding model of namespace '" + namespace + "' in " + file,
          e);
    }
    name = model;
  }

  private static byte[] format(String model) {
    return (FORMAT + "\n" + model + "\ncrc32c " + crc(model) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String parse(Path file, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new CorruptFileException(file, 0, "not UTF-8 text" + MENDED_BY, e);
    }
    String[] lines = text.split("\n", -1);
    String version = lines[0].startsWith(FORMAT_NAME + " ") ? lines[0].substring(FORMAT_NAME.length() + 1) : "";
    if (version.matches("[1-9][0-9]{0,8}") && Integer.parseInt(version) > VERSION) {
      // A later release's record, whose other lines may mean something else: not damage, and not to be deleted.
      throw new FormatTooNewException(file, FORMAT_NAME.length() + 1, FORMAT_NAME, Integer.parseInt(version), VERSION);
    }
    if (lines.length != 4 || !lines[0].equals(FORMAT) || !lines[3].isEmpty()) {
      throw new CorruptFileException(file, 0, "not an embedding-model record (expected the lines '" + FORMAT
          + "', the model and its checksum)" + MENDED_BY);
    }
    String model = lines[1];
    if (!lines[2].equals("crc32c " + crc(model))) {
      throw new CorruptFileException(file, FORMAT.length() + 1, "the model's name does not match its checksum"
          + MENDED_BY);
    }
    try {
      checkName(model); // no writer records a name it refuses; read, it would refuse every vector of every model
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(file, FORMAT.length() + 1, "the record holds a name no vector could carry ("
          + e.getMessage() + ")" + MENDED_BY, e);
    }
    return model;
  }

  private static String crc(String model) {
    CRC32C crc = new CRC32C();
    crc.update(model.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }
}
