package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@code ./aeon} rebuilds a module before running one of its commands: only when a source changed
 * since the last build. Runs a copy of the launcher over a skeleton project, with a stand-in {@code mvn}
 * that only notes each call (as the real build does when the module's classpath is unchanged, it leaves
 * the module's {@code classpath.txt} as it was).
 */
class LauncherBuildTest {

  private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir
  Path project;

  private Path builds;

  @BeforeEach
  void skeleton() throws IOException {
    Path launcher = Path.of("..", "aeon");
    Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
    assumeTrue(Files.isRegularFile(launcher) && Files.isExecutable(javac) && Files.isExecutable(Path.of("/bin/bash")),
        "needs the launcher, bash and a JDK");
    Files.copy(launcher, project.resolve("aeon"), StandardCopyOption.COPY_ATTRIBUTES);
    builds = project.resolve("builds.txt");
    Path bin = Files.createDirectories(project.resolve("bin"));
    // When asked to, it saves a source while it "builds", as an editor may during a build.
    Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"$*\" >> '" + builds + "'\n"
        + "if [ -f edit-during-build ]; then rm edit-during-build; echo '// edited' >> "
        + "engine/src/main/java/Source.java; fi\n");
    Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwx------"));
    write("pom.xml", BUILT.minusSeconds(60));
    write("engine/src/main/java/Source.java", BUILT.minusSeconds(60));
    write("engine/target/classpath.txt", BUILT);
  }

  private void write(String file, Instant modified) throws IOException {
    Path p = project.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "");
    Files.setLastModifiedTime(p, FileTime.from(modified));
  }

  /** Runs {@code ./aeon check} (whose main class is not in the skeleton) and returns the builds it started. */
  private List<String> runCheck() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", project.resolve("aeon").toString(), "check")
        .directory(project.toFile()).redirectErrorStream(true).redirectOutput(project.resolve("out.txt").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("PATH", project.resolve("bin") + ":" + System.getenv("PATH"));
    Process p = pb.start();
    assertEquals(true, p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    List<String> started = Files.exists(builds) ? Files.readAllLines(builds) : List.of();
    Files.deleteIfExists(builds);
    return started;
  }

  @Test
  void filesGeneratedUnderTargetAreNotSources() throws Exception {
    // A full build writes JMH's generated sources in bench/target after engine/target/classpath.txt.
    write("bench/target/generated-sources/annotations/Generated.java", BUILT.plusSeconds(5));
    assertEquals(List.of(), runCheck());
  }

  /**
   * A source saved while a build runs is built by the next command: the module was marked as built when the build
   * ended, after the source, so the change was never built until another source changed.
   */
  @Test
  void aSourceSavedDuringABuildIsBuiltNextTime() throws Exception {
    write("engine/src/main/java/Source.java", BUILT.plusSeconds(5));
    Files.writeString(project.resolve("edit-during-build"), "");
    assertEquals(1, runCheck().size());
    assertEquals(1, runCheck().size(), "the source saved during the build was not built");
    assertEquals(List.of(), runCheck());
  }

  @Test
  void aChangedSourceIsBuiltOnceNotAtEveryRun() throws Exception {
    write("engine/src/main/java/Source.java", BUILT.plusSeconds(5));
    assertEquals(1, runCheck().size());
    assertEquals(List.of(), runCheck(), "built again, though nothing changed since the last build");
  }

  /**
   * A source deleted, or renamed (which keeps its time), since the last build is a change: the module was not built
   * again, so its classes kept the deleted class and the command ran what no source said any more.
   */
  @Test
  void aDeletedOrRenamedSourceIsBuiltOnce() throws Exception {
    write("engine/src/main/java/Other.java", BUILT.plusSeconds(5));
    assertEquals(1, runCheck().size()); // the build that lists the sources
    Files.move(project.resolve("engine/src/main/java/Other.java"),
        project.resolve("engine/src/main/java/Renamed.java"));
    assertEquals(1, runCheck().size(), "the renamed source was not built");
    assertEquals(List.of(), runCheck());
    Files.delete(project.resolve("engine/src/main/java/Renamed.java"));
    assertEquals(1, runCheck().size(), "the deleted source's class was kept");
    assertEquals(List.of(), runCheck());
  }
}
