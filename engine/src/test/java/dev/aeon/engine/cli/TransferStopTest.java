package dev.aeon.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) or SIGTERM while {@code ./aeon export} or {@code import} runs, in a child JVM ({@link Child}) held
 * at its first event until the signal's hook has asked it to stop. The command must stop there, undo what it wrote
 * and say so, the JVM exiting with the signal's status; the memory is left as it was. Before, the JVM ended where the
 * command stood, with no word: an export left its temporary file beside FILE and its snapshot in DIR's tmp/, an
 * import into a new DIR left a memory directory behind.
 */
class TransferStopTest {

  private static final int EVENTS = 20;

  @TempDir
  Path dir;

  private Path memory;

  @BeforeEach
  void aNamespace() {
    memory = dir.resolve("memory");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      Memory m = aeon.namespace("agent");
      for (int i = 0; i < EVENTS; i++) {
        m.remember(Remember.event("s", "user", "event " + i).vector(new float[] {1, i, 0}, "axes-3"));
      }
    }
  }

  @Test
  @Timeout(120)
  void ctrlCStopsAnExportWhichLeavesNothingBehind() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    Path file = out.resolve("agent.jsonl");
    Stopped stopped = runAndSignal("INT", "export", memory.toString(), "agent", file.toString());
    assertEquals(128 + 2, stopped.status(), stopped.err());
    assertTrue(stopped.err().contains("aeon export: stopping: undoing what it wrote ...\n"), stopped.err());
    assertTrue(stopped.err().endsWith("aeon export: stopped: " + file + " was not written\n"), stopped.err());
    assertEquals("", stopped.out());
    assertEquals(List.of(), list(out), "no file, no temporary file");
    assertEquals(List.of(), list(memory.resolve("tmp")), "no snapshot");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      assertEquals(List.of(), aeon.check("agent"));
      assertEquals(EVENTS, aeon.namespace("agent").stats().events());
    }
  }

  @Test
  @Timeout(120)
  void sigtermStopsAnImportIntoANewDirectoryWhichIsRemoved() throws Exception {
    Path file = dir.resolve("agent.jsonl");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.exportNamespace("agent", file);
    }
    Path fresh = dir.resolve("fresh");
    Stopped stopped = runAndSignal("TERM", "import", fresh.toString(), "copy", file.toString());
    assertEquals(128 + 15, stopped.status(), stopped.err());
    assertTrue(stopped.err().endsWith("aeon import: stopped: nothing was imported into copy\n"), stopped.err());
    assertEquals("", stopped.out());
    assertFalse(Files.exists(fresh), "the new memory directory was left");
  }

  @Test
  @Timeout(120)
  void ctrlCStopsAnImportIntoAMemoryWhichIsLeftAsItWas() throws Exception {
    Path file = dir.resolve("agent.jsonl");
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      aeon.exportNamespace("agent", file);
    }
    Stopped stopped = runAndSignal("INT", "import", memory.toString(), "copy", file.toString());
    assertEquals(128 + 2, stopped.status(), stopped.err());
    assertTrue(stopped.err().endsWith("aeon import: stopped: nothing was imported into copy\n"), stopped.err());
    try (Aeon aeon = Aeon.open(memory, AeonOptions.defaults())) {
      assertEquals(List.of("agent"), aeon.namespaceNames());
      assertEquals(List.of(), aeon.check("agent"));
    }
    assertEquals(List.of(), list(memory.resolve("tmp")), "the import's work was left in tmp/");
  }

  private record Stopped(int status, String out, String err) {}

  /**
   * Runs the command in a {@link Child}, sends it {@code signal} ({@code kill -INT} or {@code -TERM}) once it is held
   * at its first event, and returns how it ended.
   */
  private Stopped runAndSignal(String signal, String... args) throws Exception {
    Path kill = Path.of("/bin/kill");
    assumeTrue(Files.isExecutable(kill), "needs /bin/kill");
    List<String> cmd = new ArrayList<>(defaultDisposition(signal));
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Child.class.getName()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Process child = new ProcessBuilder(cmd).redirectOutput(out.toFile()).start();
    try (BufferedReader err =
        new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
      StringBuilder said = new StringBuilder();
      for (String line = err.readLine(); ; line = err.readLine()) {
        assertTrue(line != null, "the child ended before its first event: " + said);
        said.append(line).append('\n');
        if (line.contains(" events (")) {
          break;
        }
      }
      Process sent = new ProcessBuilder(kill.toString(), "-" + signal, Long.toString(child.pid())).inheritIO().start();
      assertEquals(0, sent.waitFor());
      // waited for first: a read of its pipe would wait for ever (not interrupted by the test's timeout) if it hung
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end: " + said);
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        said.append(line).append('\n');
      }
      String text = said.toString().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
          .map(l -> l + "\n").reduce("", String::concat);
      return new Stopped(child.exitValue(), Files.readString(out), text);
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * The command that starts the child with {@code signal}'s default disposition. A shell starts a job in the
   * background with SIGINT ignored, the JVM then keeps it ignored (it installs no handler, so no hook runs) and a
   * child inherits that: under a CI script that runs the build so, Ctrl-C reached nothing and the test waited for
   * ever. {@code env --default-signal} (coreutils 8.31 and later) restores it; without it the test is skipped where
   * the signal is ignored.
   */
  private static List<String> defaultDisposition(String signal) throws Exception {
    List<String> env = List.of("env", "--default-signal=" + signal);
    try {
      List<String> probe = new ArrayList<>(env);
      probe.add("true");
      Process p = new ProcessBuilder(probe).inheritIO().start();
      if (p.waitFor() == 0) {
        return env;
      }
    } catch (java.io.IOException noEnv) {
      // checked below
    }
    int number = signal.equals("INT") ? 2 : 15;
    String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
        .map(l -> l.substring("SigIgn:".length()).trim()).findFirst().orElse("0");
    assumeTrue((Long.parseUnsignedLong(ignored, 16) & (1L << (number - 1))) == 0,
        "SIG" + signal + " is ignored in this process (a background job) and env cannot restore it");
    return List.of();
  }

  private static List<Path> list(Path d) throws Exception {
    if (!Files.exists(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  /**
   * {@code ./aeon export|import} ({@link Transfer#main}), printing its progress at every step, held in the print of
   * its first event until the stop is asked. The hook prints on {@code System.err}, a stream of its own, which the
   * held one does not lock.
   */
  public static final class Child {

    public static void main(String[] args) {
      Stopping stopping = Stopping.onSignal("aeon " + args[0]);
      PrintStream real = System.err;
      PrintStream held = new PrintStream(new OutputStream() {
        private final StringBuilder line = new StringBuilder();
        private boolean waited;

        @Override
        public void write(int b) {
          real.write(b);
          if (b != '\n') {
            line.append((char) b);
            return;
          }
          boolean event = line.toString().contains(" events (");
          line.setLength(0);
          if (event && !waited) {
            waited = true;
            real.flush();
            try {
              stopping.awaitAsked();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
        }
      }, true, StandardCharsets.UTF_8);
      Transfer.main(args, held, 0, stopping);
    }
  }
}
