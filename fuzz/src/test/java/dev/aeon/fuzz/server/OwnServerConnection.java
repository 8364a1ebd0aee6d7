package dev.aeon.fuzz.server;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A fuzz test's connection to its own server, raw: it sends commands as RESP arrays and reads replies a byte, a line
 * or a run of bytes at a time, each test making of them what it checks. Jazzer's network-request detector is told to
 * let it through.
 */
final class OwnServerConnection implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private OwnServerConnection(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(60_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
  }

  /** A connection to {@code port} on the loopback address. */
  static OwnServerConnection open(int port) throws IOException {
    try (SilentCloseable allowed = allowOnly(port)) {
      return new OwnServerConnection(new Socket(InetAddress.getLoopbackAddress(), port));
    }
  }

  /**
   * Lets connections to {@code port} through the detector, which refuses the test's own reconnects while fuzzing.
   * Where Jazzer's agent is not installed yet (a test class's static set-up runs before its first fuzz test, and in
   * a plain {@code mvn test} of the class alone nothing installed it), there is no detector to tell.
   */
  private static SilentCloseable allowOnly(int port) {
    try {
      return BugDetectors.allowNetworkConnections((host, p) -> p == port);
    } catch (IllegalStateException noAgent) { // "Failed to set sanitizer variable"
      return () -> {};
    }
  }

  /** This end's address as CLIENT LIST and CLIENT KILL give it, {@code ip:port}. */
  String localAddress() {
    return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
  }

  /** Sends {@code argv} as one command, a RESP array of bulk strings. */
  void send(List<byte[]> argv) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(("*" + argv.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : argv) {
      request.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      request.write(a);
      request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(request.toByteArray());
    out.flush();
  }

  /** The next byte of the replies, or -1 where the server closed the connection. */
  int read() throws IOException {
    return in.read();
  }

  /** The rest of the line, without its CR LF. */
  String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new EOFException();
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** The next {@code n} bytes. */
  byte[] readBytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException();
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
