package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request within the server's limits that its heap cannot hold: {@code aeon serve} in a child JVM of 48 MiB of heap
 * is sent a 40 MiB bulk string, which the decoder grows to by doubling, so that 32 and 40 MiB are held at once. The
 * OutOfMemoryError, which is not an exception, is that connection's end as an internal error is: the client gets an
 * error reply and then the end of its connection, the server logs a line naming the client, and serves the others.
 * Before, the error ended the client's thread: no reply, and only the JVM's stack dump of thread aeon-client-N.
 */
class OutOfMemoryTest {

  @Test
  @Timeout(120)
  void aRequestTheHeapCannotHoldIsAnErrorReplyAndALogLine(@TempDir Path dir) throws Exception {
    Path stderr = dir.resolve("stderr.txt");
    Process server = new ProcessBuilder(List.of(
        ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
        "-Xmx48m", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
        "--port", "0", "--dir", dir.resolve("data").toString(), "--embedder", "none"))
        .redirectError(stderr.toFile()).start();
    try {
      int port = ServerCrashTest.port(server, dir, "start");
      try (RespClient c = new RespClient(port)) {
        int size = 40 << 20;
        c.sendRaw("*2\r\n$4\r\nECHO\r\n$" + size + "\r\n");
        byte[] chunk = new byte[1 << 20];
        try {
          for (int sent = 0; sent < size; sent += chunk.length) {
            c.sendRaw(chunk);
          }
        } catch (IOException closedMeanwhile) {
          // the server gave up on the request before its end: what it replied is read below
        }
        assertEquals(new RespClient.Err("ERR internal error: java.lang.OutOfMemoryError: Java heap space"), c.read());
        assertTrue(c.closedByServer());
      }
      try (RespClient c = new RespClient(port)) {
        assertEquals("PONG", c.call("PING"), "the server serves on");
      }
      server.destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS));
      String log = Files.readString(stderr, StandardCharsets.UTF_8);
      assertTrue(log.contains("WARN client 1 at 127.0.0.1:") && log.contains(" disconnected by an internal error:"
          + " java.lang.OutOfMemoryError: Java heap space"), log);
    } finally {
      server.destroyForcibly();
    }
  }
}
