package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
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

  private static byte[] readFrom(Path jar) throws IOException {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      return ModelResources.read(() -> loader.getResourceAsStream("model.onnx"), "/model.onnx", "model", "");
    }
  }
}
