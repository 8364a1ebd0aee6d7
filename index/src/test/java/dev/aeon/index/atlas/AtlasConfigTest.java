package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AtlasConfigTest {

  /**
   * A leaf of one vector cannot split: its split made that vector's leaf and an empty one, and the next
   * insert that routed to the full leaf split it again without end (an add that never returned).
   */
  @Test
  void leavesOfOneVectorAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AtlasConfig(8, 1, 1, 4));
    assertEquals(2, new AtlasConfig(8, 1, 2, 4).leafCapacity());
    assertEquals(2, new AtlasConfig(8, 2, 1, 4).leafCapacity());
  }
}
