package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String... args) {
    return Check.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String error() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void writeTwoNamespaces() {
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withWalSegmentBytes(1 << 20))) {
      Memory a = aeon.namespace("agent-a");
      long first = a.remember(Remember.event("s", "user", "hello").vector(new float[] {1, 0, 0}, "axes-3"));
      a.remember(Remember.event("s", "assistant", "hi").vector(new float[] {0, 1, 0}).link("REPLIES_TO", first));
      aeon.namespace("agent-b").remember(Remember.event("t", "user", "no vector"));
    }
  }

  @Test
  void consistentNamespacesAreListedAndExitZero() {
    writeTwoNamespaces();
    assertEquals(0, check(dir.toString()), output());
    assertEquals("""
        agent-a: ok (events 2, vectors 2 of axes-3, links 1, sessions 1)
        agent-b: ok (events 1, vectors 0, links 0, sessions 1)
        2 namespaces consistent
        """, output());
  }

  @Test
  void aNamespaceThatCannotBeOpenedIsReportedWithItsFileAndTheOthersStillChecked() throws IOException {
    writeTwoNamespaces();
    Path events = dir.resolve("ns").resolve("agent-a").resolve("trace").resolve("events.trace");
    byte[] bytes = Files.readAllBytes(events);
    bytes[0] ^= (byte) 0xff;
    Files.write(events, bytes);
    assertEquals(1, check(dir.toString()), output());
    assertTrue(output().startsWith("agent-a: cannot be opened: " + events + " at offset 0: bad magic"), output());
    assertTrue(output().contains("agent-b: ok (events 1,"), output());
    assertTrue(output().endsWith("1 of 2 namespaces not consistent\n"), output());
  }

  @Test
  void aDirectoryAnotherAeonHoldsIsRefusedWithWhy() {
    writeTwoNamespaces();
    try (Aeon server = Aeon.open(dir, AeonOptions.defaults())) { // as a running server does
      assertEquals(1, check(dir.toString()), output());
    }
    // On the error stream, as every failure of a command: it was printed on standard output, as a result.
    assertTrue(error().startsWith("aeon check: the memory directory " + dir + " is already open"), error());
    assertEquals("", output());
  }

  @Test
  void aNamedNamespaceThatDoesNotExistIsNotCreated() {
    writeTwoNamespaces();
    assertEquals(1, check(dir.toString(), "agent-a", "nobody"));
    assertEquals("aeon check: there is no namespace 'nobody' in " + dir + "\n", error()); // a mistake, not a finding
    assertTrue(output().startsWith("agent-a: ok (") && output().endsWith("1 of 2 namespaces not consistent\n"),
        output());
    assertTrue(Files.notExists(dir.resolve("ns").resolve("nobody")));
  }

  @Test
  void aNamespaceNamedTwiceIsCheckedOnce() {
    writeTwoNamespaces();
    assertEquals(0, check(dir.toString(), "agent-b", "agent-b"), output());
    assertEquals("""
        agent-b: ok (events 1, vectors 0, links 0, sessions 1)
        1 namespace consistent
        """, output());
  }

  @Test
  void aFolderThatIsNotAMemoryIsABadCommandLine() {
    assertEquals(2, check(dir.resolve("elsewhere").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a memory directory"));
    assertTrue(Files.notExists(dir.resolve("elsewhere")), "nothing was created");
    assertEquals(2, check());
  }

  /**
   * A DIR with letters that the JVM cannot hold in a file name under a locale that is not UTF-8 (LC_ALL=C, as under
   * cron or env -i) is a bad command line that says what to do: Path.of threw an InvalidPathException out of the
   * command, a stack trace and exit 1. Run in a child JVM, whose locale is C.
   */
  @Test
  void aPathTheLocaleCannotHoldIsABadCommandLineThatSaysWhy() throws Exception {
    Path memory = dir.resolve("mémoire");
    String bin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(bin, "-cp", System.getProperty("java.class.path"), Check.class.getName(),
        memory.toString()).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(
        dir.resolve("err.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    pb.environment().put("LC_ALL", "C");
    Process child = pb.start();
    assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the child did not end");
    String said = Files.readString(dir.resolve("err.txt"));
    assertEquals(2, child.exitValue(), said);
    assertTrue(said.startsWith("aeon check: DIR: '" + dir) && said.contains("is not a path here (")
        && said.endsWith("use a UTF-8 locale, such as LC_ALL=C.UTF-8\n"), said);
    assertEquals("", Files.readString(dir.resolve("out.txt")));
  }

  /** An empty DIR (an unset "$DIR") is not the current folder. */
  @Test
  void anEmptyDirIsABadCommandLine() {
    assertEquals(2, check(""));
    assertEquals("aeon check: DIR: an empty argument is not a path\n", error());
  }

  @Test
  void helpIsAnAnswerNotAnError() {
    assertEquals(0, check("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: ./aeon check DIR"));
  }

  /** An option after DIR, or a path, is not a namespace that is missing (exit 1) but a bad command line (exit 2). */
  @Test
  void aNameThatCannotNameANamespaceIsABadCommandLine() {
    writeTwoNamespaces();
    assertEquals(2, check(dir.toString(), "-v"), output());
    assertEquals(2, check(dir.toString(), "agent-a", "../agent-b"), output());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad namespace name '../agent-b'"), err.toString());
    assertEquals("", output());
  }

  @Test
  void helpAnywhereShowsTheUsage() {
    writeTwoNamespaces();
    assertEquals(0, check(dir.toString(), "agent-a", "--help"), output());
    assertEquals("usage: ./aeon check DIR [NAMESPACE...]\n", output());
  }
}
