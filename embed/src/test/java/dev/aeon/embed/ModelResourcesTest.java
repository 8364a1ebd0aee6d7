package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ModelResourcesTest {

  @TempDir
  Path dir;

  /**
   * A model's jar damaged on disk (its compressed graph no longer inflates) is a model that cannot be used: the
   * documented IllegalStateException, naming the resource. It was an UncheckedIOException, which a caller that goes on
   * without a model when it cannot load one (catching that) did not expect.
   */
  @Test
  void aResourceOfADamagedJarIsAModelThatCannotBeUsed() throws IOException {
    byte[] graph = new byte[1 << 16];
    new Random(7).nextBytes(graph);
    for (int i = 0; i < graph.length; i += 2) {
      graph[i] = 0; // compressible: the jar's entry is deflated
    }
    Path jar = dir.resolve("model.jar");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("model.onnx"));
      out.write(graph);
      out.closeEntry();
    }
    assertArrayEquals(graph, readFrom(jar), "the jar as written reads back");
    byte[] bytes = Files.readAllBytes(jar);
    for (int at = 100; at < 400; at++) { // inside the deflated data, after the entry's local header
      bytes[at] ^= (byte) 0x5a;
    }
    try (OutputStream out = Files.newOutputStream(jar)) {
      out.write(bytes);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> readFrom(jar));
    assertTrue(e.getMessage().startsWith("cannot read model resource /model.onnx (is its jar damaged?)"),
        e.getMessage());
  }

  @Test
  void aMissingResourceIsNamedWithTheHint() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ModelResources.read("/no-such-model.onnx", "model", " (add its jar)"));
    assertTrue(e.getMessage().equals("model resource /no-such-model.onnx is not on the classpath (add its jar)"),
        e.getMessage());
  }

  /**
   * The model's jar truncated on disk (a copy cut short, a full disk) was reported as a model "not on the
   * classpath": the JVM's class loader skips a jar it cannot open, so the resource is only absent to it. A JVM whose
   * class path holds a truncated copy of the real model jar now says the resource cannot be read and names that jar;
   * one without the jar still says it is not on the classpath.
   */
  @Test
  @Timeout(120)
  void aTruncatedModelJarIsToldApartFromAMissingOne() throws Exception {
    List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    String modelJar = entries.stream().filter(e -> e.contains("all-minilm-l6-v2-q")).findFirst().orElseThrow();
    Path truncated = dir.resolve(Path.of(modelJar).getFileName());
    try (FileChannel in = FileChannel.open(Path.of(modelJar));
        FileChannel out = FileChannel.open(truncated, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      in.transferTo(0, in.size() / 2, out);
    }
    String damaged = openInChild(entries.stream().map(e -> e.equals(modelJar) ? truncated.toString() : e).toList());
    assertTrue(damaged.startsWith("cannot read model resource /all-minilm-l6-v2-q.onnx: the class path's jar "
        + truncated + " cannot be opened (is it damaged or cut short?): "), damaged);
    String missing = openInChild(entries.stream().filter(e -> !e.equals(modelJar)).toList());
    assertEquals("model resource /all-minilm-l6-v2-q.onnx is not on the classpath (is the model's"
        + " langchain4j-embeddings jar a dependency?)", missing);
  }

  /** What {@link OpenChild} prints: the message of the model's failure to open, on a JVM of that class path. */
  private static String openInChild(List<String> classpath) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        String.join(File.pathSeparator, classpath), OpenChild.class.getName()).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, child.exitValue(), output);
    return output;
  }

  /** Opens the default model, and prints the message of the IllegalStateException that refuses it. */
  static final class OpenChild {
    public static void main(String[] args) {
      try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
        System.out.println("opened, dimension " + embedder.embed("a text").length);
      } catch (IllegalStateException e) {
        System.out.println(e.getMessage());
      }
    }
  }

  private static byte[] readFrom(Path jar) throws IOException {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      return ModelResources.read(() -> loader.getResourceAsStream("model.onnx"), List.of(jar), "/model.onnx", "model",
          "");
    }
  }
}
