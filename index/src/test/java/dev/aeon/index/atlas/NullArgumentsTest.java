package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aeon.common.testing.NullArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Every public method and constructor of Atlas's API, called with null in each reference parameter where null means
 * nothing, throws a NullPointerException that names the parameter (package-info.java), and creates and changes
 * nothing; the index goes on working afterwards.
 */
class NullArgumentsTest {

  @TempDir
  Path dir;

  @Test
  void aNullArgumentIsANullPointerExceptionNamingTheParameter() throws Exception {
    Path absent = dir.resolve("absent");
    float[] v = {1, 0, 0, 0};
    try (AtlasIndex index = AtlasIndex.create(dir.resolve("index"), AtlasConfig.of(4))) {
      index.add(1, v);
      Map<Object, Object> samples = Map.ofEntries(Map.entry(Path.class, absent),
          Map.entry(AtlasConfig.class, AtlasConfig.of(4)), Map.entry(float[].class, v),
          Map.entry(float[][].class, new float[][] {{0, 1, 0, 0}}), Map.entry(long[].class, new long[] {2}),
          Map.entry(SearchParams.class, SearchParams.defaults()), Map.entry(RoaringBitmap.class, new RoaringBitmap()),
          Map.entry(PreparedQuery.class, index.prepare(v)), Map.entry(int[].class, new int[0]),
          Map.entry(int.class, 1), Map.entry(long.class, 7L), Map.entry(double.class, 0.9),
          Map.entry(boolean.class, true));
      List<String> misfits = new ArrayList<>();
      misfits.addAll(NullArguments.misfits(AtlasIndex.class, index, samples,
          Set.of("search(filter)", "searchFrom(filter)", "searchFrom(leafIds)")));
      misfits.addAll(NullArguments.misfits(SearchParams.class, SearchParams.defaults(), samples, Set.of()));
      misfits.addAll(NullArguments.misfits(PreparedQuery.class, null, samples, Set.of()));
      misfits.addAll(NullArguments.misfits(AtlasConfig.class, AtlasConfig.of(4), samples, Set.of()));
      assertEquals(List.of(), misfits);

      assertFalse(Files.exists(absent), "a refused call made " + absent);
      assertEquals(1, index.size());
      index.add(2, new float[] {0, 1, 0, 0});
      assertEquals(2, index.search(new float[] {0, 1, 0, 0}, 1).ids()[0]);
    }
  }

  @Test
  void anOutOfRangeParameterIsAnIllegalArgumentExceptionNamingIt() {
    assertEquals("beamWidth must not be negative (0: the default): nprobe 4, beamWidth -1, rerankDepth 0",
        assertThrows(IllegalArgumentException.class, () -> SearchParams.nprobe(4).withBeamWidth(-1)).getMessage());
  }
}
