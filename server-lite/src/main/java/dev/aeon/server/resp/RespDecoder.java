package dev.aeon.server.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Reads client requests from a blocking stream: RESP arrays of bulk strings ({@code *2\r\n$4\r\nECHO\r\n...})
 * and inline commands ({@code PING\r\n}, with Redis' quoting rules), as redis-cli, redis-benchmark and every
 * client library send them.
 *
 * <p>Outcomes, the only ones: {@link #next()} returns a command (its arguments, never empty), returns null when
 * the stream ends between commands, throws {@link ProtocolException} on a malformed frame or one over the
 * {@link RespLimits}, or throws {@link EOFException} when the stream ends inside a frame. After a
 * ProtocolException the stream position is undefined and the connection must be closed.
 *
 * <p>Memory: a bulk string is allocated at once up to {@link #EAGER_BULK} bytes, beyond that grown as its
 * bytes arrive (at most twice what the client has sent), and everything a request holds beyond a small
 * per-connection allowance is reserved from the server-wide {@link MemoryBudget} first; when the budget is
 * exhausted the request fails with an error.
 */
public final class RespDecoder {

  /** Bytes a request may hold without touching the shared budget (most requests stay under it). */
  static final int FREE_ALLOWANCE = 16 << 10;
  /** Granularity of reservations from the budget, so the shared counter is touched rarely. */
  static final int RESERVE_CHUNK = 64 << 10;
  /** Bulk strings up to this size are allocated at once; larger ones grow as their bytes arrive. */
  static final int EAGER_BULK = 64 << 10;
  /** Accounting cost of one argument beyond its bytes (the array slot and the array header). */
  static final int ARG_OVERHEAD = 16;
  /** Longest header line ({@code *n} or {@code $n}); a 64-bit count needs 20 characters. */
  private static final int MAX_HEADER_LINE = 32;
  /** Size of the line buffer between requests: a header line always fits, most inline commands do. */
  private static final int LINE = 256;
  /** Most arguments of a command sent before authenticating, as in Redis. */
  static final int UNAUTHENTICATED_ARGS = 10;
  /** Largest bulk string sent before authenticating, as in Redis. */
  static final int UNAUTHENTICATED_BULK = 16 << 10;

  private final InputStream in;
  private final RespLimits limits;
  private final MemoryBudget budget;
  private final byte[] buf;
  private int pos;
  private int end;
  private byte[] line = new byte[LINE];
  private long charged;
  private long reserved;
  private BeforeRead beforeRead = () -> {};
  private BooleanSupplier authenticated = () -> true;

  /** What to do before the decoder waits for more bytes from the client. */
  @FunctionalInterface
  public interface BeforeRead {
    void run() throws IOException;
  }

  public RespDecoder(InputStream in, RespLimits limits, MemoryBudget budget) {
    this(in, limits, budget, 16 << 10);
  }

  public RespDecoder(InputStream in, RespLimits limits, MemoryBudget budget, int bufferSize) {
    this.in = in;
    this.limits = limits;
    this.budget = budget;
    this.buf = new byte[bufferSize];
  }

  /**
   * Runs {@code action} whenever the decoder is about to read from the stream, which may block: the connection
   * sends the replies it holds back while more requests are buffered, because bytes buffered may be only the
   * start of the next request, whose rest the client may send only once it has those replies.
   */
  public void beforeRead(BeforeRead action) {
    this.beforeRead = action;
  }

  /**
   * Holds the requests of a client that has not authenticated ({@code authenticated} false, asked as a request is
   * read) to Redis' limits, 10 arguments and 16 KiB bulk strings, and to {@link #FREE_ALLOWANCE} bytes in all:
   * such a client then never reserves from the shared budget, so clients without the password cannot take it
   * from those that have it.
   */
  public void authenticated(BooleanSupplier authenticated) {
    this.authenticated = authenticated;
  }

  /** Whether bytes of a next request are already buffered (then a reply need not be flushed yet). */
  public boolean hasBuffered() {
    return pos < end;
  }

  /** Size of the buffer of the line being read (tests: a long inline command does not leave it grown). */
  int lineCapacity() {
    return line.length;
  }

  /** Bytes of the budget this decoder holds now (those of the last request until {@link #release()}). */
  public long reservedBytes() {
    return reserved;
  }

  /**
   * Gives back the budget held for the last request, and the line buffer a long inline command grew, which was
   * counted only while it was read (an idle connection kept up to 64 KiB uncounted); call once it has been
   * executed.
   */
  public void release() {
    if (reserved > 0) {
      budget.release(reserved);
    }
    reserved = 0;
    charged = 0;
    if (line.length > LINE) {
      line = new byte[LINE];
    }
  }

  /** The next command, or null when the stream ends between commands. */
  public byte[][] next() throws IOException, ProtocolException {
    release();
    while (true) {
      if (pos == end && !fill(false)) {
        return null;
      }
      byte[][] command = buf[pos] == '*' ? readMultiBulk() : readInline();
      if (command != null && command.length > 0) {
        return command;
      }
      release();
    }
  }

  private byte[][] readMultiBulk() throws IOException, ProtocolException {
    pos++;
    long count = parseLong(readLine(MAX_HEADER_LINE, "too big mbulk count string", true),
        "invalid multibulk length");
    if (count <= 0) {
      return null;
    }
    if (count > limits.maxArrayLength()) {
      throw new ProtocolException("ERR Protocol error: invalid multibulk length " + count
          + " (the limit is " + limits.maxArrayLength() + ")");
    }
    if (count > UNAUTHENTICATED_ARGS && !authenticated.getAsBoolean()) {
      throw new ProtocolException("ERR Protocol error: unauthenticated multibulk length");
    }
    int n = (int) count;
    byte[][] args = new byte[Math.min(n, 1024)][];
    for (int i = 0; i < n; i++) {
      if (i == args.length) {
        args = Arrays.copyOf(args, (int) Math.min(n, 2L * args.length));
      }
      charge(ARG_OVERHEAD);
      args[i] = readBulk();
    }
    return args;
  }

  private byte[] readBulk() throws IOException, ProtocolException {
    if (pos == end) {
      fill(true);
    }
    byte type = buf[pos++];
    if (type != '$') {
      throw new ProtocolException("ERR Protocol error: expected '$', got '" + printable(type) + "'");
    }
    long len = parseLong(readLine(MAX_HEADER_LINE, "too big bulk count string", true), "invalid bulk length");
    if (len < 0 || len > limits.maxBulkBytes()) {
      throw new ProtocolException("ERR Protocol error: invalid bulk length " + len
          + " (the limit is " + limits.maxBulkBytes() + " bytes)");
    }
    if (len > UNAUTHENTICATED_BULK && !authenticated.getAsBoolean()) {
      throw new ProtocolException("ERR Protocol error: unauthenticated bulk length");
    }
    byte[] data = readBytes((int) len);
    expectCrlf();
    return data;
  }

  /** Reads exactly {@code len} bytes, allocating only as they arrive past {@link #EAGER_BULK}. */
  private byte[] readBytes(int len) throws IOException, ProtocolException {
    int cap = Math.min(len, EAGER_BULK);
    charge(cap);
    byte[] data = new byte[cap];
    int filled = 0;
    while (filled < len) {
      if (pos == end) {
        fill(true);
      }
      if (filled == data.length) {
        int grown = (int) Math.min(len, 2L * data.length);
        charge(grown - data.length);
        data = Arrays.copyOf(data, grown);
      }
      int n = Math.min(end - pos, data.length - filled);
      System.arraycopy(buf, pos, data, filled, n);
      pos += n;
      filled += n;
    }
    return data;
  }

  private void expectCrlf() throws IOException, ProtocolException {
    for (byte expected : new byte[] {'\r', '\n'}) {
      if (pos == end) {
        fill(true);
      }
      if (buf[pos++] != expected) {
        throw new ProtocolException("ERR Protocol error: bulk string not terminated by CRLF");
      }
    }
  }

  /** An inline command is held to the same argument limit as a multibulk one ({@code *n}). */
  private byte[][] readInline() throws IOException, ProtocolException {
    int len = readLineInto(limits.maxInlineBytes(), "too big inline request", false);
    byte[][] args = InlineSplitter.split(line, len);
    if (args.length > limits.maxArrayLength()) {
      throw new ProtocolException("ERR Protocol error: inline request of " + args.length
          + " arguments (the limit is " + limits.maxArrayLength() + ")");
    }
    return args;
  }

  /** Reads a header line (without its CRLF) as text. */
  private String readLine(int max, String tooLong, boolean strictCrlf) throws IOException, ProtocolException {
    int len = readLineInto(max, tooLong, strictCrlf);
    return new String(line, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads up to the next '\n' into {@link #line} and returns the length without the line end. RESP headers
   * must end with CRLF; inline commands may end with a bare LF as with Redis.
   */
  private int readLineInto(int max, String tooLong, boolean strictCrlf) throws IOException, ProtocolException {
    int len = 0;
    while (true) {
      if (pos == end) {
        fill(true);
      }
      int stop = pos;
      while (stop < end && buf[stop] != '\n') {
        stop++;
      }
      int n = stop - pos;
      if (len + n > max + 1) { // +1: the CR before the LF
        throw new ProtocolException("ERR Protocol error: " + tooLong + " (the limit is " + max + " bytes)");
      }
      ensureLine(len + n);
      System.arraycopy(buf, pos, line, len, n);
      len += n;
      pos = stop;
      if (stop < end) {
        pos++; // the LF
        break;
      }
    }
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    } else if (strictCrlf) {
      throw new ProtocolException("ERR Protocol error: header line not terminated by CRLF");
    }
    if (len > max) {
      throw new ProtocolException("ERR Protocol error: " + tooLong + " (the limit is " + max + " bytes)");
    }
    return len;
  }

  private void ensureLine(int size) throws ProtocolException {
    if (size > line.length) {
      int grown = Math.max(size, 2 * line.length);
      charge(grown - line.length);
      line = Arrays.copyOf(line, grown);
    }
  }

  /** Accounts {@code bytes} more held by the current request, reserving budget past the allowance. */
  private void charge(long bytes) throws ProtocolException {
    charged += bytes;
    if (charged > FREE_ALLOWANCE && !authenticated.getAsBoolean()) {
      throw new ProtocolException("ERR Protocol error: unauthenticated request of more than " + FREE_ALLOWANCE
          + " bytes");
    }
    while (charged > FREE_ALLOWANCE + reserved) {
      if (!budget.tryReserve(RESERVE_CHUNK)) {
        throw new ProtocolException("ERR request memory limit reached: the server holds "
            + budget.used() + " bytes of unfinished requests (limit " + budget.limit() + "), try again later");
      }
      reserved += RESERVE_CHUNK;
    }
  }

  /** Reads more bytes; at end of stream returns false, or throws EOFException inside a frame. */
  private boolean fill(boolean insideFrame) throws IOException {
    beforeRead.run();
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      if (insideFrame) {
        throw new EOFException("connection closed inside a request");
      }
      return false;
    }
    pos = 0;
    end = n;
    return true;
  }

  /**
   * A length as Redis reads one: digits after an optional '-', no leading zero and no "-0" (Redis refuses
   * "$04" as an invalid bulk length; accepting it would let two servers read one stream differently).
   */
  private static long parseLong(String s, String what) throws ProtocolException {
    int len = s.length();
    boolean negative = len > 0 && s.charAt(0) == '-';
    int i = negative ? 1 : 0;
    boolean leadingZero = i < len && s.charAt(i) == '0' && (negative || len > 1);
    if (i == len || len - i > 18 || leadingZero) {
      throw new ProtocolException("ERR Protocol error: " + what);
    }
    long v = 0;
    for (; i < len; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException("ERR Protocol error: " + what);
      }
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
  }
}
