package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ./aeon} itself answers to a bad command line, before it builds or runs anything. */
class LauncherCommandLineTest {

  @TempDir
  Path dir;

  /**
   * A command the launcher does not know is a bad command line, exit 2 as for every command's own (it exited 1,
   * the status of a failure, so that a script could not tell a typo from a failed check or backup).
   */
  @Test
  void anUnknownCommandExitsTwoWithTheUsage() throws Exception {
    Path launcher = Path.of("..", "aeon").toAbsolutePath();
    assumeTrue(Files.isRegularFile(launcher) && Files.isExecutable(Path.of("/bin/bash")), "needs the launcher and bash");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", launcher.toString(), "chek", dir.toString())
        .directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    String said = Files.readString(err);
    assertEquals(2, p.exitValue(), said);
    assertTrue(said.startsWith("Usage: ./aeon COMMAND [ARGS]") && said.endsWith("aeon: unknown command 'chek'\n"), said);
    assertEquals("", Files.readString(dir.resolve("out.txt")));
  }

  /**
   * Every command {@code ./aeon help} lists is named in the README as {@code ./aeon COMMAND}, so that a reader of the
   * README learns of it (backup, export, import and fuzz were listed by the help alone).
   */
  @Test
  void everyCommandOfTheHelpIsNamedInTheReadme() throws Exception {
    Path launcher = Path.of("..", "aeon").toAbsolutePath();
    assumeTrue(Files.isRegularFile(launcher) && Files.isExecutable(Path.of("/bin/bash")), "needs the launcher and bash");
    Path out = dir.resolve("out.txt");
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", launcher.toString(), "help")
        .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
    // a command's line of the usage: two spaces, its name, then its arguments or its description
    List<String> commands = Files.readAllLines(out).stream()
        .map(Pattern.compile("^  ([a-z]+)(\\s.*)?$")::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
    assertTrue(commands.containsAll(List.of("demo", "serve", "check", "help")), "the usage lists " + commands);
    String readme = Files.readString(Path.of("..", "README.md"));
    assertEquals(List.of(), commands.stream().filter(c -> !readme.contains("./aeon " + c)).toList(),
        "commands of ./aeon help that README.md does not name as ./aeon COMMAND");
  }

  /**
   * A JAVA_HOME that is not a JDK 25 or newer (a stale one, or an older release) is named when the launcher passes it
   * over for another; it was passed over without a word, so the user did not learn which Java ran.
   */
  @Test
  void aJavaHomeThatIsNotAJdk25IsNamedWhenPassedOver() throws Exception {
    Path launcher = Path.of("..", "aeon").toAbsolutePath();
    assumeTrue(Files.isRegularFile(launcher) && Files.isExecutable(Path.of("/bin/bash")), "needs the launcher and bash");
    Path stale = Files.createDirectories(dir.resolve("jdk-removed"));
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", launcher.toString(), "chek")
        .directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile());
    pb.environment().put("JAVA_HOME", stale.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    String said = Files.readString(err);
    assertTrue(said.startsWith("aeon: JAVA_HOME (" + stale + ") is not a JDK 25 or newer; looking for one elsewhere\n"),
        said);
  }
}
