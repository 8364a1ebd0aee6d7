package dev.aeon.server;

import dev.aeon.engine.Durability;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Starts a server on a free loopback port over a temporary directory, for one test class or method. */
final class TestServer {

  private TestServer() {}

  static AeonServer start(Path dir) throws IOException {
    return start(dir, c -> c);
  }

  static AeonServer start(Path dir, UnaryOperator<ServerConfig> tweak) throws IOException {
    ServerConfig c = ServerConfig.defaults()
        .withAddress(InetAddress.getLoopbackAddress(), 0)
        .withDir(dir);
    c = c.withEngine(c.engine().withDurability(Durability.ASYNC));
    return AeonServer.start(tweak.apply(c));
  }
}
