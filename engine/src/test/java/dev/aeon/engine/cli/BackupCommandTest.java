package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCommandTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int backup(String... args) {
    return Backup.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyNamespaceIsCopiedIntoAMemoryDirectoryThatOpensAsTheOriginal() {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      Memory a = aeon.namespace("agent-a");
      long first = a.remember(Remember.event("s", "user", "hello").vector(new float[] {1, 0, 0}));
      a.remember(Remember.event("s", "assistant", "hi").vector(new float[] {0, 1, 0}).link("REPLIES_TO", first));
      aeon.namespace("agent-b").remember(Remember.event("t", "user", "no vector"));
    }
    Path target = dir.resolve("backup");
    assertEquals(0, backup(memory.toString(), target.toString()), output());
    List<String> lines = output().lines().toList();
    assertEquals(3, lines.size(), output());
    assertTrue(
        lines.get(0).matches(
            "agent-a: copied to .*agent-a \\(\\d+ files, [0-9.]+ MiB, up to log record 2\\) in \\d+ ms"),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("agent-b: copied to "), lines.get(1));
    assertEquals("2 namespaces backed up to " + target, lines.get(2));
    try (Aeon copy = Aeon.open(target, AeonOptions.defaults())) {
      assertEquals(List.of("agent-a", "agent-b"), copy.namespaceNames());
      assertEquals(List.of("hi", "hello"), copy.namespace("agent-a").history("s", 10).stream().map(Event::text)
          .toList());
      assertEquals(1, copy.namespace("agent-a").query("MATCH (a)-[:REPLIES_TO]->(b) RETURN a.id", java.util.Map.of())
          .rows().size());
      assertEquals("no vector", copy.namespace("agent-b").history("t", 1).getFirst().text());
      assertEquals(List.of(), copy.check("agent-a"));
    }

    out.reset();
    // What was not backed up, and why, is said on the error stream: it was printed on standard output, as a result.
    assertEquals(1, backup(memory.toString(), target.toString(), "agent-b", "agent-c"), output());
    assertEquals("", output());
    String error = err.toString(StandardCharsets.UTF_8);
    assertTrue(error.startsWith("aeon backup: agent-b: backup of namespace 'agent-b' failed: "), error);
    assertTrue(error.contains("the backup's target exists already"), error);
    assertTrue(error.contains("aeon backup: there is no namespace 'agent-c' in " + memory + "\n"), error);
    assertTrue(error.endsWith("aeon backup: 2 of 2 namespaces not backed up\n"), error);
  }

  /** A namespace named twice is backed up once: the second was refused as a backup that exists already (exit 1). */
  @Test
  void aNamespaceNamedTwiceIsBackedUpOnce() {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.namespace("a").remember(Remember.event("s", "user", "hello"));
    }
    Path target = dir.resolve("backup");
    assertEquals(0, backup(memory.toString(), target.toString(), "a", "a"), err.toString(StandardCharsets.UTF_8));
    assertTrue(output().endsWith("\n1 namespace backed up to " + target + "\n"), output());
  }

  @Test
  void aBadCommandLineExitsTwo() {
    assertEquals(2, backup(dir.toString()));
    assertEquals(2, backup(dir.resolve("none").toString(), dir.resolve("target").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a memory directory"));
    assertEquals(0, backup("--help"));
    assertEquals(2, backup(dir.toString(), dir.resolve("target").toString(), "../x"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad namespace name '../x'"), err.toString());
    err.reset();
    // An empty TARGET (an unset "$TARGET") was the current folder, where the copies went if it was empty.
    assertEquals(2, backup(dir.toString(), ""));
    assertEquals("aeon backup: TARGET: an empty argument is not a path\n", err.toString(StandardCharsets.UTF_8));
    out.reset();
    assertEquals(0, backup(dir.toString(), dir.resolve("target").toString(), "--help")); // anywhere
    assertEquals("usage: ./aeon backup DIR TARGET [NAMESPACE...]\n", output());
  }

  /**
   * A TARGET that is a folder of one's own (not a memory directory, not empty) is refused before anything is
   * copied: ./aeon backup DIR . from a project's folder put ns/<namespace> among its files.
   */
  @Test
  void aTargetThatIsNeitherAMemoryDirectoryNorEmptyIsRefused() throws Exception {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.namespace("a").remember(Remember.event("s", "user", "hello"));
    }
    Path mine = java.nio.file.Files.createDirectory(dir.resolve("mine"));
    java.nio.file.Files.writeString(mine.resolve("notes.txt"), "mine");
    assertEquals(2, backup(memory.toString(), mine.toString()), output());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("mine is neither a memory directory (it has no ns folder)"
        + " nor empty"), err.toString());
    try (var files = java.nio.file.Files.list(mine)) {
      assertEquals(List.of(mine.resolve("notes.txt")), files.toList());
    }
    Path empty = java.nio.file.Files.createDirectory(dir.resolve("empty"));
    assertEquals(0, backup(memory.toString(), empty.toString()), output());
    assertEquals(0, backup(memory.toString(), dir.resolve("new").toString()), output());
    try (Aeon other = Aeon.open(dir.resolve("other"), AeonOptions.defaults())) {
      other.namespace("b").remember(Remember.event("s", "user", "theirs"));
    }
    assertEquals(0, backup(memory.toString(), dir.resolve("other").toString()), output()); // beside its namespaces
  }
}
