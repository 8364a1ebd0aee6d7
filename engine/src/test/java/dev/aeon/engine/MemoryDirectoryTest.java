package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.SmallDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
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

  /**
   * A directory that cannot be a memory's is refused saying why: its message was only the file's name when
   * something other than a directory (a file, a link to nothing) stood where the memory or its {@code ns/} goes.
   */
  @Test
  void aDirectoryThatCannotHoldAMemoryIsRefusedSayingWhy() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "not a memory");
    Path fileForNs = dir.resolve("ns-is-a-file");
    Files.createDirectories(fileForNs);
    Files.writeString(fileForNs.resolve("ns"), "not a folder");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    List<List<String>> expected = List.of(
        List.of(file.toString(), file + " is not a directory, nor a link to one"),
        List.of(fileForNs.toString(), fileForNs.resolve("ns") + " is not a directory, nor a link to one"),
        List.of(dangling.toString(), dangling + " is not a directory, nor a link to one"));
    for (List<String> c : expected) {
      java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
          () -> Aeon.open(Path.of(c.get(0)), EngineTest.options()));
      assertEquals("cannot open the memory directory " + c.get(0) + ": " + c.get(1), e.getMessage());
    }
    assertEquals("not a memory", Files.readString(file));
  }

  /**
   * An open that is refused leaves the directory as it found it: refused for a file at {@code tmp/} (a directory
   * that was not a memory's), it kept the {@code ns/} folder and the {@code LOCK} file it had made there, and refused
   * for a {@code LOCK} that is not a file, the {@code ns/} folder. Nothing that was there is deleted either.
   */
  @Test
  void aRefusedOpenLeavesTheDirectoryAsItFoundIt() throws Exception {
    Path notes = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(notes.resolve("tmp"), "the user's notes");
    Files.writeString(notes.resolve("todo.txt"), "buy milk");
    Path lockIsAFolder = Files.createDirectories(dir.resolve("lock-is-a-folder").resolve(Aeon.LOCK_FILE));
    Files.writeString(lockIsAFolder.resolve("inside"), "kept");
    Path nsIsAFile = Files.createDirectories(dir.resolve("ns-is-a-file"));
    Files.writeString(nsIsAFile.resolve("ns"), "not a folder");
    Path linkForTmp = Files.createDirectories(dir.resolve("link-for-tmp"));
    Files.createSymbolicLink(linkForTmp.resolve("tmp"), notes);
    for (Path refused : List.of(notes, lockIsAFolder.getParent(), nsIsAFile, linkForTmp)) {
      Map<Path, String> before = contents(dir);
      java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
          () -> Aeon.open(refused, EngineTest.options()));
      assertTrue(e.getMessage().startsWith("cannot open the memory directory " + refused + ": "), e.getMessage());
      assertEquals(before, contents(dir), refused + ": " + e.getMessage());
    }
  }

  /** Every file, folder and link under {@code root} (not through links), with what a file holds. */
  private static Map<Path, String> contents(Path root) throws IOException {
    Map<Path, String> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        all.put(root.relativize(p), Files.isSymbolicLink(p) ? "link to " + Files.readSymbolicLink(p)
            : Files.isDirectory(p) ? "folder" : Files.readString(p));
      }
    }
    return all;
  }

  /**
   * What is at {@code DIR/tmp} and is not a folder (a file or a link a user put there) is not the memory's scratch
   * folder, which the open empties: the open deleted it without a word. It is refused, left as it was, and the
   * directory opens once it is moved away.
   */
  @Test
  void aFileOrLinkWhereTheScratchFolderGoesIsRefusedNotDeleted() throws Exception {
    Path memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "kept").vector(TestVectors.unit(1)));
    }
    Path scratch = memory.resolve("tmp");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    for (boolean link : List.of(false, true)) {
      Files.deleteIfExists(scratch);
      if (link) {
        Files.createSymbolicLink(scratch, elsewhere);
      } else {
        Files.writeString(scratch, "the user's notes");
      }
      java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
          () -> Aeon.open(memory, EngineTest.options()));
      assertEquals("cannot open the memory directory " + memory + ": " + scratch + " is not a directory (the memory"
          + " keeps its scratch folder there): move it away", e.getMessage());
      assertTrue(Files.exists(scratch, java.nio.file.LinkOption.NOFOLLOW_LINKS), "deleted: " + scratch);
    }
    assertTrue(Files.isDirectory(elsewhere));
    Files.delete(scratch);
    try (Aeon aeon = Aeon.open(memory, EngineTest.options())) { // the refused opens released the directory
      assertEquals(1, aeon.memory().stats().events());
    }
  }

  /**
   * A memory on a read-only file system is refused at open, saying so, and opens whole once the file system is
   * writable again. (Folder permissions cannot show this where the tests run as root, who writes through them.)
   */
  @Test
  void aMemoryOnAReadOnlyFileSystemIsRefusedSayingSo() throws Exception {
    try (SmallDevice device = SmallDevice.mount(dir.resolve("fs"), 16)) {
      Path memory = device.root().resolve("memory");
      try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
        aeon.memory().remember(Remember.event("s", "user", "kept").vector(TestVectors.unit(1)));
      }
      device.readOnly(true);
      for (Path d : List.of(memory, device.root().resolve("new"))) {
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
            () -> Aeon.open(d, EngineTest.options()));
        assertTrue(e.getMessage().startsWith("cannot open the memory directory " + d + ": ")
            && e.getMessage().endsWith("Read-only file system"), e.getMessage());
      }
      device.readOnly(false);
      try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
        assertEquals(1, aeon.memory().stats().events());
        assertEquals(List.of(), aeon.check("default"));
      }
    }
  }

  /**
   * A caller whose thread was interrupted opens a new memory directory, and keeps its interrupt: the open forces
   * the folders it made, through a channel that the interrupt closed (ClosedByInterruptException), so it failed
   * with "the calling thread was interrupted".
   */
  @Test
  void aNewMemoryOpensOnAnInterruptedThread() {
    Path memory = dir.resolve("new").resolve("memory");
    Thread.currentThread().interrupt();
    try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
      assertTrue(Thread.interrupted(), "the caller's interrupt stays set for it to see");
      aeon.memory().remember(Remember.event("s", "user", "kept").vector(TestVectors.unit(1)));
    } finally {
      Thread.interrupted();
    }
    try (Aeon aeon = Aeon.open(memory, EngineTest.options())) {
      assertEquals(1, aeon.memory().stats().events());
    }
  }

  /** A link to a directory holds the memory there, and the directory is one memory by either name. */
  @Test
  void aLinkToADirectoryIsThatDirectory() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    try (Aeon aeon = Aeon.open(link, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "through a link").vector(TestVectors.unit(1)));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Aeon.open(real, EngineTest.options()));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }
    try (Aeon aeon = Aeon.open(real, EngineTest.options())) {
      assertEquals(1, aeon.memory().stats().events());
    }
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
