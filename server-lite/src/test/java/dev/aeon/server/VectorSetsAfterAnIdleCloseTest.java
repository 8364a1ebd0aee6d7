package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.server.vset.CountedLoads;
import dev.aeon.wal.HeldForces;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A vector set keeps the instance of its namespace its element map was read from, and is read again (its whole
 * history) once the engine hands out another. One closed as idle left everything in the namespace's files ({@code
 * Memory.closedCleanly}), so a set of it switches to the next instance without being read again, and answers as
 * before; one whose instance failed is still read again. On the code before, every set of a namespace closed as idle
 * was read again on its next command: the large set here was loaded once more ({@link CountedLoads} counted 1).
 */
class VectorSetsAfterAnIdleCloseTest {

  private static final String STORAGE = "default.vset-d3";
  private static final int ELEMENTS = 400;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"SYNC", "ASYNC", "OFF"})
  void aSetWhoseNamespaceClosedAsIdleIsNotReadAgain(Durability durability) throws Exception {
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ofMillis(200))
        .withEngine(c.engine().withDurability(durability)));
        RespClient c = new RespClient(server.port())) {
      for (int i = 0; i < ELEMENTS; i++) { // pipelined: under SYNC the writes share forces
        c.send("VADD", "set", "VALUES", "3", "1", "" + (i + 1) / (float) ELEMENTS, "" + (i % 7) / 7f, "e" + i,
            "SETATTR", "{\"n\":" + i + "}");
      }
      for (int i = 0; i < ELEMENTS; i++) {
        assertEquals(1L, c.read(), "VADD of e" + i);
      }
      List<Object> before = answers(c);
      try (CountedLoads loads = CountedLoads.start()) {
        TestServer.awaitClosedAsIdle(server, STORAGE);
        assertEquals(before, answers(c), "the answers after the idle close");
        assertEquals(0, loads.count(), "loads of the set after its namespace closed as idle");
        // its writes go to the next instance, under the ids it kept
        assertEquals(1L, c.call("VREM", "set", "e0"));
        assertEquals(0L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "e1"));
        TestServer.awaitClosedAsIdle(server, STORAGE);
        assertEquals((long) ELEMENTS - 1, c.call("VCARD", "set"));
        assertEquals(0L, c.call("VISMEMBER", "set", "e0"));
        assertEquals("{\"n\":1}", c.call("VGETATTR", "set", "e1"), "e1's attributes, kept by its replacement");
        assertEquals(0, loads.count(), "loads of the set after its namespace closed as idle twice");
      }
      assertEquals(ELEMENTS - 1, server.context().memory(STORAGE).history("vset:set", 2 * ELEMENTS).size(),
          "the namespace's events of the set");
    }
  }

  /** A set whose namespace failed is read again from the reopened one, which holds what the log made durable. */
  @Test
  void aSetWhoseNamespaceFailedIsReadAgain() throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withEngine(c.engine().withDurability(Durability.SYNC)));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
      try (CountedLoads loads = CountedLoads.start()) {
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
        try (HeldForces forces = HeldForces.hold()) {
          CompletableFuture<Object> vadd = CompletableFuture.supplyAsync(() -> {
            try (RespClient w = new RespClient(server.port())) {
              return w.call("VADD", "set", "VALUES", "3", "0", "0", "1", "c");
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
          assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
          forces.fail();
          assertInstanceOf(RespClient.Err.class, vadd.get(60, TimeUnit.SECONDS), "the VADD whose force failed");
        } finally {
          System.setErr(stderr);
        }
        long held = server.context().memory(STORAGE).history("vset:set", 100).size();
        assertEquals(held, c.call("VCARD", "set"), "VCARD against the reopened namespace");
        assertEquals(1, loads.count(), "loads of the set after its namespace failed");
      }
    }
  }

  /**
   * A set read from an instance that closed cleanly, whose namespace's next instance failed before the set was used
   * again (a write of another set, whose force fails): that failure lost only events logged after the close, so the set
   * agrees with the instance opened after it, without being read again, and its writes reach its own elements.
   */
  @Test
  void aSetReadFromACleanlyClosedInstanceIsNotReadAgainAfterALaterOneFailed() throws Exception {
    PrintStream stderr = System.err;
    try (AeonServer server = TestServer.start(dir, c -> c.withNamespaceIdle(Duration.ZERO) // closed below, by hand
        .withEngine(c.engine().withDurability(Durability.SYNC)));
        RespClient c = new RespClient(server.port())) {
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "1", "0", "0", "a"));
      assertEquals(1L, c.call("VADD", "set", "VALUES", "3", "0", "1", "0", "b"));
      Object embedding = c.call("VEMB", "set", "b");
      assertEquals(List.of(STORAGE), server.context().closeIdleNamespaces());
      Memory next = server.context().memory(STORAGE);
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the WARN lines
      try (HeldForces forces = HeldForces.hold()) {
        CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> next.remember(StoredElements.element(
            "other", "c", 0, 0, 1)));
        assertTrue(forces.awaitAForceHeld(60), "no force of the log was held");
        forces.fail();
        assertThrows(ExecutionException.class, other::get, "the write to other, whose force failed");
      } finally {
        System.setErr(stderr);
      }
      try (CountedLoads loads = CountedLoads.start()) {
        assertEquals(2L, c.call("VCARD", "set"));
        assertEquals(embedding, c.call("VEMB", "set", "b"));
        assertEquals(1L, c.call("VREM", "set", "a"));
        assertEquals(List.of("b"), c.call("VSIM", "set", "VALUES", "3", "1", "0", "0", "COUNT", "5"));
        assertEquals(0, loads.count(), "loads of the set");
      }
      assertEquals(Map.of("b", "y"), StoredElements.of(server, STORAGE, "set"), "the namespace's elements of set");
    }
  }

  /** What the set answers: its size, an exact search with scores and attributes, an element's vector and attributes. */
  private static List<Object> answers(RespClient c) throws Exception {
    List<Object> out = new ArrayList<>();
    out.add(c.call("VCARD", "set"));
    out.add(c.call("VSIM", "set", "VALUES", "3", "1", "0.5", "0.2", "COUNT", "20", "WITHSCORES", "WITHATTRIBS",
        "TRUTH"));
    out.add(c.call("VEMB", "set", "e7"));
    out.add(c.call("VGETATTR", "set", "e" + (ELEMENTS - 1)));
    out.add(c.call("VISMEMBER", "set", "e3"));
    return out;
  }
}
