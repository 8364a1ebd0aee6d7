package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {

  @TempDir
  Path tmp;

  @Test
  void unpacksOnceAndRepairsADamagedCopy() throws IOException {
    Path dir = NativeLibraries.unpack(tmp.resolve("cache"));
    assertNotNull(dir, "the test runs from ONNX Runtime's jar on a platform it ships libraries for");
    Path library = dir.resolve(System.mapLibraryName("onnxruntime"));
    assertTrue(Files.size(library) > 1_000_000, "the runtime library is unpacked whole");
    assertTrue(Files.exists(dir.resolve(System.mapLibraryName("onnxruntime4j_jni"))));

    FileTime unpacked = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(library, unpacked);
    assertEquals(dir, NativeLibraries.unpack(tmp.resolve("cache")));
    assertEquals(unpacked, Files.getLastModifiedTime(library), "a good copy is left as it is");

    byte original;
    try (RandomAccessFile f = new RandomAccessFile(library.toFile(), "rw")) {
      f.seek(4096);
      original = f.readByte();
      f.seek(4096);
      f.writeByte(original ^ 0x10);
    }
    NativeLibraries.unpack(tmp.resolve("cache"));
    try (RandomAccessFile f = new RandomAccessFile(library.toFile(), "r")) {
      f.seek(4096);
      assertEquals(original, f.readByte(), "a copy that no longer matches the jar is unpacked again");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.count(), "no partial file is left behind");
    }
  }

  @Test
  void aFolderOthersCanWriteToIsRefused() throws IOException {
    Path dir = NativeLibraries.unpack(tmp.resolve("cache"));
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    IOException e = assertThrows(IOException.class, () -> NativeLibraries.unpack(tmp.resolve("cache")));
    assertTrue(e.getMessage().contains("no one else can write"), e.getMessage());
  }

  @Test
  void aPartialCopyLeftByADeadProcessIsDeleted() throws IOException {
    Path dir = NativeLibraries.unpack(tmp.resolve("cache"));
    Path stale = Files.write(dir.resolve("libonnxruntime.so123.partial"), new byte[1000]);
    Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path fresh = Files.write(dir.resolve("libonnxruntime.so456.partial"), new byte[1000]);
    NativeLibraries.unpack(tmp.resolve("cache"));
    assertFalse(Files.exists(stale), "an hour-old partial copy is a dead process's");
    assertTrue(Files.exists(fresh), "a fresh one may be another process's, still unpacking");
  }

  /** A process that embeds with the model and is then killed leaves no library in its temporary folder. */
  @Test
  void aKilledProcessLeavesNothingInItsTemporaryFolder() throws Exception {
    Path temporary = Files.createDirectories(tmp.resolve("tmp"));
    Process child = startChild(temporary);
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals(Child.READY)) {
        // the child's log lines
      }
      assertEquals(Child.READY, line, "the child embedded a text");
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no delete-on-exit
      child.waitFor(30, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(temporary)) {
      List<Path> left = files.filter(Files::isRegularFile).toList();
      assertEquals(List.of(), left, "files the killed process left in its temporary folder");
    }
    try (Stream<Path> files = Files.list(tmp.resolve("cache").resolve("onnxruntime"))) {
      assertEquals(1, files.count(), "the child used the cache");
    }
  }

  /**
   * Where ONNX Runtime's native library does not load (a platform it has no build for), opening fails with
   * the IllegalStateException that callers catch to go on without a model, not with a linkage error.
   */
  @Test
  void aRuntimeThatCannotLoadIsAnIllegalStateException() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("no-native-libraries"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
        "-D" + NativeLibraries.PROPERTY + "=" + empty, "-cp", System.getProperty("java.class.path"),
        OpenChild.class.getName()).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertTrue(output.contains(OpenChild.REFUSED + "ONNX runtime cannot be loaded"), output);
    assertTrue(output.contains("not found at " + empty), output);
    assertEquals(0, child.exitValue(), output);
  }

  /** Opens the default model and says how it was refused. */
  static final class OpenChild {
    static final String REFUSED = "refused: ";

    public static void main(String[] args) {
      try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
        System.out.println("opened " + embedder);
      } catch (IllegalStateException e) {
        System.out.println(REFUSED + e.getMessage());
      }
    }
  }

  private Process startChild(Path temporary) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
        "-Djava.io.tmpdir=" + temporary, "-cp", System.getProperty("java.class.path"), Child.class.getName())
        .redirectErrorStream(true);
    builder.environment().put("AEON_CACHE", tmp.resolve("cache").toString());
    return builder.start();
  }

  /** Embeds one text, says so, and waits to be killed. */
  static final class Child {
    static final String READY = "embedded";

    public static void main(String[] args) throws InterruptedException {
      OnnxTextEmbedder embedder = OnnxTextEmbedder.open();
      embedder.embed("a text to load the model with");
      System.out.println(READY);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }
}
