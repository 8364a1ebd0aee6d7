package dev.aeon.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server under test in its own process, on a free loopback port: Aeon's server-lite or a real redis-server. */
final class ServerProcess implements AutoCloseable {

  final String name;
  final int port;
  private final Process process;

  private ServerProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Aeon's server in a child JVM with this JVM's classpath and flags, and {@code options} of {@code aeon serve} beside
   * the bench's own; waits for its start line.
   */
  static ServerProcess aeon(Path dir, String durability, Path log, String... options) throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g",
        "-cp", System.getProperty("java.class.path"), "dev.aeon.server.ServerMain",
        "--port", Integer.toString(port), "--dir", dir.toString(), "--durability", durability,
        "--embedder", "none", "--max-connections", "1000"));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.contains("started on")) {
      p.destroyForcibly();
      throw new IOException("the Aeon server did not start: " + line + " (see " + log + ")");
    }
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep its stdout drained
    return new ServerProcess("aeon", port, p);
  }

  /** A real redis-server with persistence off. */
  static ServerProcess redis(Path log) throws IOException, InterruptedException {
    int port = freePort();
    Process p = new ProcessBuilder(RedisTools.find("redis-server"), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerProcess s = new ServerProcess("redis", port, p);
    s.awaitPing();
    return s;
  }

  private void awaitPing() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        OutputStream o = s.getOutputStream();
        o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        o.flush();
        if (s.getInputStream().read() == '+') {
          return;
        }
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    close();
    throw new IOException(name + " did not answer PING on port " + port + " within 30 s");
  }

  /** Stops the server (SIGTERM, then SIGKILL after 60 s). */
  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
