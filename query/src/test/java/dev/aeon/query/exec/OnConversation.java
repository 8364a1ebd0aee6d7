package dev.aeon.query.exec;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests that query the hand-written {@link Conversation}: a fresh trace for every test. */
abstract class OnConversation {

  @TempDir Path dir;
  Conversation c;

  @BeforeEach
  void openConversation() throws IOException {
    c = new Conversation(dir);
  }

  @AfterEach
  void closeConversation() throws IOException {
    c.trace.close();
  }
}
