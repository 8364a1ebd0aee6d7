package dev.aeon.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./aeon bench NAME} with a value that is not a number: a usage error, not a stack trace. */
class BenchCommandLineTest {

  @TempDir
  Path tmp;

  /** Runs the bench in a child JVM; returns its exit status and standard error. */
  private String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Bench.class.getName()));
    cmd.addAll(List.of(args));
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    p.destroyForcibly();
    assertTrue(ended, "the bench ran");
    return p.exitValue() + " " + Files.readString(err);
  }

  @Test
  void slbRefusesAValueThatIsNotANumber() throws Exception {
    String result = run("slb", "--replays", "x");
    assertTrue(result.startsWith("2 ") && result.contains("slb: --replays needs a number, got 'x'\nusage: "), result);
  }

  @Test
  void contentionRefusesAValueThatIsNotANumber() throws Exception {
    String result = run("contention", "--load", "half");
    assertTrue(result.startsWith("2 ") && result.contains("contention: --load needs a number, got 'half'\nusage: "),
        result);
  }
}
