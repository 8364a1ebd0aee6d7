package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferCommandTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Transfer.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aNamespaceIsExportedAndImportedIntoAnotherDirectory() {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      Memory a = aeon.namespace("agent-a");
      long first = a.remember(Remember.event("s", "user", "hello").vector(new float[] {1, 0, 0}, "axes-3"));
      a.remember(Remember.event("s", "assistant", "hi").vector(new float[] {0, 1, 0}, "axes-3")
          .link("REPLIES_TO", first));
    }
    Path file = dir.resolve("agent-a.jsonl");
    assertEquals(0, run("export", memory.toString(), "agent-a", file.toString()), output());
    assertTrue(output().matches("exported agent-a: 2 events and 1 links to .*agent-a.jsonl in \\d+ ms\n"), output());
    Path other = dir.resolve("other");
    assertEquals(0, run("import", other.toString(), "restored", file.toString()), output());
    assertTrue(output().matches("imported restored: 2 events and 1 links from .*agent-a.jsonl in \\d+ ms\n"
        + ".*other is a new memory directory\n"), output());
    try (Aeon aeon = Aeon.open(other, AeonOptions.defaults())) {
      Memory m = aeon.namespace("restored");
      assertEquals(List.of("hi", "hello"), m.history("s", 10).stream().map(Event::text).toList());
      assertEquals(List.of(List.of("hi", "hello")),
          m.query("MATCH (a)-[:REPLIES_TO]->(b) RETURN a.text, b.text", Map.of()).rows());
      assertEquals("axes-3", m.stats().embeddingModel());
    }
    // A failure is said on the error stream, standard output holding only what was done: ./aeon export ... > log
    // kept why it failed out of sight, in the file meant for results.
    assertEquals(1, run("import", other.toString(), "restored", file.toString()), output());
    assertEquals("", output());
    assertTrue(error().startsWith("aeon import: namespace 'restored' holds 2 events"), error());
    assertEquals(1, run("export", memory.toString(), "agent-a", file.toString()), output());
    assertEquals("", output());
    assertTrue(error().startsWith("aeon export: export of namespace 'agent-a' failed: ")
        && error().endsWith("agent-a.jsonl: exists already\n"), error());
    assertEquals(1, run("export", memory.toString(), "agent-b", dir.resolve("b.jsonl").toString()), output());
    assertEquals("", output());
    assertEquals("aeon export: there is no namespace 'agent-b' in " + memory + "\n", error());
    assertEquals(2, run("import", other.toString(), "more", dir.resolve("nothing.jsonl").toString()));
    assertTrue(error().endsWith("nothing.jsonl does not exist\n"), error());
  }

  /**
   * With progress printed at every report: an export says how far its snapshot has got (before, nothing was printed
   * until its first event: a namespace of hundreds of megabytes was copied in silence), and an import how far its
   * last phase has got (its closing checkpoint and its rename into place).
   */
  @Test
  void everyPhaseOfAnExportOrImportPrintsItsProgress() {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.namespace("agent").remember(Remember.event("s", "user", "hello").withoutVector());
    }
    Path file = dir.resolve("agent.jsonl");
    PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream progress = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(0, Transfer.run(new String[] {"export", memory.toString(), "agent", file.toString()}, printed,
        progress, 0), output());
    List<String> lines = error().lines().toList();
    assertTrue(lines.getFirst().matches("export agent: snapshot: copied [\\d.,]+ of [\\d.,]+ MB \\(\\d+%\\)"),
        lines.toString());
    String copied = lines.stream().filter(l -> l.contains("snapshot")).reduce((a, b) -> b).orElseThrow();
    assertTrue(copied.matches("export agent: snapshot: copied (\\S+) of \\1 MB \\(100%\\)"), copied);
    assertEquals("export agent: 1 of 1 events (100%)", lines.getLast(), lines.toString());
    err.reset();
    assertEquals(0, Transfer.run(new String[] {"import", dir.resolve("other").toString(), "copy", file.toString()},
        printed, progress, 0), output());
    lines = error().lines().toList();
    assertTrue(lines.get(lines.size() - 2).matches("import copy: finishing: forcing its files to disk \\(\\d+ s\\)"),
        lines.toString());
    assertTrue(lines.getLast().matches("import copy: finishing: renaming it into place \\(\\d+ s\\)"),
        lines.toString());
  }

  @Test
  void anImportThatFailsLeavesNoNewMemoryDirectoryBehind() throws Exception {
    Path file = dir.resolve("cut.jsonl");
    Files.writeString(file, "{\"format\":\"aeon-export\",\"version\":2}\n");
    Path absent = dir.resolve("typo");
    assertEquals(2, run("import", absent.toString(), "ns", dir.resolve("nothing.jsonl").toString()));
    assertFalse(Files.exists(absent), "a missing file made the directory");
    assertEquals(1, run("import", absent.toString(), "ns", file.toString()), output());
    assertTrue(error().startsWith("aeon import: "), error());
    assertEquals("", output());
    assertFalse(Files.exists(absent), "a failed import left a new memory directory");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertEquals(1, run("import", empty.toString(), "ns", file.toString()), output());
    assertTrue(Files.isDirectory(empty) && isEmpty(empty), "a failed import left files in an empty directory");
    Path other = Files.createDirectory(dir.resolve("not-a-memory"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    assertEquals(2, run("import", other.toString(), "ns", file.toString()));
    assertTrue(error().endsWith("not-a-memory is neither a memory directory (it has no ns folder) nor empty\n"),
        error());
    assertEquals(List.of(other.resolve("notes.txt")), list(other));
    Path nested = dir.resolve("new-parent").resolve("sub");
    assertEquals(1, run("import", nested.toString(), "ns", file.toString()), output());
    assertFalse(Files.exists(dir.resolve("new-parent")), "a failed import left the parent it made");
    assertFalse(error().contains("could not remove"), error());
  }

  @Test
  void aFailedImportCleansUpThroughLinksDotsAndDotDots() throws Exception {
    Path file = dir.resolve("cut.jsonl");
    Files.writeString(file, "{\"format\":\"aeon-export\",\"version\":2}\n");
    Path target = Files.createDirectory(dir.resolve("target"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertEquals(1, run("import", link.toString(), "ns", file.toString()), output());
    assertEquals(List.of(), list(target), "a failed import through a link left files in the empty directory");

    Path busy = Files.createDirectory(dir.resolve("busy"));
    Files.writeString(busy.resolve("notes.txt"), "mine");
    assertEquals(2, run("import", busy.resolve("new").resolve("..").toString(), "ns", file.toString()),
        "new/.. is busy itself, which is not empty");
    assertEquals(List.of(busy.resolve("notes.txt")), list(busy));

    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertEquals(1, run("import", empty.resolve("x").resolve("..").resolve("y").toString(), "ns", file.toString()));
    assertEquals(1, run("import", empty.resolve(".").resolve("x").resolve(".").resolve("y").toString(), "ns",
        file.toString()));
    assertFalse(error().contains("could not remove"), error());
    assertEquals(List.of(), list(empty), "a failed import left directories it made");
  }

  /**
   * Another owner that opens the directory while a failed import cleans it up keeps what it wrote: the cleanup
   * removes the files while it holds the directory's lock, and only empty directories after.
   */
  @Test
  void anOpenRacingTheCleanupOfAFailedImportKeepsWhatItWrote() throws Exception {
    Path file = dir.resolve("cut.jsonl");
    Files.writeString(file, "{\"format\":\"aeon-export\",\"version\":2}\n");
    int raced = 0;
    for (int round = 0; round < 40; round++) {
      Path target = dir.resolve("race-" + round);
      AtomicBoolean importEnded = new AtomicBoolean();
      AtomicBoolean wrote = new AtomicBoolean();
      Thread other = Thread.ofPlatform().start(() -> {
        while (!importEnded.get() && !wrote.get()) {
          try (Aeon aeon = Aeon.open(target, AeonOptions.defaults())) {
            aeon.namespace("theirs").remember(Remember.event("s", "user", "mine"));
            wrote.set(true);
          } catch (RuntimeException lockedOrRemovedMeanwhile) {
            Thread.onSpinWait();
          }
        }
      });
      run("import", target.toString(), "ns", file.toString());
      importEnded.set(true);
      other.join();
      if (wrote.get()) {
        raced++;
        try (Aeon aeon = Aeon.open(target, AeonOptions.defaults())) {
          assertEquals(List.of("mine"), aeon.namespace("theirs").history("s", 10).stream().map(Event::text).toList(),
              "round " + round + ": " + output());
        }
      }
    }
    assertTrue(raced > 0, "the other owner never got the directory");
  }

  @Test
  void anImportIntoAVectorSetStorageNameIsRefused() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "{\"format\":\"aeon-export\",\"version\":2}\n");
    assertEquals(2, run("import", dir.resolve("m").toString(), "x.VSET-d3", file.toString()));
    assertTrue(error().contains("namespace names containing '.vset-d' are where a server keeps its vector sets"),
        error());
    assertFalse(Files.exists(dir.resolve("m")));
  }

  /**
   * A name that cannot name a namespace is a bad command line, refused before DIR is opened: an import into a DIR
   * that did not exist made it, failed on the name, then failed to drop the namespace of that name while cleaning
   * up, and left the new memory directory behind.
   */
  @Test
  void aBadNamespaceNameIsABadCommandLineAndMakesNothing() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "{\"format\":\"aeon-export\",\"version\":2}\n");
    Path absent = dir.resolve("typo");
    assertEquals(2, run("import", absent.toString(), "bad/name", file.toString()), output());
    assertTrue(error().contains("bad namespace name 'bad/name'"), error());
    assertFalse(Files.exists(absent), "a bad name left a new memory directory");
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.namespace("a").remember(Remember.event("s", "user", "hello"));
    }
    assertEquals(2, run("export", memory.toString(), "-a", dir.resolve("out.jsonl").toString()), output());
    assertFalse(Files.exists(dir.resolve("out.jsonl")));
  }

  private String error() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static boolean isEmpty(Path d) throws Exception {
    return list(d).isEmpty();
  }

  private static List<Path> list(Path d) throws Exception {
    try (var s = Files.list(d)) {
      return s.toList();
    }
  }

  /** An empty DIR or FILE (an unset "$FILE") is refused: it was the current folder, which an export took for a file. */
  @Test
  void anEmptyPathIsABadCommandLine() {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.namespace("a").remember(Remember.event("s", "user", "hello"));
    }
    assertEquals(2, run("export", memory.toString(), "a", ""), output());
    assertEquals("aeon export: FILE: an empty argument is not a path\n", error());
    assertEquals(2, run("import", "", "a", dir.resolve("a.jsonl").toString()), output());
    assertEquals("aeon import: DIR: an empty argument is not a path\n", error());
  }

  @Test
  void aBadCommandLineExitsTwo() {
    assertEquals(2, run("export", dir.toString(), "ns"));
    assertEquals(2, run("export", dir.resolve("none").toString(), "ns", dir.resolve("f").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a memory directory"));
    assertEquals(0, run("import", "--help"));
  }

  /**
   * {@code --help} anywhere asks for the usage, and an option or {@code -} (a standard stream, which these commands
   * do not use) is a bad command line: {@code ./aeon export DIR NS --help} and {@code ./aeon export DIR NS -}
   * wrote an export to files named {@code --help} and {@code -}.
   */
  @Test
  void helpAnywhereShowsTheUsageAndAnOptionIsABadCommandLine() {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.namespace("a").remember(Remember.event("s", "user", "hello"));
    }
    assertEquals(0, run("export", dir.resolve("none").toString(), "a", "--help"), output());
    assertEquals("usage: ./aeon export DIR NAMESPACE FILE\n", output());
    assertEquals(0, run("import", memory.toString(), "-h", dir.resolve("f").toString()), output());
    assertEquals("usage: ./aeon import DIR NAMESPACE FILE\n", output());
    err.reset();
    assertEquals(2, run("import", memory.toString(), "b", "-"), output());
    assertEquals("usage: ./aeon import DIR NAMESPACE FILE\n", error());
    err.reset();
    assertEquals(2, run("export", memory.toString(), "a", "--out"), output());
    assertEquals("usage: ./aeon export DIR NAMESPACE FILE\n", error());
  }
}
