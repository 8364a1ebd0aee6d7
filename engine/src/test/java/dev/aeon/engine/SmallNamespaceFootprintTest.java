package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.DataExtents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A namespace that holds little takes little disk: a server with a namespace per agent may hold thousands.
 * Each store writes its files ahead in steps that start small, and the log prepares no next segment before its
 * first is half full. (Each took a MiB or more: 7.3 MB of data for a namespace of one event; then 660 KB.)
 */
class SmallNamespaceFootprintTest {

  @TempDir Path dir;

  @Test
  void aNamespaceOfAFewEventsHoldsLessThanAQuarterOfAMegabyte() throws IOException {
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
      Memory m = aeon.namespace("agent");
      for (int i = 0; i < 10; i++) {
        m.remember(Remember.event("s", i % 2 == 0 ? "user" : "assistant", "turn " + i + " of a short chat")
            .vector(TestVectors.unit(i)));
      }
      m.checkpoint();
      Path ns = dir.resolve("ns").resolve("agent");
      long data = dataBytes(ns);
      assertTrue(data < 256 << 10, "the namespace's files hold " + data + " bytes of data");
      assertEquals(List.of(), files(ns).stream().filter(p -> p.endsWith("next.prealloc")).toList(),
          "a log that wrote a few records prepared its next segment");
    }
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static long dataBytes(Path dir) throws IOException {
    long total = 0;
    for (Path f : files(dir)) {
      total += DataExtents.dataBytes(f);
    }
    return total;
  }
}
