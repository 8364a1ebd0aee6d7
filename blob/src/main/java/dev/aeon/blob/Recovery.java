package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.Uninterruptibly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens the directory of an arena after a clean close or a crash. The newest complete generation file is
 * authoritative: a garbage collection makes its new generation complete (forced) before renaming it from
 * its temp name. Temp files are unfinished collections and are deleted; older generations are left over
 * from a collection that crashed before deleting them and are deleted once the newest one has been checked.
 * A torn tail after the last commit is cut off, so no byte of it survives to be misread later.
 */
final class Recovery {

  record Recovered(Generation generation, RefTable table, FrameScanner.Result scan, long nextId) {}

  private Recovery() {}

  static Recovered recover(Path dir, long initialCapacity) throws IOException {
    List<Long> generations = new ArrayList<>();
    boolean deleted = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Generation.numberOf(f, true) >= 0) {
          Files.delete(f);
          deleted = true;
        } else if (Generation.numberOf(f, false) >= 0) {
          generations.add(Generation.numberOf(f, false));
        }
      }
    }
    if (generations.isEmpty()) {
      Generation g = Generation.create(Generation.tempFileFor(dir, 1), 1, initialCapacity, 1);
      try {
        g.commit(1);
        g.renameTo(Generation.fileFor(dir, 1), Generation.DirectorySync.DURABLE);
      } catch (IOException | RuntimeException e) {
        closeAfterFailure(g, e);
        throw e;
      }
      return new Recovered(g, new RefTable(), new FrameScanner.Result(ArenaHeader.DATA_START, 0, 0, 0, 0, 0), 1);
    }
    long newest = generations.stream().mapToLong(Long::longValue).max().orElseThrow();
    Recovered r = openGeneration(Generation.fileFor(dir, newest), newest);
    try {
      for (long n : generations) {
        if (n != newest) {
          Files.deleteIfExists(Generation.fileFor(dir, n));
          deleted = true;
        }
      }
      if (deleted) { // on a thread of its own, as every file operation of an open: a caller's interrupt fails none
        Uninterruptibly.run(() -> DurableFiles.fsyncDirectory(dir));
      }
    } catch (IOException | RuntimeException e) { // e.g. an older generation that cannot be deleted
      closeAfterFailure(r.generation(), e);
      throw e;
    }
    return r;
  }

  /** A failed open releases the generation it opened (its mapping and descriptors); nobody has seen it yet. */
  private static void closeAfterFailure(Generation g, Exception failure) {
    try {
      g.closeNow();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static Recovered openGeneration(Path file, long number) throws IOException {
    Generation g = Generation.open(file, number);
    try {
      ArenaHeader.Commit commit = ArenaHeader.read(g.data(), g.capacity(), file, number);
      g.setCommitted(commit);
      g.setVersion(ArenaHeader.version(g.data()));
      RefTable table = new RefTable();
      FrameScanner.Result scan = FrameScanner.scan(g.data(), commit.committedEnd(), file, g.version(),
          (id, at, length) -> table.put(id, at));
      g.setEnd(scan.end());
      long nextId = Math.max(commit.idLimit(), scan.maxId() + 1);
      if (g.end() < g.capacity()) {
        g.discardTail();
      }
      if (g.end() != commit.committedEnd() || nextId != commit.idLimit()) {
        g.commit(nextId);
      }
      return new Recovered(g, table, scan, nextId);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(g, e);
      throw e;
    }
  }
}
