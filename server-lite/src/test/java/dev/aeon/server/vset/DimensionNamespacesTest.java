package dev.aeon.server.vset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Which namespace names store the vector sets of a user namespace, and of which dimension. */
class DimensionNamespacesTest {

  @Test
  void onlyTheNamesTheServerWritesAreStorageNamespaces() {
    assertEquals("agent.vset-d384", DimensionNamespaces.of("agent", 384));
    assertEquals(OptionalInt.of(384), DimensionNamespaces.dimension("agent.vset-d384", "agent"));
    assertEquals(OptionalInt.of(2147483647), DimensionNamespaces.dimension("a.vset-d2147483647", "a"));
    for (String other : new String[] {"agent.vset-d", "agent.vset-d03", "agent.vset-d0", "agent.vset-d+3",
        "agent.vset-d-3", "agent.vset-d2147483648", "agent.vset-d3x", "agent.vset-d3.vset-d4", "agent",
        "agents.vset-d3",
        "xagent.vset-d3"}) {
      assertFalse(DimensionNamespaces.belongsTo(other, "agent"), other);
      assertEquals(OptionalInt.empty(), DimensionNamespaces.dimension(other, "agent"), other);
    }
    assertTrue(DimensionNamespaces.belongsTo("a.b.vset-d3", "a.b"));
    assertFalse(DimensionNamespaces.belongsTo("a.b.vset-d3", "a"), "the storage of namespace a.b, not a");
  }
}
