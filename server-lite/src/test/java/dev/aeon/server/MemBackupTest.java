package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MEM.BACKUP: a running server's namespace, vector sets included, copied into a directory a server then opens. */
class MemBackupTest {

  @TempDir Path dir;

  @Test
  void aBackupOfARunningServerOpensAsItWas() throws Exception {
    Path backups = dir.resolve("backups");
    long first;
    try (AeonServer server = TestServer.start(dir.resolve("data"), c -> c.withBackupDir(backups));
         RespClient c = TestServer.resp3(server, "agent")) {
      first = (Long) c.call("MEM.ADD", "s", "user", "I moved to Lisbon", "VECTOR", "VALUES", "3", "1", "0", "0");
      c.call("MEM.ADD", "s", "assistant", "Lovely", "VECTOR", "VALUES", "3", "0", "1", "0", "LINK", "REPLIES_TO",
          Long.toString(first));
      assertEquals(true, c.call("VADD", "cities", "VALUES", "2", "1", "0", "lisbon", "SETATTR", "{\"pop\":545000}"));

      List<?> copied = assertInstanceOf(List.class, c.call("MEM.BACKUP", "nightly"));
      assertEquals(2, copied.size(), copied.toString()); // the namespace, and the one of its 2-d vector sets
      Map<?, ?> main = assertInstanceOf(Map.class, copied.get(0));
      assertEquals("agent", main.get("namespace"));
      assertEquals(backups.resolve("nightly/ns/agent").toString(), main.get("directory"));
      assertEquals(2L, main.get("last_lsn"));
      assertTrue((Long) main.get("files") > 5 && (Long) main.get("bytes") > 0, main.toString());
      assertEquals("agent.vset-d2", ((Map<?, ?>) copied.get(1)).get("namespace"));

      // After the backup: not in it.
      c.call("MEM.FORGET", Long.toString(first));
      c.call("VREM", "cities", "lisbon");

      String again = assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "nightly")).message();
      assertTrue(again.startsWith("ERR backup 'nightly' exists already in ")
          && again.endsWith(": a name used before is refused"), again);
      assertEquals("OK", c.call("SELECT", "other"));
      c.call("MEM.ADD", "s", "user", "another namespace", "VECTOR", "VALUES", "3", "1", "0", "0");
      assertEquals(again, assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "nightly")).message(),
          "a name used by another namespace's backup");
      assertEquals("OK", c.call("SELECT", "agent"));
      String escape = assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "../escape")).message();
      assertTrue(escape.startsWith("ERR bad backup name '../escape'"), escape);
      assertEquals(new RespClient.Err("ERR wrong number of arguments for 'mem.backup' command"), c.call("MEM.BACKUP"));
      String persistence = c.call("INFO", "persistence").toString();
      assertTrue(persistence.contains("backup_dir:" + backups + "\r\n"), persistence);
      assertTrue(persistence.contains("backups_taken:1\r\n"), persistence);
      assertTrue(persistence.contains("last_backup_status:ok\r\n"), persistence); // refusals leave it
      assertTrue(persistence.matches("(?s).*last_backup_time:[1-9][0-9]{9}\r\n.*"), persistence);
    }

    try (AeonServer restored = TestServer.start(backups.resolve("nightly"));
         RespClient c = TestServer.resp3(restored, "agent")) {
      Map<?, ?> event = assertInstanceOf(Map.class, c.call("MEM.GET", Long.toString(first)));
      assertEquals("I moved to Lisbon", event.get("text"));
      Map<?, ?> linked = assertInstanceOf(Map.class, c.call("MEM.QUERY", "MATCH (a)-[:REPLIES_TO]->(b) RETURN b.id"));
      assertEquals(List.of(List.of(first)), linked.get("rows"));
      assertEquals("{\"pop\":545000}", c.call("VGETATTR", "cities", "lisbon"));
      assertEquals(1L, c.call("VCARD", "cities"));
      Map<?, ?> stats = assertInstanceOf(Map.class, c.call("MEM.STATS"));
      assertEquals(2L, stats.get("events"));
    }
  }

  /**
   * INFO's last_backup_status reports the last backup that was attempted, as Redis' rdb_last_bgsave_status does:
   * a refused MEM.BACKUP (a bad name, a name used before, a namespace holding nothing) leaves it as it was, and
   * a backup that fails sets it to err. Before, a name used twice set err while the other refusals left ok.
   */
  @Test
  void theLastBackupStatusIsThatOfTheLastBackupAttempted() throws Exception {
    Path backups = dir.resolve("backups");
    try (AeonServer server = TestServer.start(dir.resolve("data"), c -> c.withBackupDir(backups));
         RespClient c = TestServer.resp3(server, "default")) {
      assertTrue(status(c).contains("last_backup_status:none\r\n"));
      c.call("MEM.ADD", "s", "user", "hello", "VECTOR", "VALUES", "2", "1", "0");
      assertInstanceOf(List.class, c.call("MEM.BACKUP", "first"));
      assertTrue(status(c).contains("last_backup_status:ok\r\n"));
      assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "bad name"));
      assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "first"));
      assertEquals("OK", c.call("SELECT", "empty"));
      String nothing = assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "second")).message();
      assertTrue(nothing.contains("holds nothing to back up"), nothing);
      assertTrue(status(c).contains("last_backup_status:ok\r\n"), "refusals are no backups");
      assertTrue(status(c).contains("backups_taken:1\r\n"));

      assertEquals("OK", c.call("SELECT", "default"));
      Files.walk(backups).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      Files.writeString(backups, "a file where the backup directory was");
      String failed = assertInstanceOf(RespClient.Err.class, c.call("MEM.BACKUP", "third")).message();
      assertTrue(failed.contains("cannot create the backup directory"), failed);
      assertTrue(status(c).contains("last_backup_status:err\r\n"), "a backup that failed");
    }
  }

  private static String status(RespClient c) throws Exception {
    return c.call("INFO", "persistence").toString();
  }

  @Test
  void aServerWithoutABackupDirectorySaysHowToTurnBackupsOn() throws Exception {
    try (AeonServer server = TestServer.start(dir);
         RespClient c = new RespClient(server.port())) {
      assertEquals(new RespClient.Err("ERR backups are off: start the server with --backup-dir DIR"),
          c.call("MEM.BACKUP", "nightly"));
    }
  }

  /** A backup directory inside the data directory's own folders is refused at start, not at every MEM.BACKUP. */
  @Test
  void aBackupDirectoryInsideTheDataDirectorysFoldersIsRefusedAtStart() {
    Path data = dir.resolve("data");
    for (Path backups : List.of(data, data.resolve("ns"), data.resolve("ns/agent/b"), data.resolve("tmp/b"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TestServer.start(data, c -> c.withBackupDir(backups)), backups.toString());
      assertTrue(e.getMessage().startsWith("a backup cannot go into " + backups + ", which is inside the memory"
          + " directory " + data), e.getMessage());
    }
  }
}
