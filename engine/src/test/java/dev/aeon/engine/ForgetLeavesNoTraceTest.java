package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.testing.FileBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * The trace's meta log held every attribute map a forgotten event ever had, and the names of its session,
   * role and link types, for ever: compaction left it as it was. It now writes the log anew without them.
   */
  @Test
  void forgottenAttributesAndNamesAreGoneFromEveryFile() throws IOException {
    String tag = Long.toString(System.nanoTime());
    String value = "attr-secret-" + tag;
    String oldValue = "attr-old-" + tag;
    String session = "session-secret-" + tag;
    String role = "role_secret_" + tag;
    String type = "LINK_SECRET_" + tag;
    String keptValue = "attr-kept-" + tag;
    long keptId;
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      keptId = m.remember(Remember.event("s", "user", "kept").attribute("colour", keptValue)
          .vector(TestVectors.unit(1)));
      long single = m.remember(Remember.event("s", "user", "forgotten alone").attribute("pin", oldValue)
          .vector(TestVectors.unit(2)));
      m.setAttributes(single, java.util.Map.of("pin", value));
      for (int i = 0; i < 5; i++) {
        long e = m.remember(Remember.event(session, role, "in the secret session " + i + " " + tag).attribute("n", i)
            .vector(TestVectors.unit(10 + i)));
        m.link(e, type, keptId, 0, Long.MAX_VALUE);
      }
      m.checkpoint();
      List<String> secrets = List.of(value, oldValue, session, role, type, "in the secret session 0 " + tag,
          "in the secret session 4 " + tag);
      for (String s : secrets) {
        assertTrue(filesContaining(s).size() > 0, s + " is on disk before the forget");
      }
      assertEquals(7, m.stats().vectors());
      assertTrue(m.forget(single));
      assertEquals(5, m.forgetSession(session));
      assertEquals(1, m.stats().vectors(), "the session's vectors went with its events");
      m.compact();
      for (String s : secrets) { // the session's texts too: its forget hands their blob refs to be freed
        assertEquals(List.of(), filesContaining(s), "files still holding " + s);
      }
      assertEquals(keptValue, m.get(keptId).orElseThrow().attributes().get("colour"));
      // The names can be used again.
      m.remember(Remember.event(session, role, "back again").vector(TestVectors.unit(30)));
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(keptValue, m.get(keptId).orElseThrow().attributes().get("colour"));
      assertEquals("back again", m.history(session, 10).getFirst().text());
      assertEquals(role, m.history(session, 10).getFirst().role());
    }
  }

  private List<Path> filesContaining(String text) throws IOException {
    return filesContaining(dir, text);
  }

  /** The files under {@code dir} (relative to it) that hold {@code text} in UTF-8. */
  static List<Path> filesContaining(Path dir, String text) throws IOException {
    return FileBytes.filesContaining(dir, text.getBytes(StandardCharsets.UTF_8));
  }
}
