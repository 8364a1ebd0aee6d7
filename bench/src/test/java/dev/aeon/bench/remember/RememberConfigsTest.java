package dev.aeon.bench.remember;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./aeon bench remember --only}: which configurations a run measures, and in which order. */
class RememberConfigsTest {

  private static List<String> keys(String only) {
    return RememberBench.configs(only).stream().map(RememberBench.Config::key).toList();
  }

  @Test
  void withoutOnlyEveryConfigurationIsMeasured() {
    assertEquals(List.of("sync_x1", "sync_x4", "async_x1", "async_x4", "off_x1", "sync_x1_batch64"), keys(null));
  }

  /** In the bench's own order whatever the order given, each once, spaces around the commas allowed. */
  @Test
  void onlyKeepsTheNamedConfigurationsInTheBenchsOrder() {
    assertEquals(List.of("sync_x1"), keys("sync_x1"));
    assertEquals(List.of("sync_x1", "off_x1"), keys("off_x1, sync_x1,sync_x1"));
  }

  @Test
  void anUnknownOrEmptyNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> keys("sync_x2"));
    assertThrows(IllegalArgumentException.class, () -> keys("sync_x1,"));
    assertThrows(IllegalArgumentException.class, () -> keys(""));
  }
}
