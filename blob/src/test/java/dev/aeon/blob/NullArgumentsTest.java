package dev.aeon.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aeon.common.testing.NullArguments;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method and constructor of the blob arena's API, called with null in each reference parameter where
 * null means nothing, throws a NullPointerException that names the parameter (package-info.java), and creates and
 * changes nothing; the arena goes on working afterwards.
 */
class NullArgumentsTest {

  @TempDir
  Path dir;

  @Test
  void aNullArgumentIsANullPointerExceptionNamingTheParameter() throws Exception {
    Path absent = dir.resolve("absent");
    Map<Object, Object> samples = Map.ofEntries(Map.entry(Path.class, absent),
        Map.entry(BlobArenaOptions.class, BlobArenaOptions.defaults()), Map.entry(byte[].class, new byte[] {1}),
        Map.entry(String.class, "s"), Map.entry(MemorySegment.class, MemorySegment.ofArray(new byte[] {1})),
        Map.entry(LongPredicate.class, (LongPredicate) ref -> true), Map.entry(long.class, 1L),
        Map.entry(int.class, 1), Map.entry(double.class, 0.5), Map.entry(boolean.class, true));
    try (BlobArena arena = BlobArena.open(dir.resolve("arena"))) {
      long ref = arena.append("kept");
      List<String> misfits = new ArrayList<>();
      misfits.addAll(NullArguments.misfits(BlobArena.class, arena, samples, Set.of("open(epochs)")));
      misfits.addAll(NullArguments.misfits(BlobArenaOptions.class, BlobArenaOptions.defaults(), samples, Set.of()));
      assertEquals(List.of(), misfits);

      assertFalse(Files.exists(absent), "a refused call made " + absent);
      assertEquals("kept", arena.readString(ref));
      assertEquals("more", arena.readString(arena.append("more")));
      assertEquals(2, arena.stats().liveBlobs());
    }
  }

  @Test
  void anOutOfRangeOptionIsAnIllegalArgumentExceptionNamingItsRange() {
    assertEquals("maxBlobBytes must be in [0, 2147483583]: -1", assertThrows(IllegalArgumentException.class,
        () -> BlobArenaOptions.defaults().withMaxBlobBytes(-1)).getMessage());
  }
}
