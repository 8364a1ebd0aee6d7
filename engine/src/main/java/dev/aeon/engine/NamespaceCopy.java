package dev.aeon.engine;

import dev.aeon.common.io.DataExtents;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.ExclusiveFileLock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A namespace's files copied into a new directory, all or nothing: into {@code <target>.partial}, forced, then
 * renamed to {@code target}. The file {@code <target>.partial.unfinished}, made before the directory and
 * removed after the rename, marks the partial directory as a copy's: a crash part way leaves no
 * {@code target}, and the next copy to the same target replaces the unfinished one, while a directory of that
 * name without the mark is someone else's and is never deleted. The copy holds the mark locked while it runs,
 * so that a second copy to the same target (another process backing up a namespace of the same name into the
 * same directory) is refused: it took the running copy's directory for one a crash left and deleted it, and the
 * files of both copies went into its own.
 */
final class NamespaceCopy {

  /** The unit of comparison and rewriting in {@link #catchUp}. */
  private static final int CHUNK = 1 << 20;

  private final Path target;
  private final Path partial;
  private final Path unfinished;
  /** The lock on {@link #unfinished}, held from the start of the copy until it is finished or abandoned. */
  private ExclusiveFileLock claim;
  /** The files of the copy, as the catch-up left them. */
  private List<Path> copied = List.of();
  private long bytes;
  /** The bytes copied that {@link #copyFiles} last reported: each report is of more. */
  private long reportedBytes;

  private NamespaceCopy(Path target) {
    this.target = target;
    this.partial = target.resolveSibling(target.getFileName() + ".partial");
    this.unfinished = target.resolveSibling(target.getFileName() + ".partial.unfinished");
  }

  /**
   * Whether {@code name}, a folder of {@code nsDir}, is a copy that a crash cut short ({@code <target>.partial}
   * with its mark beside it): it holds part of a namespace's files, so it must not be listed or opened as a
   * namespace, though its name is a namespace name.
   */
  static boolean isUnfinished(Path nsDir, String name) {
    return name.endsWith(".partial")
        && Files.isRegularFile(nsDir.resolve(name + ".unfinished"), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Starts a copy to {@code target}, which must not exist. An unfinished copy to it left by a crash is deleted;
   * one that another copy is making, and anything else at {@code <target>.partial}, is left alone and refused.
   */
  static NamespaceCopy to(Path target) throws IOException {
    NamespaceCopy copy = new NamespaceCopy(target);
    refuseTaken(copy);
    if (Files.exists(copy.partial, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(copy.unfinished, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(copy.partial.toString(), null,
          "exists and is not an unfinished backup (there is no " + copy.unfinished.getFileName() + ")");
    }
    DurableFiles.createDirectories(target.getParent());
    boolean marked = Files.exists(copy.unfinished, LinkOption.NOFOLLOW_LINKS);
    copy.claim = ExclusiveFileLock.tryAcquire(copy.unfinished); // makes the mark if there is none
    if (copy.claim == null) {
      throw new FileAlreadyExistsException(copy.partial.toString(), null,
          "another backup to " + target + " is running (it holds " + copy.unfinished.getFileName() + " locked)");
    }
    try {
      if (!copy.claim.stillAt(copy.unfinished)) {
        throw new FileAlreadyExistsException(copy.partial.toString(), null,
            "another backup to " + target + " ended or began meanwhile");
      }
      refuseTaken(copy); // by a copy that held the claim until just now
      if (Files.exists(copy.partial, LinkOption.NOFOLLOW_LINKS)) {
        Stores.deleteTree(copy.partial); // a crash's: the copy that made it would hold the claim
      }
      if (!marked) {
        DurableFiles.fsyncDirectory(target.getParent()); // the mark is on disk before the directory it vouches for
      }
      Files.createDirectory(copy.partial);
    } catch (IOException | RuntimeException e) {
      try {
        if (!marked && copy.claim.stillAt(copy.unfinished)) { // the mark this copy made, not another's
          Files.deleteIfExists(copy.unfinished);
        }
      } finally {
        copy.claim.close();
      }
      throw e;
    }
    return copy;
  }

  private static void refuseTaken(NamespaceCopy copy) throws FileAlreadyExistsException {
    if (Files.exists(copy.target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(copy.target.toString(), null, "the backup's target exists already");
    }
  }

  /**
   * The first pass, while writers may still write: copies every regular file under {@code source} that
   * {@code skip} does not name, keeping the layout and the holes ({@link DataExtents}), and tells {@code progress}
   * of the bytes copied, of the bytes of data the files held when listed ({@link
   * TransferProgress.Step#SNAPSHOT_BYTES}). What changes meanwhile {@link #catchUp} copies again. A file that goes away
   * meanwhile is left to it too.
   */
  void copyFiles(Path source, Predicate<Path> skip, TransferProgress progress) throws IOException {
    List<Path> from = files(source, skip);
    long total = 0;
    for (Path f : from) {
      try {
        total += DataExtents.dataBytes(f);
      } catch (NoSuchFileException gone) {
        // deleted since it was listed
      }
    }
    long done = 0;
    for (Path f : from) {
      done += copyFile(source, f, total, done, progress);
    }
  }

  /** Copies one file of {@link #copyFiles}, {@code done} bytes of {@code total} copied before; returns its bytes. */
  private long copyFile(Path source, Path from, long total, long done, TransferProgress progress) throws IOException {
    Path to = partial.resolve(source.relativize(from).toString());
    Files.createDirectories(to.getParent());
    long copied = 0;
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
      long size = in.size();
      for (DataExtents.Extent e : DataExtents.of(from, size)) {
        out.getChannel().position(e.start());
        for (long at = e.start(); at < e.end(); ) {
          // a step at a time, so that a file of hundreds of megabytes is not copied in silence
          long n = in.transferTo(at, Math.min(CHUNK * 16L, e.end() - at), out.getChannel());
          if (n <= 0) {
            break; // the file shrank meanwhile: the catch-up settles it
          }
          at += n;
          copied += n;
          // a file that grew since it was listed is copied whole, past the total
          long reported = Math.min(done + copied, total);
          if (reported > reportedBytes) {
            reportedBytes = reported;
            progress.report(TransferProgress.Step.SNAPSHOT_BYTES, reported, total);
          }
        }
      }
      out.setLength(size);
    } catch (NoSuchFileException gone) {
      // deleted since it was listed: the catch-up removes its copy
    }
    return copied;
  }

  /**
   * The second pass, while nothing writes the files (the caller holds writers back): makes every file of the
   * copy equal to its source byte for byte, writing only the chunks that differ. Comparing what is in the page
   * cache is several times faster than writing it anew, once the device's write-back limits how fast pages
   * may be dirtied, so writers wait less (./aeon bench backup, 100,000 events: 373-569 ms while 300 MiB were
   * copied anew, 53-103 ms while they were compared).
   * Copies files that appeared since the first pass and removes the copies of those that went away.
   */
  void catchUp(Path source, Predicate<Path> skip) throws IOException {
    List<Path> current = new ArrayList<>();
    ByteBuffer a = ByteBuffer.allocateDirect(CHUNK);
    ByteBuffer b = ByteBuffer.allocateDirect(CHUNK);
    for (Path from : files(source, skip)) {
      Path to = partial.resolve(source.relativize(from).toString());
      current.add(to);
      Files.createDirectories(to.getParent());
      try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
          RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
        long size = in.size();
        out.setLength(size);
        List<DataExtents.Extent> extents = DataExtents.of(from, size);
        List<DataExtents.Extent> copiedExtents = DataExtents.of(to, size);
        extents.forEach(e -> bytes += e.end() - e.start());
        // Where either file holds data: a range the source has as a hole must read as zeros in the copy too.
        for (DataExtents.Extent e : union(extents, copiedExtents)) {
          for (long at = e.start(); at < e.end(); at += CHUNK) {
            int n = (int) Math.min(CHUNK, e.end() - at);
            readFully(in, a.clear().limit(n), at);
            readFully(out.getChannel(), b.clear().limit(n), at);
            // Zeros the source wrote are written too, not left a hole: the stores trust the blocks they wrote
            // to exist (WrittenExtent), so that a full device fails a write rather than a store into a mapping.
            if (!a.flip().equals(b.flip()) || overlaps(extents, at, at + n) && !covers(copiedExtents, at, at + n)) {
              while (a.hasRemaining()) {
                out.getChannel().write(a, at + a.position());
              }
            }
          }
        }
      }
    }
    try (Stream<Path> all = Files.walk(partial)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        if (!current.contains(p)) { // a few dozen files
          Files.delete(p);
        }
      }
    }
    copied = current;
  }

  private static List<Path> files(Path source, Predicate<Path> skip) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !skip.test(p)).toList();
    }
  }

  /** The ranges covered by either list (each sorted and without overlaps), merged and sorted. */
  static List<DataExtents.Extent> union(List<DataExtents.Extent> x, List<DataExtents.Extent> y) {
    List<DataExtents.Extent> all = new ArrayList<>(x);
    all.addAll(y);
    all.sort(Comparator.comparingLong(DataExtents.Extent::start));
    List<DataExtents.Extent> merged = new ArrayList<>();
    for (DataExtents.Extent e : all) {
      DataExtents.Extent last = merged.isEmpty() ? null : merged.getLast();
      if (last != null && e.start() <= last.end()) {
        merged.set(merged.size() - 1, new DataExtents.Extent(last.start(), Math.max(last.end(), e.end())));
      } else {
        merged.add(e);
      }
    }
    return merged;
  }

  private static boolean overlaps(List<DataExtents.Extent> extents, long from, long to) {
    return extents.stream().anyMatch(e -> e.start() < to && from < e.end());
  }

  private static boolean covers(List<DataExtents.Extent> extents, long from, long to) {
    return extents.stream().anyMatch(e -> e.start() <= from && to <= e.end());
  }

  /** Reads {@code buffer}'s remaining bytes at {@code at}; zeros past the end of the file. */
  private static void readFully(FileChannel ch, ByteBuffer buffer, long at) throws IOException {
    while (buffer.hasRemaining()) {
      int n = ch.read(buffer, at + buffer.position());
      if (n < 0) {
        while (buffer.hasRemaining()) {
          buffer.put((byte) 0);
        }
      }
    }
  }

  /**
   * Forces the copied files and their directories if {@code durable}, renames the copy to its target, then
   * removes the mark of an unfinished copy (each step made durable).
   */
  void finish(boolean durable) throws IOException {
    if (durable) {
      for (Path p : copied) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      try (Stream<Path> dirs = Files.walk(partial)) {
        for (Path d : dirs.filter(Files::isDirectory).toList()) {
          DurableFiles.fsyncDirectory(d);
        }
      }
    }
    DurableFiles.atomicRename(partial, target);
    Files.delete(unfinished); // under the claim: a copy that waits for it finds the target made
    DurableFiles.fsyncDirectory(target.getParent());
    claim.close();
  }

  /** Removes what a failed copy wrote, and its mark. */
  void abandon() throws IOException {
    try {
      if (Files.exists(partial)) {
        Stores.deleteTree(partial);
      }
      Files.deleteIfExists(unfinished);
    } finally {
      claim.close();
    }
  }

  int files() {
    return copied.size();
  }

  long bytes() {
    return bytes;
  }
}
