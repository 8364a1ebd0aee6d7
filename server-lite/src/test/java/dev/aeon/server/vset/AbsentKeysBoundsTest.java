package dev.aeon.server.vset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Memory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      absent.note("ns", "key" + i, absent.absence(absent.creations(), List.of()));
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
      absent.note("ns", longKey + i, absent.absence(absent.creations(), List.of()));
    }
    long bound = AbsentKeys.MAX_KEY_CHARS / (AbsentKeys.LONGEST_KEPT + 3);
    assertTrue(absent.size() <= bound, absent.size() + " keys of ~1 KiB kept");
    absent.note("ns", "y".repeat(AbsentKeys.LONGEST_KEPT + 1), absent.absence(absent.creations(), List.of()));
    assertFalse(absent.isAbsent("ns", "y".repeat(AbsentKeys.LONGEST_KEPT + 1), NO_NAMESPACE), "too long to keep");
  }

  /**
   * A key's entry names every namespace instance its load looked in, one per dimension of the user namespace's sets:
   * those count against the bound as its characters do, so that keys of a namespace with sets of many dimensions keep
   * bounded memory (before, 65,536 keys were kept whatever their loads looked in: 248 MB with 100 instances each,
   * 36 bytes per instance and key, a weak reference of its own and a slot in its list). Failed before: 30,000 kept.
   */
  @Test
  void theInstancesALoadLookedInCountAgainstTheBound(@TempDir Path dir) {
    try (Aeon aeon = Aeon.open(dir, AeonOptions.defaults())) {
      List<Memory> many = IntStream.rangeClosed(1, 100).mapToObj(d -> aeon.reader("ns.vset-d" + d)).toList();
      Map<String, Memory> current = many.stream().collect(Collectors.toMap(Memory::name, m -> m));
      AbsentKeys absent = new AbsentKeys();
      for (int i = 0; i < 30_000; i++) {
        absent.note("ns", "key" + i, absent.absence(absent.creations(), many));
      }
      long bound = AbsentKeys.MAX_KEY_CHARS / (100 * AbsentKeys.CHARS_PER_INSTANCE);
      assertTrue(absent.size() <= bound, absent.size() + " keys of 100 instances kept");
      assertSame(absent.absence(0, many).lookedIn().get(7), absent.absence(1, many).lookedIn().get(7),
          "one reference to an instance, shared");
      assertTrue(absent.isAbsent("ns", "key29999", current::get), "the last one is kept");
    }
  }

  @Test
  void aLoadThatBeganBeforeACreationKeepsNothing() {
    AbsentKeys absent = new AbsentKeys();
    AbsentKeys.Absence before = absent.absence(absent.creations(), List.of());
    absent.created("ns", "k");
    absent.note("ns", "k", before);
    assertFalse(absent.isAbsent("ns", "k", NO_NAMESPACE));
    absent.note("ns", "k", absent.absence(absent.creations(), List.of()));
    assertTrue(absent.isAbsent("ns", "k", NO_NAMESPACE));
    absent.created("ns", "k");
    assertFalse(absent.isAbsent("ns", "k", NO_NAMESPACE), "a creation removes the key");
    absent.note("ns", "k", absent.absence(absent.creations(), List.of()));
    absent.note("other", "k", absent.absence(absent.creations(), List.of()));
    absent.forget("ns");
    assertFalse(absent.isAbsent("ns", "k", NO_NAMESPACE));
    assertTrue(absent.isAbsent("other", "k", NO_NAMESPACE), "another namespace's key stays");
    assertEquals(1, absent.size());
  }
}
