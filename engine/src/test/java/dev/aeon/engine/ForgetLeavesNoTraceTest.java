package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After forget, checkpoint and compaction, no byte of a forgotten text remains in any file. */
class ForgetLeavesNoTraceTest {

  @TempDir
  Path dir;

  @Test
  void forgottenTextIsGoneFromEveryFile() throws IOException {
    String secret = "my bank PIN is 8841-secret-" + System.nanoTime();
    String kept = "kept-text-" + System.nanoTime();
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < 50; i++) {
        m.remember(Remember.event("s", "user", "filler " + i).vector(TestVectors.unit(100 + i)));
      }
      long id = m.remember(Remember.event("s", "user", secret).vector(TestVectors.unit(1)));
      m.remember(Remember.event("s", "user", kept).vector(TestVectors.unit(2)));
      m.checkpoint();
      assertTrue(filesContaining(secret).size() > 0, "the secret is on disk before forget");
      assertTrue(m.forget(id));
      m.compact();
      assertEquals(List.of(), filesContaining(secret), "files still holding the forgotten text");
      assertEquals(kept, m.history("s", 1).getFirst().text());
    }
    assertEquals(List.of(), filesContaining(secret), "after close");
    assertTrue(filesContaining(kept).size() > 0, "live text is still stored");
  }

  private List<Path> filesContaining(String text) throws IOException {
    return filesContaining(dir, text);
  }

  /** The files under {@code dir} (relative to it) that hold {@code text} in UTF-8. */
  static List<Path> filesContaining(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          found.add(dir.relativize(f));
        }
      }
    }
    return found;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
