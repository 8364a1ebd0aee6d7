package dev.aeon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java source of every module keeps to 120 columns, the project's line length: nothing else in the build holds
 * it, and once 413 lines had crept past it. Runs from the common module's directory, so the project is its parent.
 */
class SourceLineLengthTest {

  private static final int MAX_COLUMNS = 120;

  @Test
  void noJavaSourceLineIsLongerThan120Columns() throws IOException {
    Path project = Path.of("..").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(project.resolve("pom.xml")) && Files.isDirectory(project.resolve("common")),
        "runs inside the project's checkout");
    List<String> tooLong = new ArrayList<>();
    for (Path file : sources(project)) {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).length() > MAX_COLUMNS) {
          tooLong.add(project.relativize(file) + ":" + (i + 1) + " (" + lines.get(i).length() + " columns)");
        }
      }
    }
    assertEquals(List.of(), tooLong, "lines past " + MAX_COLUMNS + " columns");
  }

  /** The Java files under each module's {@code src} (none of a build's output or of a fetched data set). */
  private static List<Path> sources(Path project) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(project)) {
      for (Path src : modules.map(m -> m.resolve("src")).filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> walk = Files.walk(src)) {
          walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().forEach(files::add);
        }
      }
    }
    return files;
  }
}
