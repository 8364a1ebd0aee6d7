package dev.aeon.bench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.server.AeonServer;
import dev.aeon.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' client against the real server: each kind of reply read as it should be, errors thrown. */
class RespClientTest {

  @TempDir
  Path dir;

  @Test
  void readsEachKindOfReplyAndThrowsAnErrorReplyNamingTheCommand() throws IOException {
    ServerConfig config = ServerConfig.defaults().withAddress(InetAddress.getLoopbackAddress(), 0).withDir(dir);
    try (AeonServer server = AeonServer.start(config);
         RespClient client = RespClient.connect(server.address())) {
      assertEquals("PONG", client.call("PING"));
      assertEquals("héllo", client.call("ECHO", "héllo"));
      Object id = client.call("MEM.ADD", "s", "user", "first", "VECTOR", "VALUES", "2", "1", "0");
      assertTrue(id instanceof Long, "an integer reply: " + id);
      Object ids = client.call("MEM.ADDALL", "{\"session\":\"s\",\"role\":\"user\",\"text\":\"a\",\"vector\":[0,1]}",
          "{\"session\":\"s\",\"role\":\"user\",\"text\":\"b\",\"vector\":[1,1]}");
      assertEquals(List.of((Long) id + 1, (Long) id + 2), ids);
      assertNull(client.call("MEM.GET", "999"), "a null reply");
      IOException refused = assertThrows(IOException.class, () -> client.call("MEM.ADD", "s", "user"));
      assertTrue(refused.getMessage().startsWith("MEM.ADD failed: ERR"), refused.getMessage());
      assertEquals("PONG", client.call("PING"), "the connection goes on after an error reply");
    }
  }
}
