package dev.aeon.bench.util;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The least of a Redis client a benchmark needs to drive a server itself, where redis-benchmark cannot (each
 * request its own text, or a check of the replies): commands encoded as RESP arrays of bulk strings, and replies read
 * back as integers, strings and arrays of them. An error reply is thrown, with the command's name: a benchmark must
 * not count refused writes as done.
 */
public final class RespClient implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private RespClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
  }

  public static RespClient connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setTcpNoDelay(true);
    return new RespClient(socket);
  }

  /** Sends one command and returns its reply. */
  public Object call(Object... args) throws IOException {
    out.write(command(args));
    out.flush();
    return readReply(in, args[0].toString());
  }

  /** One command as a RESP array of bulk strings: byte arrays as they are, anything else as its UTF-8 text. */
  public static byte[] command(Object... args) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Object a : args) {
      byte[] v = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
      b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(v);
      b.writeBytes(new byte[] {'\r', '\n'});
    }
    return b.toByteArray();
  }

  /**
   * One reply: a {@code Long} for an integer, a {@code String} for a simple or bulk string, null for a null, a
   * {@code List} for an array; an error reply is thrown as an {@link IOException} naming {@code command}.
   */
  public static Object readReply(InputStream in, String command) throws IOException {
    String head = line(in);
    if (head.isEmpty()) {
      throw new IOException(command + ": an empty reply line");
    }
    String rest = head.substring(1);
    return switch (head.charAt(0)) {
      case ':' -> Long.parseLong(rest);
      case '+' -> rest;
      case '-' -> throw new IOException(command + " failed: " + rest);
      case '_' -> null;
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length < 0) {
          yield null;
        }
        String s = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        line(in); // the bulk string's CRLF
        yield s;
      }
      case '*' -> {
        int n = Integer.parseInt(rest);
        List<Object> items = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
          items.add(readReply(in, command));
        }
        yield items;
      }
      default -> throw new IOException(command + ": a reply this client does not read: " + head);
    };
  }

  /** A line of the reply, without its CRLF. */
  public static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("the server closed the connection");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
