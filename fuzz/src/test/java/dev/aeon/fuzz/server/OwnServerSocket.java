package dev.aeon.fuzz.server;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** A connection to the test's own server, which Jazzer's network-request detector is told to let through. */
final class OwnServerSocket {

  private OwnServerSocket() {}

  /** A socket to {@code port} on the loopback address. */
  static Socket open(int port) throws IOException {
    try (SilentCloseable allowed = allowOnly(port)) {
      return new Socket(InetAddress.getLoopbackAddress(), port);
    }
  }

  /**
   * Lets connections to {@code port} through the detector, which refuses the test's own reconnects while fuzzing.
   * Where Jazzer's agent is not installed yet (a test class's static set-up runs before its first fuzz test, and in
   * a plain {@code mvn test} of the class alone nothing installed it), there is no detector to tell.
   */
  private static SilentCloseable allowOnly(int port) {
    try {
      return BugDetectors.allowNetworkConnections((host, p) -> p == port);
    } catch (IllegalStateException noAgent) { // "Failed to set sanitizer variable"
      return () -> {};
    }
  }
}
