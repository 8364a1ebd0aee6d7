package dev.aeon.bench.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.Bench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchArgsTest {

  private static BenchArgs parse(String... args) {
    return BenchArgs.parse("test", args, "--quick", "--dir DIR", "--n N", "--f F");
  }

  @Test
  void flagsAndValuesAreRead() {
    BenchArgs a = parse("--dir", "x", "--quick");
    assertTrue(a.has("--quick"));
    assertEquals("x", a.value("--dir"));
    BenchArgs none = parse();
    assertFalse(none.has("--quick"));
    assertNull(none.value("--dir"));
  }

  /** {@code --dir=x} is read as {@code --dir x}: it was refused as an unknown argument. */
  @Test
  void anOptionTakesItsValueAfterAnEqualsSignToo() {
    BenchArgs a = parse("--dir=x=y", "--n=", "--quick");
    assertEquals("x=y", a.value("--dir"));
    assertEquals("", a.value("--n"));
    assertTrue(a.has("--quick"));
    assertEquals("unknown argument '--quick=1'",
        assertThrows(IllegalArgumentException.class, () -> parse("--quick=1")).getMessage());
  }

  @Test
  void anUnknownArgumentOrAMissingValueIsRefused() {
    var typo = assertThrows(IllegalArgumentException.class, () -> parse("--quik"));
    assertEquals("unknown argument '--quik'", typo.getMessage());
    var missing = assertThrows(IllegalArgumentException.class,
        () -> parse("--quick", "--dir"));
    assertEquals("--dir needs a value", missing.getMessage());
  }

  @Test
  void valuesOfTheWrongKindAreRefusedWithWhatWasWanted() {
    assertEquals(7, parse("--n", "7").positiveInt("--n", 1));
    assertEquals(0, parse("--n", "0").nonNegativeInt("--n", 1));
    assertEquals(1, parse().positiveInt("--n", 1));
    assertEquals(0.5, parse("--f", "0.5").positiveNumber("--f", 1, 1));
    assertArrayEquals(new float[] {0.9f, 0.8f}, parse("--f", "0.9, 0.8").positiveNumbers("--f", null, 1));
    assertEquals("--n needs a positive whole number, got '0'", refusal(() -> parse("--n", "0").positiveInt("--n", 1)));
    assertEquals("--n needs a whole number of at least 0, got 'x'",
        refusal(() -> parse("--n", "x").nonNegativeInt("--n", 1)));
    assertEquals("--f needs a number above 0 and at most 1, got '1.5'",
        refusal(() -> parse("--f", "1.5").positiveNumber("--f", 1, 1)));
    assertEquals("--f needs a number above 0, got 'NaN'",
        refusal(() -> parse("--f", "NaN").positiveNumber("--f", 1, Double.MAX_VALUE)));
    assertEquals("--f needs a number above 0 and at most 1, got ''",
        refusal(() -> parse("--f", "0.9,").positiveNumbers("--f", null, 1)));
    assertEquals("--dir is required", refusal(() -> parse().required("--dir")));
  }

  private static String refusal(org.junit.jupiter.api.function.Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void theUsageLineListsWhatTheBenchTakesInItsOrder() {
    assertEquals("usage: ./aeon bench test [--quick] [--dir DIR] [--n N] [--f F]",
        BenchArgs.usage("test", "--quick", "--dir DIR", "--n N", "--f F"));
  }

  /** {@code ./aeon bench ann --help} showed its required {@code --dataset} in brackets, as if it could be left out. */
  @Test
  void theUsageLineShowsARequiredOptionWithoutBrackets() {
    assertEquals("usage: ./aeon bench test --set NAME [--quick]", BenchArgs.usage("test", "!--set NAME", "--quick"));
    BenchArgs a = BenchArgs.parse("test", new String[] {"--set", "x"}, "!--set NAME", "--quick");
    assertEquals("x", a.required("--set"));
    assertEquals("--set is required",
        refusal(() -> BenchArgs.parse("test", new String[] {"--quick"}, "!--set NAME", "--quick").required("--set")));
  }

  @Test
  void aMistypedQuickStopsTheBenchWithAUsageErrorInsteadOfAFullRun(@TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "trace", "--quik")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("err.txt").toFile()).start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    p.destroyForcibly();
    assertTrue(ended, "the trace bench ran instead of refusing '--quik'");
    String err = Files.readString(dir.resolve("err.txt"));
    assertEquals(2, p.exitValue(), err);
    assertTrue(err.contains("unknown argument '--quik'") && err.contains("usage: ./aeon bench trace [--quick]"), err);
  }
}
