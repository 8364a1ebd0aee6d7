package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's telemetry, on by default from 1.29, matches regular expressions against the command line
 * when its environment is created, and a command line of more than about 4 KB overflows the stack: the JVM
 * dies with SIGSEGV (exit 139) and reports nothing. {@link OrtTelemetry} turns it off before that.
 */
class OrtTelemetryTest {

  @Test
  void aJvmWithALongCommandLineOpensTheModel() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    // A long class path does the same; 8 KB of a property is the shortest way to write one.
    ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
        "-Dpadding=" + "x".repeat(8192), "-cp", System.getProperty("java.class.path"), EmbedChild.class.getName())
        .redirectErrorStream(true);
    builder.environment().remove(OrtTelemetry.VARIABLE); // the engine's own setting is what is tested
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, child.exitValue(), "the child died (139 is SIGSEGV): " + output);
    assertTrue(output.contains(EmbedChild.EMBEDDED + "384"), output);
  }

  /** Opens the default model and embeds a text. */
  static final class EmbedChild {
    static final String EMBEDDED = "embedded, dimension ";

    public static void main(String[] args) {
      try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open()) {
        System.out.println(EMBEDDED + embedder.embed("a text").length);
      }
    }
  }
}
