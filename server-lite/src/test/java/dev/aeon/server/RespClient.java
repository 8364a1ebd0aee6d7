package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal RESP client for tests that need what client libraries hide: raw bytes on the wire, half-sent
 * frames, and the exact RESP2/RESP3 type of each reply. Replies decode to String (simple and bulk), byte[]
 * never, Long, Double, Boolean, null, List, Map, or {@link Err}.
 */
final class RespClient implements AutoCloseable {

  record Err(String message) {}

  /** A RESP3 double, kept apart from bulk strings so tests can tell the two. */
  record Dbl(double value) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespClient(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Sends {@code frame} on a fresh connection; returns the error, after checking the server closed it. */
  static String rejected(int port, String frame) throws IOException {
    try (RespClient c = new RespClient(port)) {
      c.sendRaw(frame);
      Err err = assertInstanceOf(Err.class, c.read());
      assertTrue(c.closedByServer(), "connection left open after: " + err);
      return err.message();
    }
  }

  Socket socket() {
    return socket;
  }

  void sendRaw(byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }

  void sendRaw(String s) throws IOException {
    sendRaw(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a command as an array of bulk strings. */
  void send(Object... args) throws IOException {
    sendRaw(encode(args));
  }

  static byte[] encode(Object... args) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Object a : args) {
      byte[] v = a instanceof byte[] bytes ? bytes : String.valueOf(a).getBytes(StandardCharsets.UTF_8);
      b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(v);
      b.writeBytes(new byte[] {'\r', '\n'});
    }
    return b.toByteArray();
  }

  Object call(Object... args) throws IOException {
    send(args);
    return read();
  }

  /** Reads one reply; throws EOFException when the server closed the connection. */
  Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("server closed the connection");
    }
    String line = line();
    return switch (type) {
      case '+' -> line;
      case '-' -> new Err(line);
      case ':' -> Long.parseLong(line);
      case ',' -> new Dbl(Double.parseDouble(line.replace("inf", "Infinity")));
      case '#' -> line.equals("t");
      case '_' -> null;
      case '$', '=' -> bulk(Integer.parseInt(line));
      case '*', '~', '>' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          yield null;
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          list.add(read());
        }
        yield list;
      }
      case '%' -> {
        int n = Integer.parseInt(line);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          map.put(read(), read());
        }
        yield map;
      }
      default -> throw new IOException("unexpected reply type '" + (char) type + "' " + line);
    };
  }

  /** Reads one line of a reply as sent, type byte included, without its CRLF (e.g. "$-1" or "*-1"). */
  String rawLine() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("server closed the connection");
    }
    return (char) type + line();
  }

  /** True if the server has closed the connection (reads end of stream within the socket timeout). */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private String bulk(int len) throws IOException {
    if (len < 0) {
      return null;
    }
    byte[] b = in.readNBytes(len + 2);
    if (b.length < len + 2) {
      throw new EOFException("truncated bulk string");
    }
    return new String(b, 0, len, StandardCharsets.UTF_8);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("truncated reply");
      }
      b.write(c);
    }
    byte[] bytes = b.toByteArray();
    return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
