package dev.aeon.server.vset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Memory;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What {@link AbsentKeys} keeps: bounded in keys and in characters however many distinct keys are asked for, and
 * nothing from a load that began before a VADD created a key.
 */
class AbsentKeysBoundsTest {

  private static final Function<String, Memory> NO_NAMESPACE = name -> {
    throw new AssertionError("no namespace was looked in: " + name);
  };

  @Test
  void millionsOfDistinctKeysKeepAtMostTheBound() {
    AbsentKeys absent = new AbsentKeys();
    for (int i = 0; i < 1_000_000; i++) {
      absent.note("ns", "key" + i, AbsentKeys.Absence.of(absent.creations(), List.of()));
      assertTrue(absent.size() <= AbsentKeys.MAX_KEYS);
    }
    assertTrue(absent.size() >= AbsentKeys.MAX_KEYS / 8 * 7, "evicted down to 7/8, not further: " + absent.size());
    assertTrue(absent.isAbsent("ns", "key999999", NO_NAMESPACE), "the last one is kept");
  }

  @Test
  void longKeysKeepAtMostTheCharacters() {
    AbsentKeys absent = new AbsentKeys();
    String longKey = "x".repeat(AbsentKeys.LONGEST_KEPT - 8);
    for (int i = 0; i < 100_000; i++) {
      absent.note("ns", longKey + i, AbsentKeys.Absence.of(absent.creations(), List.of()));
    }
    long bound = AbsentKeys.MAX_KEY_CHARS / (AbsentKeys.LONGEST_KEPT + 3);
    assertTrue(absent.size() <= bound, absent.size() + " keys of ~1 KiB kept");
    absent.note("ns", "y".repeat(AbsentKeys.LONGEST_KEPT + 1), AbsentKeys.Absence.of(absent.creations(), List.of()));
    assertFalse(absent.isAbsent("ns", "y".repeat(AbsentKeys.LONGEST_KEPT + 1), NO_NAMESPACE), "too long to keep");
  }

  @Test
  void aLoadThatBeganBeforeACreationKeepsNothing() {
    AbsentKeys absent = new AbsentKeys();
    AbsentKeys.Absence before = AbsentKeys.Absence.of(absent.creations(), List.of());
    absent.created("ns", "k");
    absent.note("ns", "k", before);
    assertFalse(absent.isAbsent("ns", "k", NO_NAMESPACE));
    absent.note("ns", "k", AbsentKeys.Absence.of(absent.creations(), List.of()));
    assertTrue(absent.isAbsent("ns", "k", NO_NAMESPACE));
    absent.created("ns", "k");
    assertFalse(absent.isAbsent("ns", "k", NO_NAMESPACE), "a creation removes the key");
    absent.note("ns", "k", AbsentKeys.Absence.of(absent.creations(), List.of()));
    absent.note("other", "k", AbsentKeys.Absence.of(absent.creations(), List.of()));
    absent.forget("ns");
    assertFalse(absent.isAbsent("ns", "k", NO_NAMESPACE));
    assertTrue(absent.isAbsent("other", "k", NO_NAMESPACE), "another namespace's key stays");
    assertEquals(1, absent.size());
  }
}
