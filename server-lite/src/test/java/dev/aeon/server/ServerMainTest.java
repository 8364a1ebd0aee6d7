package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.MemoryStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aeon serve} in a child JVM: one log line at start and at stop, and a clean stop on SIGTERM or SHUTDOWN; and a
 * data directory it cannot use.
 */
class ServerMainTest {

  private static final Pattern STARTED =
      Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+), data (.+), durability (\\w+)");

  @Test
  @Timeout(120)
  void startsServesAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    try (Child server = Child.start(dir)) {
      try (RespClient c = new RespClient(server.port())) {
        assertEquals("PONG", c.call("PING"));
        // SIGTERM, leaving our ends of its pipes open (Process.destroy closes them)
        server.process().toHandle().destroy();
        assertTrue(c.closedByServer());
      }
      server.assertStoppedCleanly("", 128 + 15); // the JVM's status after a SIGTERM
    }
  }

  /**
   * SHUTDOWN stops the process as SIGTERM does: no reply, the connection closed, every namespace checkpointed, and
   * the process gone. NOSAVE, ABORT and an unknown option are refused, and the server serves on.
   */
  @Test
  @Timeout(120)
  void stopsCleanlyOnShutdownFromAClient(@TempDir Path dir) throws Exception {
    try (Child server = Child.start(dir)) {
      try (RespClient c = new RespClient(server.port())) {
        assertEquals(1L, c.call("MEM.ADD", "s", "user", "kept", "VECTOR", "VALUES", "2", "1", "0"));
        assertTrue(c.call("SHUTDOWN", "NOSAVE") instanceof RespClient.Err e && e.message().contains("NOSAVE"));
        assertTrue(c.call("SHUTDOWN", "ABORT") instanceof RespClient.Err e && e.message().contains("ABORT"));
        assertEquals(new RespClient.Err("ERR syntax error"), c.call("SHUTDOWN", "LATER"));
        assertEquals("PONG", c.call("PING"));
        c.send("SHUTDOWN", "SAVE", "NOW");
        assertTrue(c.closedByServer(), "no reply: the connection closes");
      }
      server.assertStoppedCleanly(", asked by SHUTDOWN from client 1 at 127.0.0.1:", 0);
    }
    try (Aeon aeon = Aeon.open(dir.resolve("data"), AeonOptions.defaults())) {
      MemoryStats stats = aeon.memory().stats();
      assertEquals(1, stats.events());
      assertEquals(stats.lastLsn(), stats.checkpointLsn(), "the stop checkpointed the namespace");
    }
  }

  /** Jedis' shutdown() gets no reply, as from Redis, and the server stops; its port is closed afterwards. */
  @Test
  @Timeout(120)
  void jedisStopsAServerWithShutdown(@TempDir Path dir) throws Exception {
    AeonServer server = TestServer.start(dir);
    try (redis.clients.jedis.Jedis jedis = TestServer.jedis(server, redis.clients.jedis.RedisProtocol.RESP3)) {
      jedis.shutdown();
    }
    server.awaitStop();
    assertThrows(java.net.ConnectException.class, () -> new RespClient(server.port()).close());
  }

  /**
   * A process out of file descriptors fails every accept at once, until a client leaves. The server logs the first
   * failure, retries after a pause, and says when it accepts again; before, it retried at once and logged each
   * failure, spinning a core and writing about 30,000 lines a second while the clients stayed. The lines are those
   * of the server's other repeated work ({@link dev.aeon.common.RepeatedFailures}): accepts had a counter of their
   * own, which logged a second kind of failure in the same burst not at all.
   */
  @Test
  @Timeout(120)
  void runningOutOfFileDescriptorsIsLoggedOnceAndOvercome(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh to lower the limit of open files");
    List<RespClient> clients = new ArrayList<>();
    try (Child server = Child.start(dir, 256)) {
      try {
        for (int i = 0; i < 300; i++) { // more than the limit: the listen backlog takes those not accepted
          clients.add(new RespClient(server.port()));
        }
        String line; // the JVM's own warnings may come first on standard error
        while ((line = server.out().readLine()) != null && !line.contains("WARN accepting clients failed")) {
          assertFalse(line.contains("aeon-server"), "logged before the warning: " + line);
        }
        assertTrue(line != null && line.matches(".* WARN accepting clients failed \\(retried every 100 ms, \\d+ clients"
            + " connected; the same failure is not logged again\\): java.io.IOException: Too many open files"), line);
      } finally {
        for (RespClient c : clients) {
          c.close();
        }
      }
      // The clients' connections close, their descriptors are given back, and the backlog is accepted.
      String line;
      while ((line = server.out().readLine()) != null && !line.contains("accepting clients works again")) {
        assertFalse(line.contains("accepting clients failed"), "logged again: " + line);
      }
      assertTrue(line != null && line.matches(".* aeon-server accepting clients works again after \\d+ failed runs?"),
          line);
      try (RespClient c = new RespClient(server.port())) {
        assertEquals("PONG", c.call("PING"));
      }
    }
  }

  /**
   * A server whose model cannot be loaded (here its jar is not on the classpath; a damaged one is named as such) serves
   * on without one, as it says at start. It refuses MEM.ADD without VECTOR, which it could only store without a
   * vector: recall would never find the event, not even once the model is back, as nothing embeds it later. Before,
   * it answered the event's id, and a whole conversation loaded that way was acknowledged and then never recalled.
   * TEXT and EMBED say why there is no model, where they told a server that was not given {@code --embedder none}
   * to start without it.
   */
  @Test
  @Timeout(120)
  void aModelThatCannotBeLoadedRefusesTheTextsItWouldHaveEmbedded(@TempDir Path dir) throws Exception {
    String classpath = String.join(java.io.File.pathSeparator, List.of(System.getProperty("java.class.path")
        .split(java.io.File.pathSeparator)).stream().filter(e -> !e.contains("all-minilm-l6-v2-q")).toList());
    try (Child server = Child.start(dir, 0, classpath)) {
      String warning = "cannot load the embedding model all-MiniLM-L6-v2-q (model resource /all-minilm-l6-v2-q.onnx"
          + " is not on the classpath";
      assertTrue(Files.readString(server.stderr()).contains("WARN " + warning), Files.readString(server.stderr()));
      assertTrue(server.startLine().contains(", embedder none (" + warning), server.startLine());
      String why = "this server runs without one: " + warning;
      try (RespClient c = new RespClient(server.port())) {
        Object added = c.call("MEM.ADD", "s", "user", "I went to a support group yesterday");
        assertTrue(added instanceof RespClient.Err e && e.message().startsWith("ERR MEM.ADD without VECTOR needs an"
            + " embedder, and " + why) && e.message().endsWith("; give the event's vector with VECTOR, or start the"
            + " server with --embedder none to store events without one"), String.valueOf(added));
        for (Object[] command : List.of(new Object[] {"MEM.RECALL", "TEXT", "support"},
            new Object[] {"VADD", "k", "TEXT", "support", "e"})) {
          Object reply = c.call(command);
          assertTrue(reply instanceof RespClient.Err e && e.message().startsWith("ERR TEXT needs an embedder, and "
              + why),
              String.valueOf(reply));
        }
        Object query = c.call("MEM.QUERY", "CALL recall($q, 1) YIELD event RETURN event", "EMBED", "q", "support");
        assertTrue(query instanceof RespClient.Err e && e.message().startsWith("ERR EMBED needs an embedder, and "
            + why),
            String.valueOf(query));
        assertEquals(1L, c.call("MEM.ADD", "s", "user", "given its vector", "VECTOR", "VALUES", "2", "1", "0"));
      }
    }
  }

  /** {@code aeon serve} in a child JVM, on a free port over {@code dir/data}, without an embedder. */
  private record Child(Process process, BufferedReader out, int port, Path stderr, String startLine)
      implements AutoCloseable {

    static Child start(Path dir) throws IOException {
      return start(dir, 0);
    }

    /**
     * With {@code openFiles} above 0, the process may hold that many file descriptors ({@code ulimit -n}), and its
     * standard error, where the server's warnings go, is read on {@link #out} after the start line.
     */
    static Child start(Path dir, int openFiles) throws IOException {
      return start(dir, openFiles, System.getProperty("java.class.path"), "--embedder", "none");
    }

    /** As {@link #start(Path, int)}, on {@code classpath}, with {@code embedder} (none: the default model). */
    static Child start(Path dir, int openFiles, String classpath, String... embedder) throws IOException {
      List<String> cmd = new ArrayList<>();
      if (openFiles > 0) {
        cmd.addAll(List.of("/bin/sh", "-c", "ulimit -n " + openFiles + " && exec \"$0\" \"$@\""));
      }
      cmd.addAll(List.of(
          ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
          "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
          "-cp", classpath, ServerMain.class.getName(),
          "--port", "0", "--dir", dir.resolve("data").toString(), "--durability", "async"));
      cmd.addAll(List.of(embedder));
      Path stderr = dir.resolve("stderr.txt");
      ProcessBuilder builder = new ProcessBuilder(cmd);
      Files.createFile(stderr);
      Process p = (openFiles > 0 ? builder.redirectErrorStream(true) : builder.redirectError(stderr.toFile())).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      while (openFiles > 0 && first != null && !first.contains("aeon-server")) {
        first = out.readLine(); // the JVM's warnings on standard error (incubator modules)
      }
      Matcher m = STARTED.matcher(first == null ? "" : first);
      if (!m.find()) {
        p.destroyForcibly();
        throw new AssertionError("start line: " + first + ", stderr: " + Files.readString(stderr));
      }
      assertEquals(dir.resolve("data").toAbsolutePath().toString(), m.group(2));
      assertEquals("ASYNC", m.group(3));
      return new Child(p, out, Integer.parseInt(m.group(1)), stderr, first);
    }

    /** The process ends with {@code status} within 60 s, its last line the stop line, holding {@code why}. */
    void assertStoppedCleanly(String why, int status) throws Exception {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server did not stop within 60 s");
      String last = out.readLine();
      assertTrue(last != null && last.contains("stopped on 127.0.0.1:" + port) && last.contains("durability ASYNC")
          && last.contains(why), "stop line: " + last);
      assertEquals(null, out.readLine(), "one line per start and stop");
      assertEquals(status, process.exitValue(), "exit status; stderr: " + Files.readString(stderr));
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      out.close();
    }
  }

  /**
   * A port another server holds is refused saying so, and the memory directory the refused start opened is closed
   * again: a second try in the same process (on a free port) opens it.
   */
  @Test
  void aPortInUseIsRefusedAndLeavesTheDataDirectoryClosed(@TempDir Path dir) throws Exception {
    ServerConfig first = ServerConfig.defaults().withDir(dir.resolve("a"))
        .withAddress(InetAddress.getLoopbackAddress(), 0);
    try (AeonServer holding = AeonServer.start(first)) {
      int port = holding.port();
      ServerConfig second = ServerConfig.defaults().withDir(dir.resolve("b"))
          .withAddress(InetAddress.getLoopbackAddress(), port);
      IOException e = assertThrows(IOException.class, () -> AeonServer.start(second));
      assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
      try (AeonServer again = AeonServer.start(second.withAddress(InetAddress.getLoopbackAddress(), 0))) {
        assertTrue(again.port() != port);
      }
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

  /** {@code --option=VALUE} is read as {@code --option VALUE}: {@code --port=6390} was refused as an unknown option. */
  @Test
  void anOptionTakesItsValueAfterAnEqualsSignToo() throws IOException {
    ServerConfig c = ServerMain.parse(new String[] {"--port=6390", "--dir=my data", "--request-memory", "2k"}).config();
    assertEquals(6390, c.port());
    assertEquals(Path.of("my data"), c.dir());
    assertEquals(2_000L, c.requestMemory());
    assertEquals("--port must be an integer from 0 to 65535, got ''",
        assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(new String[] {"--port="})).getMessage());
    assertEquals("unknown option '--frob'",
        assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(new String[] {"--frob=1"})).getMessage());
  }

  /** The memory limits of a server, with redis.conf's units; a size that is not one is refused, naming it. */
  @Test
  void memoryLimitsAreSetFromTheCommandLine() throws IOException {
    ServerConfig c = ServerMain.parse(new String[] {"--client-output-limit", "256mb", "--output-memory", "2G",
        "--request-memory", "1500000"}).config();
    assertEquals(256L << 20, c.outputLimit());
    assertEquals(2_000_000_000L, c.outputMemory());
    assertEquals(1_500_000L, c.requestMemory());
    ServerConfig defaults = ServerMain.parse(new String[0]).config();
    assertEquals(ServerConfig.defaults().outputLimit(), defaults.outputLimit());
    assertEquals(ServerConfig.defaults().outputMemory(), defaults.outputMemory());
    assertEquals(ServerConfig.defaults().requestMemory(), defaults.requestMemory());
    assertEquals(1_000L, ServerMain.parse(new String[] {"--request-memory", "1k"}).config().requestMemory());
    assertEquals(1L << 30, ServerMain.parse(new String[] {"--output-memory", "1gb"}).config().outputMemory());
    for (String bad : new String[] {"0", "-1", "1tb", "mb", "1.5mb", "99999999999gb", " 1mb", ""}) {
      assertEquals("--client-output-limit must be a positive size in bytes, with an optional unit (k, kb, m, mb, g,"
          + " gb), got '" + bad + "'", assertThrows(IllegalArgumentException.class,
              () -> ServerMain.parse(new String[] {"--client-output-limit", bad})).getMessage());
    }
  }

  /** {@code --light-writes connection|pool}, in any case; connection by default, any other value refused. */
  @Test
  void lightWritesAreSentToThePoolOnlyWhenAsked() throws IOException {
    assertTrue(ServerMain.parse(new String[0]).config().lightWritesOnConnectionThread());
    assertTrue(ServerMain.parse(new String[] {"--light-writes", "connection"}).config()
        .lightWritesOnConnectionThread());
    assertFalse(ServerMain.parse(new String[] {"--light-writes=POOL"}).config().lightWritesOnConnectionThread());
    assertEquals("--light-writes must be connection or pool, got 'thread'", assertThrows(IllegalArgumentException.class,
        () -> ServerMain.parse(new String[] {"--light-writes", "thread"})).getMessage());
  }

  /** An empty path (an unset "$DIR") is refused: --dir and --backup-dir took it for the current folder. */
  @Test
  void anEmptyPathIsRefused() {
    for (String opt : new String[] {"--dir", "--backup-dir", "--password-file"}) {
      assertEquals(opt + ": an empty argument is not a path",
          assertThrows(IllegalArgumentException.class, () -> ServerMain.parse(new String[] {opt, ""})).getMessage());
    }
  }

  @Test
  void aPasswordFileThatIsMissingIsReportedAsSuch(@TempDir Path dir) {
    Path file = dir.resolve("password");
    IOException e = assertThrows(IOException.class, () -> ServerMain.readPassword(file));
    assertEquals("the password file " + file + " does not exist", e.getMessage());
  }
  /**
   * A password file far larger than any password (a log or a disk image named by mistake) is refused at start,
   * naming the file and the limit, after reading no more than the limit: it was read whole into memory, so a file of
   * 3 GiB (sparse here: it takes no room on the disk) failed with an OutOfMemoryError.
   */
  @Test
  void aPasswordFileLargerThanAnyPasswordIsRefusedWithoutReadingItWhole(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("password");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerMain.parse(new String[] {"--password-file", file.toString()}));
    assertEquals("the password file " + file + " holds more than 8194 bytes: a password takes at most 8192 bytes"
        + " (and a line end)", e.getMessage());
    // The largest password, with its line end, is read as before.
    String longest = "p".repeat(ServerConfig.MAX_PASSWORD_BYTES);
    Files.writeString(file, longest + "\r\n", StandardOpenOption.TRUNCATE_EXISTING);
    assertEquals(longest, new String(ServerMain.readPassword(file), StandardCharsets.UTF_8));
  }
}
