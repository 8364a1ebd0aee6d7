package dev.aeon.fuzz.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.engine.Durability;
import dev.aeon.fuzz.FuzzFiles;
import dev.aeon.server.AeonServer;
import dev.aeon.server.ServerConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The server's commands on arguments a client may send, over a real connection to a real server: every command
 * either answers or fails with an error reply that is the client's doing, never {@code ERR internal error} (an
 * exception the command did not expect: a parser's, an index's, a cast's), and the connection stays open.
 * Arguments are keywords, numbers, JSON, FP32 blobs and keys from small sets (so that commands meet what
 * earlier ones wrote), or arbitrary bytes. The commands that may end the connection are sent too: after QUIT
 * (its reply {@code +OK}, then the connection closed) and after a CLIENT KILL that did not fail (it may name this
 * very client) the test connects again. SHUTDOWN is sent only with an argument it refuses (one that would stop
 * the server gets {@code ABORT} added), AUTH to a server without a password, MEM.BACKUP into a folder beside
 * the data directory. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CommandFuzzTest {

  private static final String[] COMMANDS = {"PING", "ECHO", "HELLO", "INFO", "CONFIG", "COMMAND", "DBSIZE", "DEL",
      "UNLINK", "EXISTS", "KEYS", "SCAN", "TYPE", "SELECT", "RESET", "FLUSHDB", "VADD", "VSIM", "VREM", "VCARD",
      "VDIM", "VEMB", "VINFO", "VSETATTR", "VGETATTR", "VISMEMBER", "VRANDMEMBER", "MEM.ADD", "MEM.GET",
      "MEM.RECALL", "MEM.TRACE", "MEM.QUERY", "MEM.FORGET", "MEM.LINK", "MEM.INVALIDATE", "MEM.SETATTR",
      "MEM.SESSIONS", "MEM.STATS", "MEM.CHECKPOINT", "MEM.COMPACT", "MEM.BACKUP", "AUTH", "CLIENT", "QUIT",
      "SHUTDOWN"};
  private static final String[] WORDS = {"set", "ns", "s1", "e1", "e2", "user", "assistant", "REFERS_TO", "NEXT",
      "FP32", "VALUES", "TEXT", "ELE", "REDUCE", "CAS", "NOQUANT", "Q8", "BIN", "EF", "SETATTR", "M", "WITHSCORES",
      "WITHATTRIBS", "COUNT", "FILTER", "FILTER-EF", "TRUTH", "NOTHREAD", "EPSILON", "RAW", "VECTOR", "ATTRS", "AT",
      "AS OF", "LIMIT", "BEFORE", "AFTER", "SESSION", "ROLE", "WHERE", "PARAMS", "FROM", "TO", "MATCH", "CURSOR",
      "TYPE", "GET", "SET", "3", "2", "AUTH", "0", "1", "-1", "2", "3", "4", "8", "0.5", "-0.0", "1e308", "1e-400",
      "nan", "inf", "-inf", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "", "*",
      "{\"year\":1980,\"genre\":\"drama\"}", "{}", "{\"a\":[1,{\"b\":null}]}", "[1,2]", "\"x\"", "\"\\ud800\"",
      ".year > 1970", ".genre == \"drama\" and .year", "MATCH (e:Event) RETURN e.id, e.text LIMIT 3",
      "MATCH (a)-[:NEXT*1..3]->(b) WHERE a.role = $r RETURN count(b)",
      "CALL recall($q, 3) YIELD event, score RETURN event.id",
      // CLIENT's subcommands and KILL's filters, AUTH's user, SHUTDOWN's and FLUSHDB's options, backup names
      "ID", "GETNAME", "SETNAME", "SETINFO", "LIB-NAME", "LIB-VER", "INFO", "LIST", "KILL", "HELP", "ADDR", "LADDR",
      "USER", "SKIPME", "MAXAGE", "yes", "no", "normal", "pubsub", "master", "default", "SAVE", "NOSAVE", "NOW",
      "FORCE", "ABORT", "ASYNC", "SYNC", "nightly", "b.1", "../x", "a b"};
  /** An argument replaced, when sent, by this client's address as the server sees it (for CLIENT KILL). */
  private static final String OWN_ADDRESS = "<own-address>";
  /** Backups kept before the test deletes them, so that a long run does not fill the disk with copies. */
  private static final int BACKUPS_KEPT = 20;

  private static final Path DIR;
  private static final Path BACKUPS;
  private static final AeonServer SERVER;
  private static OwnServerConnection connection;

  static {
    try {
      DIR = FuzzFiles.tempDirectory("aeon-command-fuzz");
      BACKUPS = DIR.resolve("backups");
      ServerConfig c = ServerConfig.defaults().withAddress(InetAddress.getLoopbackAddress(), 0)
          .withDir(DIR.resolve("data")).withBackupDir(BACKUPS);
      SERVER = AeonServer.start(c.withEngine(c.engine().withDurability(Durability.OFF)));
      connect();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    connection.close();
    SERVER.close();
    FuzzFiles.deleteTree(DIR);
  }

  @FuzzTest(maxDuration = "60s")
  void commandsAnswerOrRefuseAsTheClientsDoing(FuzzedDataProvider data) throws IOException {
    int commands = data.consumeInt(1, 4);
    for (int c = 0; c < commands; c++) {
      List<byte[]> argv = new ArrayList<>();
      argv.add(COMMANDS[data.consumeInt(0, COMMANDS.length - 1)].getBytes(StandardCharsets.UTF_8));
      int args = data.consumeInt(0, 10);
      for (int i = 0; i < args; i++) {
        argv.add(switch (data.consumeInt(0, 6)) {
          case 0, 1, 2 -> WORDS[data.consumeInt(0, WORDS.length - 1)].getBytes(StandardCharsets.UTF_8);
          case 3 -> fp32(data);
          case 4 -> Long.toString(data.consumeLong()).getBytes(StandardCharsets.UTF_8);
          case 5 -> data.consumeBytes(data.consumeInt(0, 40));
          default -> OWN_ADDRESS.getBytes(StandardCharsets.UTF_8);
        });
      }
      check(argv);
    }
  }

  @Test
  void someCommandsOfEachKind() throws IOException {
    for (String line : List.of("PING", "VADD set VALUES 3 1 0 0 e1 SETATTR {\"year\":1980}",
        "VSIM set ELE e1 WITHSCORES",
        "VSIM set VALUES 3 0 1 0 FILTER .year>1970", "MEM.ADD s1 user hello", "MEM.TRACE s1",
        "MEM.QUERY MATCH (e:Event) RETURN e.id", "MEM.STATS", "VINFO set", "MEM.BACKUP nightly", "AUTH default x",
        "AUTH x", "CLIENT SETNAME fuzz", "CLIENT LIST", "CLIENT KILL SKIPME no", "PING", "SHUTDOWN NOW",
        "QUIT", "CLIENT KILL " + OWN_ADDRESS, "HELLO 3", "CLIENT INFO", "FLUSHDB")) {
      List<byte[]> argv = new ArrayList<>();
      for (String word : line.split(" ")) {
        argv.add(word.getBytes(StandardCharsets.UTF_8));
      }
      check(argv);
    }
  }

  /** Floats as an FP32 blob: a few, of any value (NaN and infinities included), or of any bytes. */
  private static byte[] fp32(FuzzedDataProvider data) {
    int n = data.consumeInt(0, 4);
    ByteBuffer b = ByteBuffer.allocate(4 * n + (data.consumeBoolean() ? 0 : data.consumeInt(0, 3)))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(data.consumeBoolean() ? data.consumeInt(-2, 2) : data.consumeFloat());
    }
    return b.array();
  }

  /**
   * Sends one command and reads its reply: not an internal error, and the connection stays open, but after QUIT
   * (which must close it) and a CLIENT KILL that did not fail (which may have named this client).
   */
  private static void check(List<byte[]> argv) throws IOException {
    String name = new String(argv.getFirst(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    if (name.equals("shutdown") && argv.stream().skip(1).allMatch(CommandFuzzTest::stopsTheServer)) {
      argv.add("ABORT".getBytes(StandardCharsets.US_ASCII)); // refused, so the server goes on for the next inputs
    }
    String own = connection.localAddress();
    argv.replaceAll(a -> new String(a, StandardCharsets.UTF_8).equals(OWN_ADDRESS)
        ? own.getBytes(StandardCharsets.US_ASCII) : a);
    String command = describe(argv);
    connection.send(argv);
    String reply;
    try {
      reply = readReply();
    } catch (EOFException e) {
      connect(); // for the next input
      throw new AssertionError("the server closed the connection after " + command, e);
    }
    assertFalse(reply.startsWith("-ERR internal error"), command + " -> " + reply);
    if (name.equals("quit")) {
      assertTrue(reply.equals("+OK"), command + " -> " + reply);
      int next = connection.read();
      connect();
      assertTrue(next < 0, "the connection stayed open after " + command);
    } else if (name.equals("client") && !reply.startsWith("-") && argv.size() > 1
        && new String(argv.get(1), StandardCharsets.UTF_8).equalsIgnoreCase("kill")) {
      reconnectIfClosed();
    } else if (name.equals("mem.backup") && !reply.startsWith("-")) {
      deleteBackupsPastTheLimit();
    }
  }

  /** Whether SHUTDOWN would stop the server with this argument (as with none). */
  private static boolean stopsTheServer(byte[] arg) {
    String a = new String(arg, StandardCharsets.UTF_8);
    return a.equalsIgnoreCase("SAVE") || a.equalsIgnoreCase("NOW") || a.equalsIgnoreCase("FORCE");
  }

  /** A PING: PONG if the connection is open, else (this client was killed) a new connection. */
  private static void reconnectIfClosed() throws IOException {
    String reply;
    try {
      connection.send(List.of("PING".getBytes(StandardCharsets.US_ASCII)));
      reply = readReply();
    } catch (EOFException | SocketException closed) {
      connect();
      return;
    }
    assertTrue(reply.equals("simple"), "PING -> " + reply);
  }

  private static void deleteBackupsPastTheLimit() throws IOException {
    try (Stream<Path> backups = Files.list(BACKUPS)) {
      if (backups.count() > BACKUPS_KEPT) {
        FuzzFiles.deleteTree(BACKUPS);
      }
    }
  }

  private static String describe(List<byte[]> argv) {
    StringBuilder sb = new StringBuilder();
    for (byte[] a : argv) {
      sb.append(sb.isEmpty() ? "" : " ").append('\'').append(new String(a, StandardCharsets.UTF_8)).append('\'');
    }
    return sb.toString();
  }

  private static void connect() throws IOException {
    connection = OwnServerConnection.open(SERVER.port());
  }

  /** One RESP2 or RESP3 reply; an error's text, or a summary of anything else. */
  private static String readReply() throws IOException {
    int type = connection.read();
    if (type < 0) {
      throw new EOFException();
    }
    String line = connection.readLine();
    switch (type) {
      case '-', '!' -> {
        return "-" + (type == '!' ? new String(readBulk(Integer.parseInt(line)), StandardCharsets.UTF_8) : line);
      }
      case '$', '=' -> {
        int n = Integer.parseInt(line);
        if (n >= 0) {
          readBulk(n);
        }
        return "bulk";
      }
      case '*', '~', '>', '%', '|' -> {
        int n = Integer.parseInt(line) * (type == '%' || type == '|' ? 2 : 1);
        for (int i = 0; i < n; i++) {
          String element = readReply();
          assertFalse(element.startsWith("-ERR internal error"), "an element " + element);
        }
        if (type == '|') {
          return readReply(); // an attribute precedes the reply it describes
        }
        return "aggregate";
      }
      case '+' -> {
        return line.equals("OK") ? "+OK" : "simple";
      }
      case ':', ',', '#', '_', '(' -> {
        return "simple";
      }
      default -> throw new AssertionError("a reply of type '" + (char) type + "': " + line);
    }
  }

  private static byte[] readBulk(int n) throws IOException {
    byte[] b = connection.readBytes(n + 2);
    assertTrue(b[n] == '\r' && b[n + 1] == '\n', "a bulk reply not ended by CRLF");
    return java.util.Arrays.copyOf(b, n);
  }
}
