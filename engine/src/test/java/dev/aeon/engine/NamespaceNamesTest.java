package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names an embedding program may give a namespace: none reaches outside {@code DIR/ns}, nor the engine's own
 * files beside it ({@code LOCK}, {@code tmp/}), and a refused one is refused before anything is made, saying why.
 */
class NamespaceNamesTest {

  @TempDir Path dir;

  private static final String[] REFUSED = {"", ".", "..", "../x", "a/b", "/abs", "a\\b", "a\0b", "a\nb", "a\rb",
      "a\tb", "a\u007fb", "a\u0085b", " a", "a ", "-a", "_a", ".hidden", "a".repeat(Aeon.MAX_NAMESPACE_NAME + 1),
      "caf\u00e9", "cafe\u0301", "\u0430", "a\ud800", "x".repeat(100_000)};

  /**
   * Every call that takes a name refuses these, with an IllegalArgumentException whose message holds the name on
   * one line, without its control characters, and at most its first 64 characters: a name with a newline or a NUL
   * was echoed as it was (a forged line in a log, a NUL in a client's error), and a 100,000-character one whole.
   */
  @Test
  void badNamesAreRefusedByEveryCallSayingWhyOnOneShortLine() throws Exception {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      List<Consumer<String>> calls = List.of(aeon::namespace, aeon::reader, aeon::lease, aeon::exists,
          aeon::closeNamespace, aeon::dropNamespace, aeon::ifOpen, aeon::check, Aeon::checkName,
          n -> aeon.backup(n, dir.resolveSibling(dir.getFileName() + "-backup")),
          n -> aeon.exportNamespace(n, dir.resolveSibling(dir.getFileName() + ".jsonl")),
          n -> aeon.importNamespace(n, dir.resolveSibling(dir.getFileName() + ".jsonl")),
          n -> aeon.checkBeforeCreating(n, Remember.event("s", "user", "x")));
      for (String name : REFUSED) {
        for (Consumer<String> call : calls) {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.accept(name),
              name.length() + " chars: " + name.codePoints().limit(20).boxed().toList());
          String message = e.getMessage();
          assertTrue(message.startsWith("bad namespace name '"), message);
          assertTrue(message.chars().noneMatch(Character::isISOControl), message);
          assertTrue(message.length() < 250, () -> message.length() + " characters: " + message.substring(0, 100));
        }
      }
      assertEquals("bad namespace name 'a?b': use 1-64 letters, digits, '_', '.', '-', starting with a letter or"
          + " digit", assertThrows(IllegalArgumentException.class, () -> aeon.namespace("a\nb")).getMessage());
      assertEquals("bad namespace name '" + "x".repeat(64) + "...' (100000 characters): use 1-64 letters, digits,"
          + " '_', '.', '-', starting with a letter or digit",
          assertThrows(IllegalArgumentException.class, () -> aeon.namespace("x".repeat(100_000))).getMessage());
      // A line or paragraph separator breaks a line too, and a bidirectional override reorders what follows it
      String separated = assertThrows(IllegalArgumentException.class,
          () -> aeon.namespace("a\u2028b\u2029c\u202ed")).getMessage();
      assertTrue(separated.startsWith("bad namespace name 'a?b?c?d':"), separated);
      String wide = assertThrows(IllegalArgumentException.class,
          () -> aeon.namespace("\ud83d\ude00".repeat(100))).getMessage(); // 100 characters, 200 UTF-16 units
      assertTrue(wide.startsWith("bad namespace name '" + "\ud83d\ude00".repeat(64) + "...' (100 characters):"), wide);
      assertEquals(List.of(), aeon.namespaceNames());
    }
    try (var left = Files.list(dir.resolve("ns"))) {
      assertEquals(List.of(), left.toList(), "a refused name made nothing");
    }
  }

  /**
   * Names that are those of the engine's own files, of a backup's unfinished copy, or that differ only in case
   * are namespaces like any other, each in its own folder under {@code ns/}, through a reopen; the memory's own
   * {@code LOCK} and {@code tmp/} are left alone. (The file system here tells names apart by case; on one that does
   * not, such as macOS's or Windows' default, names that differ only in case are the same folder: docs/durability.md.)
   */
  @Test
  void namesLikeTheEnginesFilesOrDifferingInCaseAreNamespacesOfTheirOwn() throws Exception {
    List<String> names = new ArrayList<>(List.of("LOCK", "tmp", "ns", "wal", "trace", "blobs", "atlas", "x.partial",
        "x.partial.unfinished", "default", "Default", "DEFAULT", "a.", "a..", "9", "CON", "nul",
        "z".repeat(Aeon.MAX_NAMESPACE_NAME)));
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      for (int i = 0; i < names.size(); i++) {
        aeon.namespace(names.get(i)).remember(Remember.event("s", "user", names.get(i)).vector(TestVectors.unit(i)));
      }
    }
    assertTrue(Files.isRegularFile(dir.resolve("LOCK")));
    assertFalse(Files.exists(dir.resolve("tmp")), "a namespace named tmp is not the scratch folder");
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(names.stream().sorted().toList(), aeon.namespaceNames());
      for (String name : names) {
        Memory m = aeon.namespace(name);
        assertEquals(1, m.stats().events(), name);
        assertEquals(name, m.history("s", 1).get(0).text(), name);
        assertEquals(List.of(), aeon.check(name), name);
        assertTrue(Files.isDirectory(dir.resolve("ns").resolve(name).resolve("wal")), name);
      }
      assertTrue(aeon.dropNamespace("tmp") && aeon.dropNamespace("LOCK") && aeon.dropNamespace("Default"));
      assertTrue(Files.isRegularFile(dir.resolve("LOCK")), "dropping namespace LOCK left the memory's own");
      assertEquals(1, aeon.namespace("default").stats().events());
      assertEquals(1, aeon.namespace("DEFAULT").stats().events());
      assertEquals(0, aeon.namespace("Default").stats().events());
    }
  }
}
