package dev.aeon.common.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a folder, to fill a device for real: a write that grows a file fails with "No space
 * left on device", while writes into blocks a file holds already go on, as on a full disk (a file size limit
 * fails the writes past an offset in every file, those into written blocks too). Mounting needs Linux and the
 * right to mount (root has it): a test using it is skipped elsewhere.
 */
public final class SmallDevice implements AutoCloseable {

  private final Path root;

  private SmallDevice(Path root) {
    this.root = root;
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code folder} (created), or skips the calling test. */
  public static SmallDevice mount(Path folder, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(folder);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", folder.toString()),
        "needs the right to mount a small tmpfs");
    return new SmallDevice(folder);
  }

  /**
   * The device a test mounted on {@code root}, for a process of its own that fills and empties it (the test unmounts
   * it).
   */
  public static SmallDevice mountedAt(Path root) {
    return new SmallDevice(root);
  }

  public Path root() {
    return root;
  }

  /** Gives the device {@code megabytes} in all, keeping what it holds. */
  public void resize(int megabytes) throws IOException, InterruptedException {
    if (!run("mount", "-o", "remount,size=" + megabytes + "m", root.toString())) {
      throw new IOException("cannot remount " + root);
    }
  }

  /**
   * Remounts the device read-only, or writable again: a read-only file system refuses every write, root's too,
   * where a folder's permissions do not stop root. Refused (an IOException) while a file on it is open for writing.
   */
  public void readOnly(boolean readOnly) throws IOException, InterruptedException {
    if (!run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), root.toString())) {
      throw new IOException("cannot remount " + root + (readOnly ? " read-only" : " writable"));
    }
  }

  /** Fills the device but for {@code pages} pages of 4 KiB. */
  public void fillLeaving(int pages) throws IOException {
    Path spare = root.resolve("spare");
    Files.write(spare, new byte[pages * 4096]);
    fill();
    Files.delete(spare);
  }

  /** Fills what is left of the device with a file of zeros, down to the last page. */
  public void fill() throws IOException {
    try (FileChannel ch = FileChannel.open(root.resolve("ballast"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (int size = 1 << 20; size >= 4096; size /= 16) {
        ByteBuffer zeros = ByteBuffer.allocate(size);
        try {
          while (true) {
            ch.write(zeros.clear());
          }
        } catch (IOException full) {
          // next, smaller writes
        }
      }
    }
  }

  /** Gives back the room {@link #fill} took. */
  public void empty() throws IOException {
    Files.deleteIfExists(root.resolve("ballast"));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", root.toString());
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no such command
    }
  }
}
