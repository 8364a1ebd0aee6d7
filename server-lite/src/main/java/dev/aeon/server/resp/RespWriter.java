package dev.aeon.server.resp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes replies in RESP2 or RESP3 ({@link #protocol(int)}, switched by {@code HELLO 3}). Types RESP2 lacks
 * are written as Redis writes them there: a map as a flat array of keys and values, a double as a bulk
 * string, a boolean as an integer, null as a null bulk string. Buffered: call {@link #flush()} once no
 * pipelined request is waiting.
 *
 * <p>A full buffer is handed to the stream at once (the server's stream queues it for the client and never
 * blocks), except while a command runs off its connection's thread ({@link #deferSending}): then the buffer
 * grows to hold the whole reply, so that only the connection's own thread ever touches the stream, and a
 * command that fails half-way can still take its reply back ({@link #resetToMark()}). The buffer shrinks
 * back at the next flush.
 */
public final class RespWriter {

  private static final byte[] CRLF = {'\r', '\n'};

  /** Thrown when a reply built while sending is deferred would pass {@link #maxDeferred}: it can never be sent. */
  public static final class ReplyTooLarge extends IOException {
    ReplyTooLarge(String message) {
      super(message);
    }
  }

  private final OutputStream out;
  private final int bufferSize;
  /**
   * Most bytes the buffer may grow to while sending is deferred (the connection's limit of unread replies, which
   * a larger reply would pass anyway): without it one command's reply grew until the heap was exhausted.
   */
  private final long maxDeferred;
  private byte[] buf;
  private int len;
  private boolean deferred;
  private volatile int protocol = 2; // volatile: CLIENT LIST reads it from another connection's thread
  private int mark;
  private boolean drained;
  /** Bytes handed to the stream so far: with {@link #len}, where the next byte written goes ({@link #position}). */
  private long handedOver;

  public RespWriter(OutputStream out) {
    this(out, 16 << 10);
  }

  public RespWriter(OutputStream out, int bufferSize) {
    this(out, bufferSize, Long.MAX_VALUE);
  }

  /** {@code maxDeferred}: the largest reply a command run off the connection's thread may build. */
  public RespWriter(OutputStream out, int bufferSize, long maxDeferred) {
    this.out = out;
    this.bufferSize = bufferSize;
    this.buf = new byte[bufferSize];
    this.maxDeferred = Math.min(maxDeferred, Integer.MAX_VALUE - 8); // and never more than an array holds
  }

  public int protocol() {
    return protocol;
  }

  public void protocol(int version) {
    if (version != 2 && version != 3) {
      throw new IllegalArgumentException("RESP version must be 2 or 3: " + version);
    }
    protocol = version;
  }

  public boolean resp3() {
    return protocol == 3;
  }

  public RespWriter simple(String s) throws IOException {
    return line('+', oneLine(s));
  }

  /** An error reply; {@code message} starts with its prefix, e.g. "ERR unknown command 'FOO'". */
  public RespWriter error(String message) throws IOException {
    return line('-', oneLine(message));
  }

  public RespWriter integer(long v) throws IOException {
    return line(':', Long.toString(v));
  }

  public RespWriter bulk(String s) throws IOException {
    return s == null ? nullValue() : bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  public RespWriter bulk(byte[] b) throws IOException {
    if (b == null) {
      return nullValue();
    }
    line('$', Integer.toString(b.length));
    write(b, 0, b.length);
    write(CRLF, 0, 2);
    return this;
  }

  /** Null: {@code _} in RESP3, a null bulk string in RESP2. */
  public RespWriter nullValue() throws IOException {
    return resp3() ? line('_', "") : line('$', "-1");
  }

  /** A null where an array was expected: {@code _} in RESP3, {@code *-1} in RESP2. */
  public RespWriter nullArray() throws IOException {
    return resp3() ? line('_', "") : line('*', "-1");
  }

  public RespWriter array(int n) throws IOException {
    return line('*', Integer.toString(n));
  }

  /** A map of {@code n} pairs; the caller writes 2n values, key then value. */
  public RespWriter map(int n) throws IOException {
    return resp3() ? line('%', Integer.toString(n)) : line('*', Integer.toString(2 * n));
  }

  public RespWriter set(int n) throws IOException {
    return line(resp3() ? '~' : '*', Integer.toString(n));
  }

  public RespWriter doubleValue(double v) throws IOException {
    String s = formatDouble(v);
    return resp3() ? line(',', s) : bulk(s);
  }

  public RespWriter bool(boolean v) throws IOException {
    return resp3() ? line('#', v ? "t" : "f") : integer(v ? 1 : 0);
  }

  /**
   * How many bytes were written here since the writer was made (handed to the stream or still buffered): the
   * position where the next reply starts, in the numbering of the bytes the stream receives, so that the stream can
   * tell which of them are whose reply ({@code DurableReplies} holds each pipelined write's reply until its write is
   * durable, and replaces it with an error if it is not).
   */
  public long position() {
    return handedOver + len;
  }

  /** An error reply as {@link #error} encodes it (the same in RESP2 and RESP3), for a stream that replaces a reply. */
  public static byte[] errorReply(String message) {
    return ("-" + oneLine(message) + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Marks the start of a reply, so that a command failing half-way can take back what it wrote
   * ({@link #resetToMark()}) and send an error instead.
   */
  public void mark() {
    mark = len;
    drained = false;
  }

  /** Takes back what was written since {@link #mark()}; false if part of it already left the buffer. */
  public boolean resetToMark() {
    if (drained) {
      return false;
    }
    len = mark;
    return true;
  }

  /**
   * While {@code defer} is true, nothing is sent to the client: the buffer grows as the reply needs. Set by
   * the thread that hands a command to another one, before the hand-off and after it has returned.
   */
  public void deferSending(boolean defer) {
    deferred = defer;
  }

  /**
   * Sends what is buffered if a deferred reply grew the buffer past its size, and shrinks it back: called
   * once sending is no longer deferred, so that a large reply is not held twice (in this buffer and in what
   * the stream queues) while further pipelined commands run.
   */
  public void sendIfOverfull() throws IOException {
    if (len > bufferSize) {
      drain();
      buf = new byte[bufferSize];
    }
  }

  /** Writes what is buffered to the stream and flushes it. */
  public void flush() throws IOException {
    if (len > 0) {
      hand(buf, 0, len);
      len = 0;
    }
    out.flush();
    if (buf.length > bufferSize) {
      buf = new byte[bufferSize];
    }
  }

  /** Formats like Redis: integral values without a fraction ("-0" keeps its sign), "inf", "-inf", "nan". */
  public static String formatDouble(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(-0.0)) {
      return "-0";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private RespWriter line(char type, String s) throws IOException {
    int n = s.length();
    if (len + n + 3 > buf.length) {
      makeRoom(n + 3);
    }
    if (n + 3 > buf.length) {
      byte[] b = (type + s).getBytes(StandardCharsets.UTF_8);
      write(b, 0, b.length);
      write(CRLF, 0, 2);
      return this;
    }
    buf[len++] = (byte) type;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) { // rare: an error or status naming non-ASCII input
        len--;
        byte[] b = (type + s).getBytes(StandardCharsets.UTF_8);
        write(b, 0, b.length);
        write(CRLF, 0, 2);
        return this;
      }
      buf[len + i] = (byte) c;
    }
    len += n;
    buf[len++] = '\r';
    buf[len++] = '\n';
    return this;
  }

  private void write(byte[] b, int off, int n) throws IOException {
    if (len + n > buf.length) {
      makeRoom(n);
      if (n > buf.length) {
        drained = true;
        hand(b, off, n);
        return;
      }
    }
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  /** Grows the buffer to hold {@code n} more bytes while sending is deferred; otherwise sends what it holds. */
  private void makeRoom(int n) throws IOException {
    if (deferred) {
      long needed = (long) len + n;
      if (needed > maxDeferred) {
        throw new ReplyTooLarge("a reply of more than " + maxDeferred + " bytes (with the replies before it not yet"
            + " sent), the limit of unread replies per connection");
      }
      buf = Arrays.copyOf(buf, (int) Math.min(maxDeferred, Math.max(2L * buf.length, needed)));
    } else {
      drain();
    }
  }

  private void drain() throws IOException {
    drained = true;
    if (len > 0) {
      hand(buf, 0, len);
      len = 0;
    }
  }

  /** Hands bytes to the stream, counting them first: a stream that throws has them all the same (or dropped them). */
  private void hand(byte[] b, int off, int n) throws IOException {
    handedOver += n;
    out.write(b, off, n);
  }

  private static String oneLine(String s) {
    return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
  }
}
