package dev.aeon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./aeon bench NAME} with a bad command line: a usage error, not a stack trace; {@code --help}: the usage. */
class BenchCommandLineTest {

  @TempDir
  Path tmp;

  /** Runs the bench in a child JVM; returns its exit status and standard error (standard output: out.txt). */
  private String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Bench.class.getName()));
    cmd.addAll(List.of(args));
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(err.toFile())
        .start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    p.destroyForcibly();
    assertTrue(ended, "the bench ran");
    return p.exitValue() + " " + Files.readString(err);
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() throws Exception {
    String result = run("backup", "--help");
    assertTrue(result.startsWith("0 "), result);
    assertEquals("usage: ./aeon bench backup [--quick] [--events N] [--rounds R]\n",
        Files.readString(tmp.resolve("out.txt")));
    result = run("backup", "-h"); // as every other command takes it; it was an unknown argument
    assertTrue(result.startsWith("0 "), result);
    assertEquals("usage: ./aeon bench backup [--quick] [--events N] [--rounds R]\n",
        Files.readString(tmp.resolve("out.txt")));
  }

  /** {@code ./aeon help} promises {@code COMMAND --help} for bench too: it was refused as "not a benchmark name". */
  @Test
  void helpWithoutANamePrintsTheUsageAndExitsZero() throws Exception {
    String result = run("--help");
    assertTrue(result.startsWith("0 "), result);
    assertTrue(Files.readString(tmp.resolve("out.txt")).startsWith("usage: ./aeon bench NAME [--quick] [options]\n"),
        Files.readString(tmp.resolve("out.txt")));
  }

  @Test
  void annNamesTheDataSetItNeeds() throws Exception {
    String result = run("ann", "--quick");
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench ann: --dataset is required\n"), result);
  }

  @Test
  void slbRefusesAValueThatIsNotANumber() throws Exception {
    String result = run("slb", "--replays", "x");
    assertTrue(result.startsWith("2 ")
        && result.contains(
            "aeon bench slb: --replays needs a positive whole number, got 'x'\nusage: ./aeon bench slb [--quick]"),
            result);
  }

  @Test
  void contentionRefusesAValueThatIsNotANumber() throws Exception {
    String result = run("contention", "--load", "half");
    assertTrue(result.startsWith("2 ") && result.contains(
        "aeon bench contention: --load needs a number above 0 and at most 1, got 'half'\nusage: ./aeon bench "
        + "contention"),
        result);
  }

  /** {@code --vectors} names what it takes; anything else is refused before the bench loads its memory. */
  @Test
  void contentionRefusesAnUnknownKindOfVectors() throws Exception {
    String result = run("contention", "--vectors", "glove");
    assertTrue(result.startsWith("2 ") && result.contains(
        "aeon bench contention: --vectors is random or wordnet, not 'glove'\nusage: ./aeon bench contention"),
        result);
    assertTrue(result.contains(" [--vectors random|wordnet]\n"), result);
  }

  /** {@code --settings} takes NPROBE:POOL pairs, each positive; anything else is refused before any data loads. */
  @Test
  void selfNamesItsOptionsAndRefusesABadSetting() throws Exception {
    String result = run("self", "--help");
    assertTrue(result.startsWith("0 "), result);
    assertEquals("usage: ./aeon bench self [--quick] [--events N] [--k LIST] [--rounds N]"
        + " [--settings NPROBE:POOL,..]\n",
        Files.readString(tmp.resolve("out.txt")));
    for (String bad : new String[] {"48", "48:0", "48:2,x:3", "0:2"}) {
      result = run("self", "--settings", bad);
      assertTrue(result.startsWith("2 ") && result.contains("aeon bench self: --settings takes positive NPROBE:POOL"
          + " pairs separated by commas"), bad + ": " + result);
    }
  }

  @Test
  void annNamesItsRoutingSweep() throws Exception {
    String result = run("ann", "--help");
    assertTrue(result.startsWith("0 "), result);
    assertTrue(Files.readString(tmp.resolve("out.txt")).endsWith(" [--routing]\n"),
        Files.readString(tmp.resolve("out.txt")));
  }

  @Test
  void recallNamesItsOptions() throws Exception {
    String result = run("recall", "--help");
    assertTrue(result.startsWith("0 "), result);
    assertEquals("usage: ./aeon bench recall [--quick] [--events N] [--only REGEX]\n",
        Files.readString(tmp.resolve("out.txt")));
  }

  @Test
  void rememberNamesItsOptions() throws Exception {
    String result = run("remember", "--help");
    assertTrue(result.startsWith("0 "), result);
    assertEquals("usage: ./aeon bench remember [--quick] [--events N] [--only CONFIGS] [--rounds R] [--embed]"
        + " [--data FILE]\n",
        Files.readString(tmp.resolve("out.txt")));
    result = run("remember", "--events", "0");
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench remember: --events needs a positive whole number,"
        + " got '0'"), result);
    result = run("remember", "--embed", "--events", "0");
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench remember: --events needs a positive whole number,"
        + " got '0'"), result);
    result = run("remember", "--rounds", "0");
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench remember: --rounds needs a positive whole number,"
        + " got '0'"), result);
  }

  /** {@code --only} names configurations as the ratios do; a name it does not know is refused, naming them all. */
  @Test
  void rememberRefusesAConfigurationItDoesNotMeasure() throws Exception {
    String result = run("remember", "--only", "sync_x1,sync_x2");
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench remember: --only takes configurations among"
        + " sync_x1,sync_x4,async_x1,async_x4,off_x1,sync_x1_batch64, not 'sync_x2'\nusage: ./aeon bench remember"),
        result);
  }

  /** {@code --data} names the LoCoMo file of {@code --embed}: without it, the glosses' run would ignore it. */
  @Test
  void rememberTakesDataOnlyWithEmbed() throws Exception {
    String result = run("remember", "--data", tmp.resolve("locomo.json").toString());
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench remember: --data is the LoCoMo file of --embed,"
        + " and is taken only with it"), result);
    result = run("remember", "--embed", "--quick", "--data", tmp.resolve("absent.json").toString());
    assertTrue(result.startsWith("2 ") && result.contains("remember: no LoCoMo data at "), result);
    result = run("remember", "--embed", "--only", "sync_x1");
    assertTrue(result.startsWith("2 ") && result.contains("aeon bench remember: --only and --rounds choose among the"
        + " configurations of remember with vectors, not of --embed"), result);
  }
}
