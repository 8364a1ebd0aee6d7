package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.embed.OnnxTextEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java quick start, run as written; a second test keeps the README's copy identical. */
class QuickStartTest {

  @TempDir
  Path tmp;

  @Test
  void quickStartRuns() {
    Path dir = tmp.resolve("memory");
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream console = System.out;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      quickStart(dir);
    } finally {
      System.setOut(console);
    }
    // The README's comments show what it prints.
    assertEquals(List.of("I moved to Lisbon in May", "[[Congratulations! How is the new flat?]]", "2"),
        printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList());
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open();
        Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withEmbedder(embedder))) {
      Memory memory = aeon.memory();
      assertEquals(2, memory.history("conv-1", 10).size());
      assertTrue(memory.history("conv-1", 10).stream().noneMatch(e -> e.text().contains("Lisbon")));
      assertEquals("My sister Ana is visiting next week",
          memory.recall(Recall.text("Who is coming to visit?", 1)).getFirst().event().text());
    }
  }

  private static void quickStart(Path dir) {
    // README-START
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) { // the model; closing it frees its native memory
      AeonOptions options = AeonOptions.defaults().withEmbedder(embedder);
      try (Aeon aeon = Aeon.open(dir, options)) {
        Memory memory = aeon.memory();
        long moved = memory.remember(Remember.event("conv-1", "user", "I moved to Lisbon in May").at(1_000_000));
        memory.remember(Remember.event("conv-1", "assistant", "Congratulations! How is the new flat?").at(2_000_000));
        memory.remember(Remember.event("conv-1", "user", "My sister Ana is visiting next week").at(3_000_000));

        List<Recalled> hits = memory.recall(Recall.text("Which city did the user move to?", 1));
        System.out.println(hits.getFirst().event().text());      // I moved to Lisbon in May

        QueryResult next = memory.query(
            "MATCH (e)-[:NEXT]->(n) WHERE e.text CONTAINS 'Lisbon' RETURN n.text", Map.of());
        System.out.println(next.rows());                         // [[Congratulations! How is the new flat?]]

        memory.forget(moved);
      }
      try (Aeon aeon = Aeon.open(dir, options)) {                // reopen: recovered from disk
        System.out.println(aeon.memory().history("conv-1", 10).size());  // 2
      }
    }
    // README-END
  }

  @Test
  void readmeShowsThisCode() throws IOException {
    String test = Files.readString(Path.of("src/test/java/dev/aeon/engine/QuickStartTest.java"));
    String readme = Files.readString(Path.of("../README.md"));
    String snippet = between(test, "// README-START\n", "    // README-END").stripTrailing().stripIndent().strip();
    assertTrue(readme.contains(snippet), "README.md must contain the quick start exactly as this test runs it:\n"
        + snippet);
  }

  /**
   * The README's block compiles as a reader would paste it, with its own imports, into a method that is given
   * {@code dir}: the test above runs the same code with this class's imports, which hid two the README lacked.
   */
  @Test
  void readmeBlockCompilesWithItsOwnImports() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    String block = between(readme, "## Java quick start", "```\n\n");
    block = block.substring(block.indexOf("```java\n") + "```java\n".length());
    String imports = block.lines().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
    String code = block.lines().filter(l -> !l.startsWith("import ")).collect(Collectors.joining("\n"));
    String source = imports + "\nclass ReadmeQuickStart {\n  static void run(java.nio.file.Path dir) {\n" + code
        + "\n  }\n}\n";
    Path src = tmp.resolve("src/ReadmeQuickStart.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.StringWriter errors = new java.io.StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      boolean compiled = javac.getTask(errors, files, null,
          List.of("-proc:none", "-d", tmp.resolve("classes").toString(), "-classpath",
              System.getProperty("java.class.path")),
          null, files.getJavaFileObjects(src)).call();
      assertTrue(compiled, "the README's Java quick start does not compile as shown:\n" + errors + "\n" + source);
    }
  }

  private static String between(String s, String from, String to) {
    int start = s.indexOf(from) + from.length();
    return s.substring(start, s.indexOf(to, start));
  }
}
