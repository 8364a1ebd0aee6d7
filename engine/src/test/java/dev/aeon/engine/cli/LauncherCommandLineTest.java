package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    Process p = runLauncher(System.getProperty("java.home"), "chek", dir.toString());
    String said = Files.readString(dir.resolve("err.txt"));
    assertEquals(2, p.exitValue(), said);
    assertTrue(said.startsWith("Usage: ./aeon COMMAND [ARGS]") && said.endsWith("aeon: unknown command 'chek'\n"),
        said);
    assertEquals("", Files.readString(dir.resolve("out.txt")));
  }

  /**
   * Every command {@code ./aeon help} lists is named in the README as {@code ./aeon COMMAND}, so that a reader of the
   * README learns of it (backup, export, import and fuzz were listed by the help alone).
   */
  @Test
  void everyCommandOfTheHelpIsNamedInTheReadme() throws Exception {
    Process p = runLauncher(System.getProperty("java.home"), "help");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
    // a command's line of the usage: two spaces, its name, then its arguments or its description
    List<String> commands = Files.readAllLines(dir.resolve("out.txt")).stream()
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
    Path stale = Files.createDirectories(dir.resolve("jdk-removed"));
    runLauncher(stale.toString(), "chek");
    String said = Files.readString(dir.resolve("err.txt"));
    assertTrue(said.startsWith("aeon: JAVA_HOME (" + stale + ") is not a JDK 25 or newer; looking for one elsewhere\n"),
        said);
  }

  /**
   * Runs {@code ./aeon args} with {@code javaHome} as JAVA_HOME in {@link #dir}, its output in out.txt and err.txt
   * there, and waits for it; skipped where there is no launcher or no bash.
   */
  private Process runLauncher(String javaHome, String... args) throws Exception {
    Path launcher = Path.of("..", "aeon").toAbsolutePath();
    assumeTrue(Files.isRegularFile(launcher) && Files.isExecutable(Path.of("/bin/bash")),
        "needs the launcher and bash");
    List<String> command = new ArrayList<>(List.of("/bin/bash", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("JAVA_HOME", javaHome);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
    return p;
  }
}
