package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where vector sets are stored: namespaces of their own, which users can neither reach nor imitate. */
class VectorSetStorageTest {

  @TempDir static Path dir;
  static AeonServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void assertErr(String prefix, Object reply) {
    RespClient.Err e = assertInstanceOf(RespClient.Err.class, reply);
    assertTrue(e.message().startsWith(prefix), e.message());
  }

  @Test
  void storageNamespacesCannotBeSelectedNorImitated() throws Exception {
    String reserved = "ERR namespace names containing '.vset-d' are reserved";
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "zz"));
      assertEquals(1L, c.call("VADD", "mine", "VALUES", "2", "1", "0", "a"));
      assertErr(reserved, c.call("SELECT", "zz.vset-d2")); // the storage of "mine"
      assertErr(reserved, c.call("SELECT", "zz.vset-d3")); // a name that would pass for it
      assertErr(reserved, c.call("SELECT", "zz.VSET-D3")); // the same directory where case is ignored
      assertErr(reserved, c.call("SELECT", "zz.vset-d3x"));
      assertTrue(((String) c.call("CLIENT", "INFO")).contains(" db=zz "), "a refused SELECT keeps the namespace");
      assertEquals(0L, c.call("MEM.FORGET", "SESSION", "vset:mine")); // zz's own events, not the set's
      assertEquals(1L, c.call("VCARD", "mine"));
    }
  }

  @Test
  void aSetOfAnotherNamespaceWhoseNameStartsLikeStorageIsNotFound() throws Exception {
    // as a namespace named "yy.vset-d3" made before such names were refused would have stored it
    server.context().vectorSets().add("yy.vset-d3", "secret", new float[] {1, 0}, "hidden", null, null);
    try (RespClient c = new RespClient(server.port())) {
      assertEquals("OK", c.call("SELECT", "yy"));
      assertEquals(0L, c.call("VCARD", "secret"));
      assertEquals(1L, c.call("VADD", "secret", "VALUES", "2", "0", "1", "mine"));
      assertEquals(1L, c.call("VCARD", "secret"));
    }
    assertEquals(1, server.context().vectorSets().cardinality("yy.vset-d3", "secret"));
  }
}
