package dev.aeon.embed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Turns ONNX Runtime's telemetry off before its environment is created, unless the user chose otherwise by
 * setting {@value #VARIABLE} themselves.
 *
 * <p>Why: from version 1.29, ONNX Runtime on Linux and macOS builds a telemetry client when its environment is
 * created. It matches regular expressions against the process's command line, and GCC's regex engine recurses
 * once per character: a JVM whose command line passes about 4 KB (a long class path is enough) dies of a stack
 * overflow with SIGSEGV, before any Java code can report it. The client would also send usage events to
 * Microsoft and keep a database under the user's home. {@value #VARIABLE}{@code =1}, read from the C
 * environment when the environment is created, is ONNX Runtime's documented opt-out; Java cannot set an
 * environment variable, so this calls libc's {@code setenv} through the FFM API.
 */
@SuppressWarnings("restricted") // calling libc is this class's job; the JVM runs with --enable-native-access
final class OrtTelemetry {

  static final String VARIABLE = "ORT_DISABLE_TELEMETRY";
  private static final System.Logger LOG = System.getLogger(OrtTelemetry.class.getName());

  private OrtTelemetry() {}

  /** Sets {@value #VARIABLE} to 1 in the process's C environment unless it is set; before ONNX Runtime loads. */
  static synchronized void disableUnlessChosen() {
    if (System.getenv(VARIABLE) != null || System.getProperty("os.name").startsWith("Windows")) {
      return; // the user's choice; Windows reports through its own event tracing, without the client
    }
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
      try (Arena arena = Arena.ofConfined()) {
        // overwrite 0: a value another thread set meanwhile stays (glibc's setenv takes a lock)
        int rc = (int) setenv.invokeExact(arena.allocateFrom(VARIABLE), arena.allocateFrom("1"), 0);
        if (rc != 0) {
          throw new IllegalStateException("setenv returned " + rc);
        }
      }
    } catch (Throwable e) { // no libc setenv here, or native access denied
      LOG.log(System.Logger.Level.WARNING, "cannot set " + VARIABLE + "=1 (" + e + "); set it in the environment:"
          + " ONNX Runtime's telemetry crashes a JVM whose command line is longer than about 4 KB");
    }
  }
}
