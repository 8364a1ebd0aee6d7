package dev.aeon.engine;

import dev.aeon.common.io.DataExtents;
import dev.aeon.common.io.DurableFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A namespace's files copied into a new directory, all or nothing: into {@code <target>.partial} (marked
 * as unfinished by a file in it), forced, then renamed to {@code target}. A crash part way leaves no
 * {@code target}, and the next copy to the same target replaces the unfinished one.
 */
final class NamespaceCopy {

  /** In the partial directory while it is being filled: what marks it as ours to delete. */
  static final String UNFINISHED = "BACKUP-UNFINISHED";

  private final Path target;
  private final Path partial;
  private final List<Path> copied = new ArrayList<>();
  private long bytes;

  private NamespaceCopy(Path target, Path partial) {
    this.target = target;
    this.partial = partial;
  }

  /**
   * Starts a copy to {@code target}, which must not exist. An unfinished copy to it left by a crash is deleted;
   * anything else at {@code <target>.partial} is left alone and refused.
   */
  static NamespaceCopy to(Path target) throws IOException {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString(), null, "the backup's target exists already");
    }
    if (Files.exists(partial, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(partial.resolve(UNFINISHED), LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(partial.toString(), null,
            "exists and is not an unfinished backup (it has no " + UNFINISHED + " file)");
      }
      Stores.deleteTree(partial);
    }
    Files.createDirectories(partial);
    Files.createFile(partial.resolve(UNFINISHED));
    return new NamespaceCopy(target, partial);
  }

  /**
   * Copies every regular file under {@code source} that {@code skip} does not name, keeping the layout and
   * the holes ({@link DataExtents}). The bytes go from the page cache to the page cache: what a crash at this
   * moment would leave, provided nothing writes the files meanwhile.
   */
  void copyFiles(Path source, Predicate<Path> skip) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !skip.test(p)).toList();
    }
    for (Path from : files) {
      Path to = partial.resolve(source.relativize(from).toString());
      Files.createDirectories(to.getParent());
      try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
          RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
        long size = in.size();
        for (DataExtents.Extent e : DataExtents.of(from, size)) {
          out.getChannel().position(e.start());
          for (long at = e.start(); at < e.end(); ) {
            long n = in.transferTo(at, e.end() - at, out.getChannel());
            if (n <= 0) {
              throw new IOException(from + " ended at byte " + at + " while being copied (" + size + " expected)");
            }
            at += n;
          }
          bytes += e.end() - e.start();
        }
        out.setLength(size);
      }
      copied.add(to);
    }
  }

  /** Forces the copied files and their directories, then renames the copy to its target (made durable too). */
  void finish() throws IOException {
    for (Path p : copied) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
    Files.delete(partial.resolve(UNFINISHED));
    try (Stream<Path> dirs = Files.walk(partial)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        DurableFiles.fsyncDirectory(d);
      }
    }
    DurableFiles.atomicRename(partial, target);
  }

  /** Removes what a failed copy wrote. */
  void abandon() throws IOException {
    if (Files.exists(partial)) {
      Stores.deleteTree(partial);
    }
  }

  int files() {
    return copied.size();
  }

  long bytes() {
    return bytes;
  }
}
