package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code aeon serve} in a child JVM: one log line at start and at stop, and a clean stop on SIGTERM; and a data directory it cannot use. */
class ServerMainTest {

  private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+), data (.+), durability (\\w+)");

  @Test
  @Timeout(120)
  void startsServesAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
        "--port", "0", "--dir", dir.resolve("data").toString(), "--durability", "async", "--embedder", "none"));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      Matcher m = STARTED.matcher(first == null ? "" : first);
      assertTrue(m.find(), "start line: " + first + ", stderr: " + Files.readString(dir.resolve("stderr.txt")));
      assertEquals(dir.resolve("data").toAbsolutePath().toString(), m.group(2));
      assertEquals("ASYNC", m.group(3));
      try (RespClient c = new RespClient(Integer.parseInt(m.group(1)))) {
        assertEquals("PONG", c.call("PING"));
        p.toHandle().destroy(); // SIGTERM, leaving our ends of its pipes open (Process.destroy closes them)
        assertTrue(c.closedByServer());
      }
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server did not stop within 60 s of SIGTERM");
      String last = out.readLine();
      assertTrue(last != null && last.contains("stopped on 127.0.0.1:" + m.group(1)) && last.contains("durability ASYNC"),
          "stop line: " + last);
      assertEquals(null, out.readLine(), "one line per start and stop");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aDataDirectoryThatIsAFileIsReportedAsSuch(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("aeon-data"), "");
    ServerConfig config = ServerConfig.defaults().withDir(file).withAddress(InetAddress.getLoopbackAddress(), 0);
    IOException e = assertThrows(IOException.class, () -> AeonServer.start(config));
    assertEquals("the data directory " + file + " is not a directory", e.getMessage());
  }

  @Test
  void aBackupDirectoryThatIsAFileIsReportedAtStart(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("backups"), "");
    ServerConfig config = ServerConfig.defaults().withDir(dir.resolve("data")).withBackupDir(file)
        .withAddress(InetAddress.getLoopbackAddress(), 0);
    IOException e = assertThrows(IOException.class, () -> AeonServer.start(config));
    assertEquals("the backup directory " + file + " is not a directory", e.getMessage());
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefused(@TempDir Path dir) throws Exception {
    ServerConfig config = ServerConfig.defaults().withDir(dir.resolve("data"))
        .withAddress(InetAddress.getLoopbackAddress(), 0);
    try (AeonServer first = AeonServer.start(config)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> AeonServer.start(config));
      assertTrue(e.getMessage().startsWith("the memory directory " + dir.resolve("data") + " is already open"),
          e.getMessage());
      try (RespClient c = new RespClient(first.port())) {
        assertEquals("PONG", c.call("PING"), "the first server serves on");
      }
    }
  }

  @Test
  void anUnknownOptionIsNamedAsSuchWhereverItIs() {
    for (String[] args : new String[][] {{"--frob"}, {"--frob", "x"}, {"--port", "1", "--frob"}}) {
      assertEquals("unknown option '--frob'",
          assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(args)).getMessage());
    }
    assertEquals("--port needs a value",
        assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(new String[] {"--port"})).getMessage());
  }

  @Test
  void aPasswordFileThatIsMissingIsReportedAsSuch(@TempDir Path dir) {
    Path file = dir.resolve("password");
    IOException e = assertThrows(IOException.class, () -> ServerMain.readPassword(file));
    assertEquals("the password file " + file + " does not exist", e.getMessage());
  }
}
