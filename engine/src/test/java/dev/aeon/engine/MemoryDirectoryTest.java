package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Aeon#open} makes of the directory it is given, when a careless program gives it the wrong one. */
class MemoryDirectoryTest {

  @TempDir Path dir;

  /**
   * A memory directory inside another's {@code ns/} or {@code tmp/} folder is refused, whether the other is open
   * or not: one opened at {@code DIR/ns} was listed and opened by DIR as a namespace named {@code ns}, whose files
   * then lay among the inner memory's namespaces; one under {@code DIR/tmp} was deleted, with what it held, by
   * DIR's next open; one in a namespace's folder was deleted by that namespace's drop, open or not.
   */
  @Test
  void aMemoryInsideTheFoldersOfAnotherIsRefused() throws Exception {
    Path outer = dir.resolve("outer");
    try (Aeon aeon = Aeon.open(outer, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "outer").vector(TestVectors.unit(1)));
    }
    Files.createSymbolicLink(dir.resolve("link"), outer.resolve("ns"));
    List<Path> inside = List.of(outer.resolve("ns"), outer.resolve("ns").resolve("default"),
        outer.resolve("ns").resolve("new"), outer.resolve("tmp").resolve("mine"), dir.resolve("link"),
        outer.resolve("x").resolve("..").resolve("ns").resolve("agent"));
    for (boolean outerOpen : new boolean[] {false, true}) {
      try (Aeon open = outerOpen ? Aeon.open(outer, EngineTest.options()) : null) {
        for (Path inner : inside) {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
              () -> Aeon.open(inner, EngineTest.options()), inner.toString());
          assertTrue(e.getMessage().contains("inside the ns/ or tmp/ folder of the memory directory"),
              e.getMessage());
        }
      }
    }
    try (Aeon aeon = Aeon.open(outer, EngineTest.options())) {
      assertEquals(List.of("default"), aeon.namespaceNames(), "the refused opens made no namespace");
      assertEquals(1, aeon.memory().stats().events());
    }
    assertFalse(Files.exists(outer.resolve("ns").resolve("LOCK")));
    assertFalse(Files.exists(outer.resolve("ns").resolve("default").resolve("LOCK")));
    assertFalse(Files.exists(outer.resolve("ns").resolve("new")));
  }

  /** Beside the other memory's folders, in its directory or a folder of its own there, a memory is its own. */
  @Test
  void aMemoryBesideTheFoldersOfAnotherIsItsOwn() {
    Path outer = dir.resolve("outer");
    try (Aeon aeon = Aeon.open(outer, EngineTest.options());
        Aeon beside = Aeon.open(outer.resolve("other"), EngineTest.options());
        Aeon nested = Aeon.open(outer.resolve("other").resolve("nested"), EngineTest.options())) {
      beside.memory().remember(Remember.event("s", "user", "beside").vector(TestVectors.unit(1)));
      nested.memory().remember(Remember.event("s", "user", "nested").vector(TestVectors.unit(2)));
      assertEquals(List.of(), aeon.namespaceNames());
    }
  }
}
