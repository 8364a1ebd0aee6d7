package dev.aeon.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a UTF-8 file, each decoded on its own, so that bytes that are not UTF-8 are reported at
 * their line (a BufferedReader decodes ahead, and reports them at whichever line it was reading).
 * Lines end at {@code \n}; a {@code \r} before it is dropped, and so is a byte order mark before the first line
 * (some editors write one; JSON's RFC 8259 lets a reader ignore it).
 */
final class Utf8Lines implements Closeable {

  /**
   * The longest line read, in bytes. No line of an export comes near it: an event takes at most 16 MiB encoded
   * (one log record), and JSON writes a byte of it as at most 6 ({@code \u0000} for a control character; a float
   * of a vector takes at most 16 for its 4). Without a bound a file with no line end (a binary file, a sparse one)
   * was read whole into one array, which from 1 GiB on grew by 64 KiB a step, copying it all each time: the
   * import hung without a word.
   */
  static final int MAX_LINE_BYTES = 8 * dev.aeon.wal.WalOptions.DEFAULT_MAX_PAYLOAD;

  private final Path file;
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPos;
  private int chunkEnd;
  private byte[] line = new byte[1 << 12];
  private int number;
  private long bytesRead;

  Utf8Lines(Path file) throws IOException {
    this.file = file;
    this.in = Files.newInputStream(file);
  }

  /** The number of the last line returned, from 1. */
  int number() {
    return number;
  }

  /** How many bytes of the file the lines returned so far took, their line ends included. */
  long position() {
    return bytesRead - (chunkEnd - chunkPos);
  }

  /** The next line, or null at the end of the file. */
  String next() throws IOException {
    int length = 0;
    boolean any = false;
    while (true) {
      if (chunkPos == chunkEnd) {
        chunkEnd = in.read(chunk);
        chunkPos = 0;
        if (chunkEnd < 0) {
          chunkEnd = 0;
          break;
        }
        bytesRead += chunkEnd;
      }
      any = true;
      int end = chunkPos;
      while (end < chunkEnd && chunk[end] != '\n') {
        end++;
      }
      int n = end - chunkPos;
      if (n > MAX_LINE_BYTES - length) {
        throw new IOException(file + ", line " + (number + 1) + ": longer than " + (MAX_LINE_BYTES >> 20)
            + " MiB, which no line of an export is");
      }
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, length + n), MAX_LINE_BYTES));
      }
      System.arraycopy(chunk, chunkPos, line, length, n);
      length += n;
      chunkPos = end;
      if (end < chunkEnd) {
        chunkPos++; // past the \n
        break;
      }
    }
    if (!any) {
      return null;
    }
    number++;
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    int start = number == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
        && (line[2] & 0xFF) == 0xBF ? 3 : 0; // U+FEFF in UTF-8
    try {
      return decoder.decode(ByteBuffer.wrap(line, start, length - start)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException(file + ", line " + number + ": not valid UTF-8", e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
